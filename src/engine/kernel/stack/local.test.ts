/**
 * ip_protocol_deliver_rcu: local delivery picks the handler registered for iph->protocol in
 * inet_protos[] (ICMP, TCP, UDP from inet_init; IPIP through tunnel4 and GRE once their modules
 * are loaded), and a
 * protocol nobody registered is dropped with SKB_DROP_REASON_IP_NOPROTO and answered with
 * ICMP protocol unreachable.
 */
import { describe, expect, it } from 'vitest';
import { echo, nfHost, tcp, udp } from '../../../../test/nf-test-kit';
import type { Ipv4Layer } from '../../net/layers';
import type { KernelEvent } from '../observer';
import type { Skb } from '../skb';
import { ipLocalDeliver } from './local';

function deliver(skb: Skb, setup?: (h: ReturnType<typeof nfHost>) => void): KernelEvent[] {
  const h = nfHost();
  setup?.(h);
  const events: KernelEvent[] = [];
  h.ns.world.observers.push({ event: (e) => events.push(e), capture: () => {}, tableChanged: () => {} });
  ipLocalDeliver(h.ns.device('eth0')!, skb);
  return events;
}

const codes = (events: KernelEvent[]): string[] => events.map((e) => e.explain.code);

describe('local delivery dispatches by IP protocol number', () => {
  it('1 ICMP: the kernel answers the echo request', () => {
    expect(codes(deliver(echo('10.0.0.5', '10.0.0.1')))).toContain('icmp.echo-reply');
  });

  it('6 TCP: a SYN to a closed port is refused with a reset', () => {
    expect(codes(deliver(tcp('10.0.0.5', 40000, '10.0.0.1', 81)))).toContain('drop.tcp-closed');
  });

  it('17 UDP: a datagram to a closed port gets port unreachable', () => {
    expect(codes(deliver(udp('10.0.0.5', 40000, '10.0.0.1', 9)))).toContain('drop.udp-closed');
  });

  const ipipPacket = (): Skb => {
    const inner = tcp('10.1.0.5', 40000, '10.2.0.1', 80).layers;
    const skb = tcp('10.0.0.5', 1, '10.0.0.1', 1);
    return { ...skb, layers: [{ ...(skb.layers[0] as Ipv4Layer), protocol: 4 }, ...inner] };
  };
  const icmpSent = (events: KernelEvent[]) =>
    events.find((e) => e.kind === 'icmp-error')?.layers?.find((l) => l.proto === 'icmp');

  it('4 IPIP before the ipip module is loaded: nobody registered protocol 4, protocol unreachable', () => {
    const events = deliver(ipipPacket());
    expect(codes(events)).toContain('drop.no-protocol');
    expect(icmpSent(events)).toMatchObject({ type: 3, code: 2 });
  });

  it('4 IPIP with the module loaded but no tunnel that matches: tunnel4_rcv sends port unreachable', () => {
    const events = deliver(ipipPacket(), (h) => h.ns.world.machines.get(h.ns.machine)!.modules.add('ipip'));
    expect(codes(events)).toContain('drop.ipip-no-tunnel');
    // tunnel4_rcv: icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0) when every handler refuses.
    expect(icmpSent(events)).toMatchObject({ type: 3, code: 3 });
  });

  it('the dispatch reads the protocol number, not the header that follows', () => {
    const skb = tcp('10.0.0.5', 40000, '10.0.0.1', 81);
    const sctp = { ...skb.layers[0]!, protocol: 132 };
    const events = deliver({ ...skb, layers: [sctp] });
    const drop = events.find((e) => e.explain.code === 'drop.no-protocol');
    expect(drop?.reason).toBe('IP_NOPROTO');
    expect(drop?.explain.args).toEqual({ protocol: 132 });
    // ip_protocol_deliver_rcu: icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, 0).
    const sent = events.find((e) => e.kind === 'icmp-error');
    expect(sent?.layers?.find((l) => l.proto === 'icmp')).toMatchObject({ type: 3, code: 2 });
  });
});
