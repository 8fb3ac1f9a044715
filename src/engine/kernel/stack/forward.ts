/**
 * ip_forward: TTL, path MTU, redirects, the FORWARD hook, then output. The order of the
 * checks is the kernel's: TTL first, then the MTU against the outgoing route, then the
 * TTL decrement and a possible redirect, then netfilter.
 */
import { formatIp } from '../../net/ipv4';
import type { Ipv4Layer } from '../../net/layers';
import { ipLength } from '../../net/encode';
import { ipOf } from '../addr';
import type { Device } from '../device';
import type { Route } from '../routes';
import { patchLayer, type Skb } from '../skb';
import { emit as emitEvent, type Emit } from '../emit';
import { nfHook } from '../nf-hook';
import { icmpSendError, ICMP } from './icmp';
import { ipOutput } from './output';
import { ipvsOut } from './ipvs';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'forward'> = emitEvent;

export function ipForward(inDev: Device, skb0: Skb, rt: Route): void {
  const ns = inDev.netns;
  const ip = skb0.layers[0] as Ipv4Layer;
  const out = rt.dev!;
  if (ip.ttl <= 1) {
    emit(ns, {
      kind: 'drop',
      dev: inDev,
      skb: skb0,
      reason: 'IP_INHDR',
      code: 'drop.ttl-exceeded',
      args: { ttl: ip.ttl, dst: ip.dst },
    });
    icmpSendError(ns, skb0, ICMP.TIME_EXCEEDED, 0, {});
    return;
  }
  const len = ipLength({ layers: skb0.layers, payload: skb0.payload }, 0);
  if (len > out.mtu) {
    if (ip.df) {
      emit(ns, {
        kind: 'drop',
        dev: out,
        skb: skb0,
        reason: 'PKT_TOO_BIG',
        code: 'drop.frag-needed',
        args: { len, mtu: out.mtu, dev: out.name },
      });
      icmpSendError(ns, skb0, ICMP.DEST_UNREACH, ICMP.FRAG_NEEDED, { mtu: out.mtu });
      return;
    }
    emit(ns, {
      kind: 'drop',
      dev: out,
      skb: skb0,
      reason: 'FRAGMENTATION_UNMODELLED',
      code: 'drop.fragmentation',
      args: { len, mtu: out.mtu, dev: out.name },
    });
    return;
  }
  const skb1 = patchLayer<Ipv4Layer>(skb0, 0, { ttl: ip.ttl - 1 });
  const nexthop = rt.gateway ?? ipOf(ip.dst);
  // RTCF_DOREDIRECT: out the way it came in, from a sender on that very link (fib_validate_source
  // finds it directly connected there); with shared_media on (the default) that is enough.
  // (fib_validate_source's reverse flow: from the destination to the source, as if sent from `lo`.)
  const back = ns.routes.lookup(ipOf(ip.src), { src: ipOf(ip.dst) });
  // A redirect about a DNATed (or not yet fully bound) connection is made here too; the nat
  // hooks drop it on its way out (nf_nat_icmp_reply_translation), as the kernel does.
  if (
    out === inDev &&
    ns.sysctl.devOr(out.name, 'send_redirects') &&
    back?.dev === inDev &&
    back.gateway === undefined &&
    back.type === 'unicast'
  ) {
    icmpSendError(ns, skb1, ICMP.REDIRECT, ICMP.REDIR_HOST, { gateway: formatIp(nexthop) });
  }
  const filtered = nfHook(ns, 'FORWARD', skb1, { in: inDev, out });
  if (!filtered) return;
  // ip_vs_out (FORWARD, after filter): a real server's reply takes the virtual service's address again.
  const skb = ipvsOut(ns, filtered);
  // Between two address-less veths that are no bridge's ports (Calico's pattern), say why a hop between
  // neighbours on one host still costs a TTL: it was routed, where a bridge would have switched it.
  const betweenVeths =
    inDev.kind === 'veth' &&
    out.kind === 'veth' &&
    !inDev.master &&
    !out.master &&
    inDev.addrs.length === 0 &&
    out.addrs.length === 0;
  emit(ns, {
    kind: 'forward',
    dev: out,
    skb,
    // A TUN, IPIP or GRE device has no link layer (no header_ops, hard_header_len 0): no MAC to rewrite.
    code: betweenVeths ? 'forward.between-veths' : out.linkType === 'raw' ? 'forward.no-l2' : 'forward',
    args: { in: inDev.name, out: out.name, ttl: ip.ttl, ttl2: ip.ttl - 1, dst: ip.dst },
  });
  ipOutput(ns, skb, out, nexthop, 'forward');
}
