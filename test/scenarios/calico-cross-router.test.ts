/**
 * calico-bgp-cross-router: Calico BGP with ipipMode Never across a router (issue 20,
 * point 5: "受制于二层网络的条件"). Expected values: BIRD's `gateway recursive` resolves a
 * BGP next hop off the local subnet through the kernel route to it (Calico's bird.cfg
 * learns kernel routes), so the block's route goes via the router; the router forwards by
 * its own table, which has no pod routes; with no route back to the source either, its
 * ICMP error is not sent (icmp_send needs a route to the source). Each routed hop takes one
 * from the TTL.
 */
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/engine/commands';
import { echoes, ip, trace, world } from '../helpers';

describe('calico-bgp-cross-router: what BIRD installs', () => {
  const { world: w } = world('calico-bgp-cross-router');
  const routes = (netns: string): string => {
    const ns = w.netns.get(netns)!;
    return runCommand({ world: w, machine: w.machines.get(ns.machine)!, ns, origin: 'test' }, 'ip route')
      .output;
  };

  it("node1's route to node2's block goes via the router, not via node2", () => {
    expect(routes('node1')).toContain('10.244.2.64/26 via 192.168.1.1 dev eth0 proto bird');
    expect(routes('node2')).toContain('10.244.1.0/26 via 192.168.2.1 dev eth0 proto bird');
    expect(routes('node1')).not.toContain('tunl0');
  });

  it('r1 knows only its own subnets', () => {
    expect(routes('r1')).not.toContain('10.244.');
  });
});

describe('calico-bgp-cross-router: pod-a-ping-pod-b', () => {
  const t = trace('calico-bgp-cross-router', 'pod-a-ping-pod-b');

  it('leaves node1 unencapsulated, addressed to r1, with the pod addresses', () => {
    const wire = echoes(t, 'request', 'node1', 'eth0', 'tx');
    expect(wire).toHaveLength(1);
    expect(wire[0]!.layers.map((l) => l.proto)).toEqual(['eth', 'ipv4', 'icmp']);
    expect(ip(wire[0]!)).toMatchObject({ src: '10.244.1.2', dst: '10.244.2.66', ttl: 63 });
    const r1mac = t.topology.netns
      .find((n) => n.name === 'r1')!
      .interfaces.find((i) => i.name === 'eth0')!.mac;
    expect(wire[0]!.layers[0]).toMatchObject({ dst: r1mac });
  });

  it('is dropped at r1 for lack of a route, silently: no ICMP error can reach pod-a', () => {
    expect(t.verdict).toBe('dropped');
    expect(t.events.find((e) => e.kind === 'drop')).toMatchObject({ netns: 'r1', reason: 'IP_NOROUTE' });
    // r1 answers node1's ARP, but sends nothing that carries ICMP (no net unreachable).
    const r1tx = t.captures.filter((c) => c.netns === 'r1' && c.direction === 'tx');
    expect(r1tx.every((c) => c.layers.some((l) => l.proto === 'arp'))).toBe(true);
    expect(t.captures.some((c) => c.netns === 'node2')).toBe(false);
    expect(t.output).toContain('1 packets transmitted, 0 received');
  });
});

describe('calico-bgp-cross-router: pod-a-ping-pod-b-router-knows', () => {
  const t = trace('calico-bgp-cross-router', 'pod-a-ping-pod-b-router-knows');

  it('is delivered, routed by node1, r1 and node2, with no NAT and no tunnel', () => {
    expect(t.verdict).toBe('delivered');
    const rx = echoes(t, 'request', 'pod-b', 'eth0', 'rx');
    expect(ip(rx[0]!)).toMatchObject({ src: '10.244.1.2', dst: '10.244.2.66', ttl: 61 });
    const mid = echoes(t, 'request', 'r1', 'eth1', 'tx');
    expect(mid[0]!.layers.map((l) => l.proto)).toEqual(['eth', 'ipv4', 'icmp']);
    expect(ip(mid[0]!)?.ttl).toBe(62);
  });
});
