/**
 * iputils ping over IPv6 (`ping -6`, `ping 2001:db8::1`, `ping fe80::1%eth0`): ICMPv6 echo
 * requests, and the replies and errors printed as ping prints them for IPv6.
 */
import type { DropReason } from '../kernel/drop-reason';
import { formatIp6 } from '../net/ipv6';
import { IPPROTO_ICMPV6, type Icmpv6Layer, type Ipv6Layer } from '../net/layers';
import type { Device } from '../kernel/device';
import type { Netns } from '../kernel/netns';
import type { Skb } from '../kernel/skb';
import { emit } from '../kernel/stack/emit';
import { ip6LocalOut, ip6RouteOutput } from '../kernel/stack/ip6';
import { ERRNO_TEXT } from '../kernel/stack/output';
import type { Outcome, Process } from './process';

export interface Ping6Options {
  dst: bigint;
  /** The scope id of a link-local destination (`%eth0`), or -I. */
  iface?: Device;
  /** Printed as typed with its scope (`fe80::1%eth0`). */
  shown: string;
  count: number;
  size: number;
  hlim?: number;
  intervalUs: number;
  waitUs: number;
}

export class Ping6 implements Process {
  readonly name = 'ping';
  done = false;
  outcome: Outcome | undefined;
  readonly output: string[] = [];
  private received = 0;
  private errors = 0;
  private sent = 0;
  private readonly id: number;

  constructor(
    private readonly ns: Netns,
    private readonly o: Ping6Options,
  ) {
    let h = 0;
    for (const c of ns.name) h = (h * 31 + c.charCodeAt(0)) & 0xffff;
    this.id = h || 1;
  }

  get deadlineUs(): number {
    return (this.o.count - 1) * this.o.intervalUs + this.o.waitUs;
  }

  start(): void {
    const { ns, o } = this;
    const res = ip6RouteOutput(ns, o.dst, { oif: o.iface });
    if (!res.ok) {
      this.localError('IP_OUTNOROUTES', `connect: ${ERRNO_TEXT[res.err]}`);
      return;
    }
    this.output.push(`PING ${o.shown}(${o.shown}) ${o.size} data bytes`);
    ns.ping6.set(this.id, { receive: (skb) => this.onReply(skb), error: (skb) => this.onError(skb) });
    for (let i = 0; i < o.count; i++) ns.world.sched.at(i * o.intervalUs, () => this.send(i + 1));
    ns.world.sched.at(this.deadlineUs, () => this.finish());
  }

  private send(seq: number): void {
    if (this.done) return;
    const { ns, o } = this;
    const res = ip6RouteOutput(ns, o.dst, { oif: o.iface });
    if (!res.ok) {
      this.localError('IP_OUTNOROUTES', `sendmsg: ${ERRNO_TEXT[res.err]}`);
      return;
    }
    const ip: Ipv6Layer = {
      proto: 'ipv6',
      src: formatIp6(res.src),
      dst: formatIp6(o.dst),
      hlim: o.hlim ?? ns.sysctl.get('net.ipv6.conf.default.hop_limit'),
      next: IPPROTO_ICMPV6,
      tc: 0,
      flow: 0,
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

  private onReply(skb: Skb): void {
    const ip = skb.layers[0] as Ipv6Layer;
    const m = skb.layers[1] as Icmpv6Layer;
    this.received++;
    const bytes = skb.payload + 8;
    const from = this.from(ip);
    this.output.push(`${bytes} bytes from ${from}: icmp_seq=${m.seq} ttl=${ip.hlim} time=0.1 ms`);
    emit(this.ns, {
      kind: 'deliver',
      skb,
      code: 'ping6.reply',
      args: { bytes, from, seq: m.seq ?? 0, hlim: ip.hlim },
    });
    if (this.received + this.errors >= this.o.count) this.finish();
  }

  private onError(skb: Skb): void {
    const ip = skb.layers[0] as Ipv6Layer;
    const m = skb.layers[1] as Icmpv6Layer;
    const quoted = skb.layers[3] as Icmpv6Layer | undefined;
    const text = icmpv6ErrorText(m);
    const from = this.from(ip);
    emit(this.ns, { kind: 'deliver', skb, code: 'ping6.error', args: { from, text } });
    this.errors++;
    this.output.push(`From ${from} icmp_seq=${quoted?.seq ?? 0} ${text}`);
    this.outcome ??= { kind: 'icmp-error', text: `From ${from}: ${text}` };
    if (this.received + this.errors >= this.o.count) this.finish();
  }

  private localError(reason: DropReason, text: string): void {
    this.output.push(`ping: ${text}`);
    emit(this.ns, { kind: 'drop', reason, code: 'app.local-error', args: { process: 'ping', text } });
    this.outcome = { kind: 'local-error', reason, text: `ping: ${text}` };
    this.done = true;
    this.ns.ping6.delete(this.id);
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.ns.ping6.delete(this.id);
    const loss = this.sent === 0 ? 100 : Math.round(((this.sent - this.received) / this.sent) * 100);
    this.output.push('', `--- ${this.o.shown} ping statistics ---`);
    const errs = this.errors > 0 ? `, +${this.errors} errors` : '';
    this.output.push(
      `${this.sent} packets transmitted, ${this.received} received${errs}, ${loss}% packet loss, time 0ms`,
    );
    if (this.received > 0) this.outcome = { kind: 'ok' };
    else this.outcome ??= { kind: 'timeout' };
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
