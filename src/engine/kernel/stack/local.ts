/**
 * ip_local_deliver: the INPUT hook, IPVS, then ip_protocol_deliver_rcu hands the packet to the
 * handler registered for its IP protocol number (inet_protos[], filled by inet_init and the
 * tunnel modules); a protocol nobody registered is dropped and answered with ICMP protocol
 * unreachable (no raw socket is modelled).
 */
import { IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP, type Ipv4Layer } from '../../net/layers';
import type { Device } from '../device';
import { ipvsIn } from './ipvs';
import type { Skb } from '../skb';
import { emit as emitEvent, type Emit } from '../emit';
import { nfHook } from '../nf-hook';
import { ICMP, icmpSendError } from './icmp';
import { icmpRcv } from './icmp-rcv';
import { tcpRcv } from './tcp';
import { udpRcv } from './udp';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'transport'> = emitEvent;

export type NetProtocolHandler = (dev: Device, skb: Skb) => void;

/**
 * inet_protos: icmp_protocol, tcp_protocol, udp_protocol (af_inet.c, always there), and the
 * handlers a tunnel driver adds (inet_add_protocol) for when its kernel module is loaded on
 * the machine: tunnel4 for IPIP (the ipip module), gre (ip_gre).
 */
const INET_PROTOS = new Map<number, { handler: NetProtocolHandler; module?: string }>([
  [IPPROTO_ICMP, { handler: icmpRcv }],
  [IPPROTO_TCP, { handler: tcpRcv }],
  [IPPROTO_UDP, { handler: udpRcv }],
]);

/** inet_add_protocol: `handler` takes `protocol` on the machines where `module` is loaded. */
export function inetAddProtocol(protocol: number, handler: NetProtocolHandler, module: string): void {
  INET_PROTOS.set(protocol, { handler, module });
}

/** The handler registered for a protocol on this machine: a module's only once it is loaded. */
function inetProtocol(dev: Device, protocol: number): NetProtocolHandler | undefined {
  const p = INET_PROTOS.get(protocol);
  if (!p || p.module === undefined) return p?.handler;
  const machine = dev.netns.world.machines.get(dev.netns.machine);
  return machine?.modules.has(p.module) ? p.handler : undefined;
}

export function ipLocalDeliver(dev: Device, skb0: Skb): void {
  const skb = nfHook(dev.netns, 'INPUT', skb0, { in: dev });
  if (!skb) return;
  // IPVS hooks LOCAL_IN after the filter table: a virtual service takes the packet away.
  if (ipvsIn(dev, skb)) return;
  ipProtocolDeliver(dev, skb);
}

/** ip_protocol_deliver_rcu: the handler of iph->protocol, or IP_NOPROTO. */
function ipProtocolDeliver(dev: Device, skb: Skb): void {
  const ip = skb.layers[0] as Ipv4Layer;
  const handler = inetProtocol(dev, ip.protocol);
  if (handler) {
    // The handler pulls its header first (pskb_may_pull): without one there is nothing to read.
    if (skb.layers[1]) handler(dev, skb);
    return;
  }
  emit(dev.netns, {
    kind: 'drop',
    dev,
    skb,
    reason: 'IP_NOPROTO',
    code: 'drop.no-protocol',
    args: { protocol: ip.protocol },
  });
  // No raw socket takes it either: the sender hears protocol unreachable.
  icmpSendError(dev.netns, skb, ICMP.DEST_UNREACH, ICMP.PROT_UNREACH, {});
}
