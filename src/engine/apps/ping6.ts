/**
 * iputils ping over IPv6 (`ping -6`, `ping 2001:db8::1`, `ping fe80::1%eth0`): ICMPv6 echo
 * requests, and the replies and errors printed as ping6 prints them. The loop and the
 * statistics are ping-common.ts.
 */
import { formatIp6 } from '../net/ipv6';
import { IPPROTO_ICMPV6, type Icmpv6Layer, type Ipv6Layer } from '../net/layers';
import type { Device } from '../kernel/device';
import type { Netns } from '../kernel/netns';
import type { Skb } from '../kernel/skb';
import { emit as emitEvent, type Emit } from '../kernel/emit';
import { flowLabelOf } from '../kernel/stack/flowlabel';
import { ip6LocalOut, ip6RouteOutput } from '../kernel/stack/ip6';
import { ERRNO_TEXT } from '../kernel/stack/output';
import { PingProcess, type PingAnswer, type PingError } from './ping-common';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'apps'> = emitEvent;

export interface Ping6Options {
  dst: bigint;
  /** The scope id of a link-local destination (`%eth0`), or -I. */
  iface?: Device;
  /** -I ADDRESS: the bound source, which the rules see (RT6_LOOKUP_F_HAS_SADDR). */
  src?: bigint;
  /** Printed as typed with its scope (`fe80::1%eth0`). */
  shown: string;
  count: number;
  size: number;
  hlim?: number;
  /** -M: only `do` changes anything here (the socket's default fragments at the source). */
  pmtudisc?: 'do' | 'want' | 'dont';
  intervalUs: number;
  waitUs: number;
}

export class Ping6 extends PingProcess {
  constructor(
    ns: Netns,
    private readonly o: Ping6Options,
  ) {
    super(ns, o);
  }

  protected shown(): string {
    return this.o.shown;
  }

  protected probe(): string | undefined {
    const { ns, o } = this;
    const res = ip6RouteOutput(ns, o.dst, this.routeOpts());
    if (!res.ok) {
      this.localError('IP_OUTNOROUTES', `connect: ${ERRNO_TEXT[res.err]}`);
      return undefined;
    }
    const from = o.src !== undefined ? ` from ${formatIp6(o.src)} :` : '';
    return `PING ${o.shown}(${o.shown})${from} ${o.size} data bytes`;
  }

  private routeOpts(): { oif?: Device; src?: bigint } {
    const { iface, src } = this.o;
    return { ...(iface ? { oif: iface } : {}), ...(src !== undefined ? { src } : {}) };
  }

  protected openSocket(receive: (skb: Skb) => void, error: (skb: Skb) => void): () => void {
    const { ns, id } = this;
    ns.ping6.set(id, { receive, error });
    return () => ns.ping6.delete(id);
  }

  protected transmit(seq: number): void {
    const { ns, o } = this;
    const res = ip6RouteOutput(ns, o.dst, this.routeOpts());
    if (!res.ok) {
      this.localError('IP_OUTNOROUTES', `sendmsg: ${ERRNO_TEXT[res.err]}`);
      return;
    }
    // -M do (IPV6_PMTUDISC_DO): ip6_append_data refuses what does not fit the MTU instead of
    // fragmenting it at the source; ping -6 words the error queue's message with "mtu: ".
    if (o.pmtudisc === 'do' && o.size + 48 > res.dev.mtu && !res.local) {
      this.refused('PKT_TOO_BIG', `local error: message too long, mtu: ${res.dev.mtu}`);
      return;
    }
    const ip: Ipv6Layer = {
      proto: 'ipv6',
      src: formatIp6(res.src),
      dst: formatIp6(o.dst),
      hlim: o.hlim ?? ns.sysctl.get('net.ipv6.conf.default.hop_limit'),
      next: IPPROTO_ICMPV6,
      tc: 0,
      // Measured: every echo request of the same pair carries one label, whichever ping sent it.
      flow: flowLabelOf(ns, res.src, o.dst),
    };
    const skb: Skb = {
      id: ns.world.nextPacketId(),
      layers: [ip, { proto: 'icmpv6', type: 128, code: 0, id: this.id, seq }],
      payload: o.size,
      mark: 0,
    };
    this.sent++;
    emit(ns, { kind: 'userspace', skb, code: 'ping6.send', args: { seq, dst: ip.dst } });
    ip6LocalOut(ns, skb, res, 'ping');
  }

  /** The sender as ping prints it: a link-local one with the interface it came in on. */
  private from(ip: Ipv6Layer): string {
    return this.o.iface && ip.src.startsWith('fe80:') ? `${ip.src}%${this.o.iface.name}` : ip.src;
  }

  protected readReply(skb: Skb): PingAnswer {
    const ip = skb.layers[0] as Ipv6Layer;
    const m = skb.layers[1] as Icmpv6Layer;
    const bytes = skb.payload + 8;
    const from = this.from(ip);
    return {
      line: `${bytes} bytes from ${from}: icmp_seq=${m.seq} ttl=${ip.hlim} time=0.1 ms`,
      code: 'ping6.reply',
      args: { bytes, from, seq: m.seq ?? 0, hlim: ip.hlim },
    };
  }

  protected readError(skb: Skb): PingError {
    const ip = skb.layers[0] as Ipv6Layer;
    const m = skb.layers[1] as Icmpv6Layer;
    const quoted = skb.layers[3] as Icmpv6Layer | undefined;
    const text = icmpv6ErrorText(m);
    const from = this.from(ip);
    return {
      from,
      text,
      line: `From ${from} icmp_seq=${quoted?.seq ?? 0} ${text}`,
      code: 'ping6.error',
      args: { from, text },
    };
  }
}

/** iputils pr_icmph for ICMPv6, as this machine's ping printed it for each error. */
export function icmpv6ErrorText(m: Icmpv6Layer): string {
  if (m.type === 3)
    return m.code === 0 ? 'Time exceeded: Hop limit' : 'Time exceeded: Defragmentation failure';
  if (m.type === 2) return `Packet too big: mtu=${m.mtu ?? 0}`;
  if (m.type === 1) {
    const why = [
      'No route',
      'Administratively prohibited',
      'Beyond scope of source address',
      'Address unreachable',
      'Port unreachable',
    ];
    return `Destination unreachable: ${why[m.code] ?? `Unknown code ${m.code}`}`;
  }
  return `Unknown icmp type: ${m.type}`;
}
