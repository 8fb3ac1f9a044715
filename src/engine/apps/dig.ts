/**
 * dig from BIND 9.18 (Debian's bind9-dnsutils 9.18.49, measured in a namespace). Unlike a
 * stub resolver it asks exactly the name it was given (as absolute: `dig web` asks "web.")
 * unless +search, and one type (A unless told). Each query carries an EDNS OPT record
 * (UDP size 1232, an 8-byte client COOKIE) and sets RD and AD; it goes from a new UDP
 * socket with DF clear (IP_PMTUDISC_OMIT). A try unanswered after 5 s is sent again with
 * the same id from a new socket, 3 tries in all (+timeout=5 +tries=3), each announced as
 * ";; communications error to SERVER#53: timed out" (an ICMP port unreachable: "connection
 * refused", at once); after the last, ";; no servers could be reached" and exit 9.
 *
 * With +search the names are the stub resolver's candidates (resolv.conf's search list and
 * ndots, resolv-conf.ts); only NXDOMAIN moves to the next (dighost.c next_origin), and only
 * the last reply is printed. A SERVFAIL is printed like any reply (+nofail, the default).
 */
import { formatIp } from '../net/ipv4';
import { dnsLength, dnsQuery, fqdn, RCODE, type DnsLayer, type DnsType } from '../net/dns';
import type { Ipv4Layer, UdpLayer } from '../net/layers';
import type { Netns } from '../kernel/netns';
import type { Skb } from '../kernel/skb';
import { emit as emitEvent, type Emit } from '../kernel/emit';
import { routeOutput } from '../kernel/stack/output';
import { sendL4 } from '../kernel/stack/transport';
import { SECOND_US } from '../kernel/timing';
import { digMessage, digShort, digStats, rdataText } from './dig-print';
import type { Outcome, Process } from './process';
import { resolvConfOf, unresolved } from './resolver';
import { searchCandidates } from './resolv-conf';
import { ephemeralPort, portHash } from './tcp-client';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'apps'> = emitEvent;

/** The version line of the dig that was measured. */
export const DIG_VERSION = '9.18.49-1~deb12u3-Debian';
const TIMEOUT_US = 5 * SECOND_US;
const TRIES = 3;
const EDNS_UDP_SIZE = 1232;
const RCODE_NAMES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

/** The answers as the resolver's events list them. */
function answersText(m: DnsLayer): string {
  if (m.answer.length > 0) return `, ${m.answer.map((r) => `${r.type} ${rdataText(r)}`).join(', ')}`;
  return m.rcode === RCODE.NOERROR ? ' with no records of that type (NODATA)' : '';
}

export interface DigOptions {
  name: string;
  type: DnsType;
  /** @server, or the first nameserver of /etc/resolv.conf. */
  server?: number;
  short: boolean;
  search: boolean;
  edns: boolean;
  cookie: boolean;
  /** The arguments as typed, for the "; <<>> DiG ... <<>> ARGS" line. */
  args: string;
}

export class Dig implements Process {
  readonly name = 'dig';
  done = false;
  outcome: Outcome | undefined;
  readonly output: string[] = [];
  private readonly server: number;
  private readonly candidates: string[];
  private index = 0;
  private close: () => void = () => {};

  constructor(
    private readonly ns: Netns,
    private readonly o: DigOptions,
  ) {
    const rc = resolvConfOf(ns);
    this.server = o.server ?? rc.nameservers[0]!;
    this.candidates = o.search ? searchCandidates(o.name, rc) : [fqdn(o.name)];
  }

  get deadlineUs(): number {
    return this.candidates.length * TRIES * TIMEOUT_US + SECOND_US;
  }

  start(): void {
    this.ask(this.candidates[this.index++]!, 1);
  }

  /** The banner dig prints before the first answer (or its failure). */
  private banner(): void {
    if (this.o.short) return;
    this.output.push('', `; <<>> DiG ${DIG_VERSION} <<>> ${this.o.args}`);
    if (this.o.server !== undefined) this.output.push('; (1 server found)');
    this.output.push(';; global options: +cmd');
  }

  /** dig's query: RD and AD, and the OPT record with its client cookie. */
  private query(name: string): { q: DnsLayer; cookie?: string } {
    const id = portHash(this.ns, `dig-id/${name}/${this.o.type}`) & 0xffff;
    const q: DnsLayer = { ...dnsQuery(id, name, this.o.type), ad: true };
    if (!this.o.edns) return { q };
    const hex = (seed: string): string => portHash(this.ns, seed).toString(16).padStart(8, '0');
    const cookie = this.o.cookie ? hex(`dig-cookie/${name}/a`) + hex(`dig-cookie/${name}/b`) : undefined;
    q.opt = {
      udpSize: EDNS_UDP_SIZE,
      extRcode: 0,
      version: 0,
      flags: 0,
      options: cookie ? [{ code: 10, data: cookie }] : [],
    };
    return cookie ? { q, cookie } : { q };
  }

  /** One try: a new socket, the query, a timer. */
  private ask(name: string, attempt: number): void {
    const { ns } = this;
    const res = routeOutput(ns, this.server, {});
    if (!res.ok) {
      this.commsError('network unreachable', name, attempt);
      return;
    }
    const { q, cookie } = this.query(name);
    const t = {
      local: res.src,
      lport: ephemeralPort(ns, `dig/${name}/${this.o.type}/${attempt}`),
      remote: this.server,
      rport: 53,
    };
    let open = true;
    const sentAt = ns.world.sched.now;
    const finish = (): void => {
      open = false;
      this.close();
    };
    this.close = ns.sockets.open({
      proto: 'udp',
      ...t,
      receive: (skb: Skb) => {
        const dns = skb.layers[2];
        if (!open || dns?.proto !== 'dns' || !dns.qr || dns.id !== q.id) return;
        finish();
        this.answered(skb, dns, name, ns.world.sched.now - sentAt, cookie);
      },
      error: () => {
        if (!open) return;
        finish();
        this.commsError('connection refused', name, attempt);
      },
    });
    emit(ns, {
      kind: 'userspace',
      code: 'resolver.dig-query',
      args: { process: 'dig', name, types: this.o.type, server: formatIp(this.server) },
    });
    sendL4(ns, t, { proto: 'udp', sport: t.lport, dport: 53 }, 0, 'dig', [q], undefined, 'omit');
    ns.world.sched.at(TIMEOUT_US, () => {
      if (!open) return;
      finish();
      this.commsError('timed out', name, attempt);
    });
  }

  private commsError(why: string, name: string, attempt: number): void {
    this.output.push(`;; communications error to ${formatIp(this.server)}#53: ${why}`);
    if (attempt < TRIES) {
      this.ask(name, attempt + 1);
      return;
    }
    this.banner();
    this.output.push(';; no servers could be reached');
    const word = why === 'timed out' ? 'timeout' : why === 'connection refused' ? 'refused' : why;
    this.end(unresolved(this.ns, 'dig', this.o.name, word));
  }

  private answered(skb: Skb, dns: DnsLayer, name: string, rttUs: number, cookie?: string): void {
    const ip = skb.layers[0] as Ipv4Layer;
    const udp = skb.layers[1] as UdpLayer;
    emit(this.ns, {
      kind: 'deliver',
      skb,
      code: 'resolver.answer',
      args: {
        process: 'dig',
        type: this.o.type,
        name,
        rcode: RCODE_NAMES[dns.rcode] ?? String(dns.rcode),
        answers: answersText(dns),
        from: `${ip.src}:${udp.sport}`,
      },
    });
    const next = this.candidates[this.index];
    if (dns.rcode === RCODE.NXDOMAIN && next !== undefined) {
      this.index++;
      this.ask(next, 1);
      return;
    }
    if (this.o.short) this.output.push(...digShort(dns));
    else {
      this.banner();
      const server = formatIp(this.server);
      this.output.push(
        ...digMessage(dns, cookie),
        ...digStats(rttUs, server, this.ns.world.sched.now, dnsLength(dns)),
      );
    }
    // dig exits 0 for any reply, but an NXDOMAIN or SERVFAIL means the name did not resolve.
    this.end(
      dns.rcode === RCODE.NOERROR
        ? { kind: 'ok' }
        : unresolved(this.ns, 'dig', this.o.name, RCODE_NAMES[dns.rcode] ?? String(dns.rcode)),
    );
  }

  private end(outcome: Outcome): void {
    this.done = true;
    this.outcome = outcome;
  }
}
