/**
 * iputils ping: ICMP echo requests with a deterministic identifier, the replies and
 * errors printed the way ping prints them.
 */
import type { DropReason } from '../kernel/drop-reason';
import { formatIp } from '../net/ipv4';
import { IPPROTO_ICMP, type IcmpLayer, type Ipv4Layer } from '../net/layers';
import type { Device } from '../kernel/device';
import type { Netns } from '../kernel/netns';
import type { Skb } from '../kernel/skb';
import { emit } from '../kernel/stack/emit';
import { ERRNO_TEXT, ipLocalOut, routeOutput } from '../kernel/stack/output';
import type { Outcome, Process } from './process';

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

export class Ping implements Process {
  readonly name = 'ping';
  done = false;
  outcome: Outcome | undefined;
  readonly output: string[] = [];
  private received = 0;
  private errors = 0;
  private sent = 0;
  private readonly id: number;
  private close?: () => void;

  constructor(
    private readonly ns: Netns,
    private readonly o: PingOptions,
  ) {
    // ping's identifier is per process; derive it from the namespace so runs repeat.
    let h = 0;
    for (const c of ns.name) h = (h * 31 + c.charCodeAt(0)) & 0xffff;
    this.id = h || 1;
  }

  get deadlineUs(): number {
    return (this.o.count - 1) * this.o.intervalUs + this.o.waitUs;
  }

  start(): void {
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
      return;
    }
    const from = o.src !== undefined ? `from ${formatIp(o.src)} : ` : '';
    this.output.push(`PING ${dstText} (${dstText}) ${from}${o.size}(${o.size + 28}) bytes of data.`);
    this.close = ns.sockets.open({
      proto: 'icmp',
      local: 0,
      lport: this.id,
      remote: o.dst,
      rport: 0,
      receive: (skb) => this.onReply(skb),
      error: (skb) => this.onError(skb),
    });
    for (let i = 0; i < o.count; i++) ns.world.sched.at(i * o.intervalUs, () => this.send(i + 1));
    ns.world.sched.at(this.deadlineUs, () => this.finish());
  }

  private send(seq: number): void {
    if (this.done) return;
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
      this.localError('PKT_TOO_BIG', `local error: message too long, mtu=${res.dev.mtu}`);
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

  private onReply(skb: Skb): void {
    const ip = skb.layers[0] as Ipv4Layer;
    const icmp = skb.layers[1] as IcmpLayer;
    this.received++;
    const bytes = skb.payload + 8;
    this.output.push(`${bytes} bytes from ${ip.src}: icmp_seq=${icmp.seq} ttl=${ip.ttl} time=0.1 ms`);
    emit(this.ns, {
      kind: 'deliver',
      skb,
      code: 'ping.reply',
      args: { bytes, from: ip.src, seq: icmp.seq ?? 0, ttl: ip.ttl },
    });
    if (this.received + this.errors >= this.o.count) this.finish();
  }

  private onError(skb: Skb): void {
    const ip = skb.layers[0] as Ipv4Layer;
    const icmp = skb.layers[1] as IcmpLayer;
    const quoted = skb.layers[3] as IcmpLayer | undefined;
    const text = icmpErrorText(icmp);
    emit(this.ns, { kind: 'deliver', skb, code: 'ping.error', args: { from: ip.src, text } });
    if (icmp.type === 5) {
      // A redirect is advice, not a failure: iputils prints it and keeps waiting for the reply.
      this.output.push(`From ${ip.src}: icmp_seq=${quoted?.seq ?? 0} ${text}`);
      return;
    }
    this.errors++;
    this.output.push(`From ${ip.src} icmp_seq=${quoted?.seq ?? 0} ${text}`);
    this.outcome ??= { kind: 'icmp-error', text: `From ${ip.src}: ${text}` };
    if (this.received + this.errors >= this.o.count) this.finish();
  }

  private localError(reason: DropReason, text: string): void {
    this.output.push(`ping: ${text}`);
    emit(this.ns, { kind: 'drop', reason, code: 'app.local-error', args: { process: 'ping', text } });
    this.outcome = { kind: 'local-error', reason, text: `ping: ${text}` };
    this.done = true;
    this.close?.();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.close?.();
    const loss = this.sent === 0 ? 100 : Math.round(((this.sent - this.received) / this.sent) * 100);
    this.output.push('', `--- ${formatIp(this.o.dst)} ping statistics ---`);
    const errs = this.errors > 0 ? `, +${this.errors} errors` : '';
    this.output.push(
      `${this.sent} packets transmitted, ${this.received} received${errs}, ${loss}% packet loss, time 0ms`,
    );
    if (this.received > 0) this.outcome = { kind: 'ok' };
    else this.outcome ??= { kind: 'timeout' };
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
