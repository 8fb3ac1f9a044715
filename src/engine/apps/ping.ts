/**
 * iputils ping over IPv4: ICMP echo requests on a ping socket, and the replies and errors
 * printed the way ping4 prints them. The loop and the statistics are ping-common.ts.
 */
import { formatIp } from '../net/ipv4';
import { IPPROTO_ICMP, type IcmpLayer, type Ipv4Layer } from '../net/layers';
import type { Device } from '../kernel/device';
import type { Netns } from '../kernel/netns';
import type { Skb } from '../kernel/skb';
import { emit as emitEvent, type Emit } from '../kernel/emit';
import { ERRNO_TEXT, ipLocalOut, routeOutput } from '../kernel/stack/output';
import { PingProcess, type PingAnswer, type PingError } from './ping-common';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'apps'> = emitEvent;

export interface PingOptions {
  dst: number;
  count: number;
  size: number;
  ttl?: number;
  /** -M do|want|dont: path-MTU discovery mode (want: DF set unless the packet is too big). */
  pmtudisc: 'do' | 'want' | 'dont';
  iface?: Device;
  /** -I ADDRESS: the socket is bound to this source, so every lookup carries it. */
  src?: number;
  intervalUs: number;
  waitUs: number;
}

export class Ping extends PingProcess {
  constructor(
    ns: Netns,
    private readonly o: PingOptions,
  ) {
    super(ns, o);
  }

  protected shown(): string {
    return formatIp(this.o.dst);
  }

  protected probe(): string | undefined {
    const { ns, o } = this;
    const dstText = formatIp(o.dst);
    // iputils connects a probe socket to pick the source before it prints its header, so a
    // missing route ends ping with "ping: connect: ..." alone.
    const res = routeOutput(ns, o.dst, { oif: o.iface, src: o.src });
    if (!res.ok) {
      // ping4_run: EACCES from the probe's connect() is what a broadcast or a prohibit gets.
      if (res.err === 'EACCES')
        this.localError(
          'IP_OUTNOROUTES',
          'Do you want to ping broadcast? Then -b. If not, check your local firewall rules',
        );
      else this.localError('IP_OUTNOROUTES', `connect: ${ERRNO_TEXT[res.err]}`);
      return undefined;
    }
    const from = o.src !== undefined ? `from ${formatIp(o.src)} : ` : '';
    return `PING ${dstText} (${dstText}) ${from}${o.size}(${o.size + 28}) bytes of data.`;
  }

  protected openSocket(receive: (skb: Skb) => void, error: (skb: Skb) => void): () => void {
    return this.ns.sockets.open({
      proto: 'icmp',
      local: 0,
      lport: this.id,
      remote: this.o.dst,
      rport: 0,
      receive,
      error,
    });
  }

  protected transmit(seq: number): void {
    const { ns, o } = this;
    const res = routeOutput(ns, o.dst, { oif: o.iface, src: o.src });
    if (!res.ok) {
      this.localError('IP_OUTNOROUTES', `sendmsg: ${ERRNO_TEXT[res.err]}`);
      return;
    }
    const len = o.size + 28;
    const df = o.pmtudisc === 'do' || (o.pmtudisc === 'want' && len <= res.dev.mtu);
    if (o.pmtudisc === 'do' && len > res.dev.mtu && !res.local) {
      // ip_append_data refuses a DF datagram larger than the path MTU: EMSGSIZE.
      this.refused('PKT_TOO_BIG', `local error: message too long, mtu=${res.dev.mtu}`);
      return;
    }
    const ip: Ipv4Layer = {
      proto: 'ipv4',
      src: formatIp(res.src),
      dst: formatIp(o.dst),
      ttl: o.ttl ?? ns.sysctl.get('net.ipv4.ip_default_ttl'),
      protocol: IPPROTO_ICMP,
      id: ns.nextIpId(),
      df,
      tos: 0,
    };
    const skb: Skb = {
      id: ns.world.nextPacketId(),
      layers: [ip, { proto: 'icmp', type: 8, code: 0, id: this.id, seq }],
      payload: o.size,
      mark: 0,
    };
    this.sent++;
    emit(ns, { kind: 'userspace', skb, code: 'ping.send', args: { seq, dst: ip.dst } });
    ipLocalOut(ns, skb, res, 'ping');
  }

  protected readReply(skb: Skb): PingAnswer {
    const ip = skb.layers[0] as Ipv4Layer;
    const icmp = skb.layers[1] as IcmpLayer;
    const bytes = skb.payload + 8;
    return {
      line: `${bytes} bytes from ${ip.src}: icmp_seq=${icmp.seq} ttl=${ip.ttl} time=0.1 ms`,
      code: 'ping.reply',
      args: { bytes, from: ip.src, seq: icmp.seq ?? 0, ttl: ip.ttl },
    };
  }

  protected readError(skb: Skb): PingError {
    const ip = skb.layers[0] as Ipv4Layer;
    const icmp = skb.layers[1] as IcmpLayer;
    const quoted = skb.layers[3] as IcmpLayer | undefined;
    const text = icmpErrorText(icmp);
    const advice = icmp.type === 5;
    const sep = advice ? ':' : '';
    return {
      from: ip.src,
      text,
      advice,
      line: `From ${ip.src}${sep} icmp_seq=${quoted?.seq ?? 0} ${text}`,
      code: 'ping.error',
      args: { from: ip.src, text },
    };
  }
}

/** iputils pr_icmph's words for ICMP_DEST_UNREACH, by code. */
const UNREACH_TEXT = [
  'Destination Net Unreachable',
  'Destination Host Unreachable',
  'Destination Protocol Unreachable',
  'Destination Port Unreachable',
  '', // 4: frag needed, with the MTU
  'Source Route Failed',
  'Destination Net Unknown',
  'Destination Host Unknown',
  'Source Host Isolated',
  'Destination Net Prohibited',
  'Destination Host Prohibited',
  'Destination Net Unreachable for Type of Service',
  'Destination Host Unreachable for Type of Service',
  'Packet filtered',
  'Precedence Violation',
  'Precedence Cutoff',
];

/** The words ping prints for an ICMP error (iputils pr_icmph). */
export function icmpErrorText(icmp: IcmpLayer): string {
  if (icmp.type === 11) return icmp.code === 0 ? 'Time to live exceeded' : 'Frag reassembly time exceeded';
  if (icmp.type === 5) return `Redirect Host(New nexthop: ${icmp.gateway ?? '?'})`;
  if (icmp.type === 3) {
    if (icmp.code === 4) return `Frag needed and DF set (mtu = ${icmp.mtu ?? 0})`;
    return UNREACH_TEXT[icmp.code] ?? `Dest Unreachable, Bad Code: ${icmp.code}`;
  }
  return `Bad ICMP type: ${icmp.type}`;
}
