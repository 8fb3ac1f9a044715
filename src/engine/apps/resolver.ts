/**
 * glibc's stub resolver (resolv/res_query.c, res_send.c), as getaddrinfo() runs it for a
 * program like curl: the candidates of the search list in order (resolv-conf.ts), and for
 * each a fresh UDP socket to the first nameserver that sends the A query and, at once, the
 * AAAA query (AF_UNSPEC: send_dg's two queries on one socket), then waits for both.
 *
 * A candidate fails on NXDOMAIN, NODATA or SERVFAIL and the walk moves on; it succeeds when
 * either reply carries answers. A server that fails every query of a try (SERVFAIL, NOTIMP,
 * REFUSED) is asked again at once, `attempts` tries in all (send_dg's next_ns: two queries
 * stay on their socket, a single one gets a new socket); measured with glibc 2.36 in the lab. A server that never answers costs `timeout` seconds per
 * try, `attempts` tries, and then ends the walk (TRY_AGAIN); an ICMP port unreachable ends
 * it at once (ECONNREFUSED). musl differs (it asks every nameserver in parallel and stops
 * the search list on the first answer of any kind); this is glibc.
 */
import { formatIp } from '../net/ipv4';
import { dnsQuery, fqdn, RCODE, type DnsLayer, type DnsType } from '../net/dns';
import type { Ipv4Layer, UdpLayer } from '../net/layers';
import type { Netns } from '../kernel/netns';
import type { Skb } from '../kernel/skb';
import { emit as emitEvent, type Emit } from '../kernel/emit';
import { routeOutput } from '../kernel/stack/output';
import { sendL4 } from '../kernel/stack/transport';
import { SECOND_US } from '../kernel/timing';
import type { Outcome } from './process';
import { parseResolvConf, searchCandidates, type ResolvConf } from './resolv-conf';
import { ephemeralPort, portHash } from './tcp-client';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'apps'> = emitEvent;

const RCODE_NAMES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

/** The rcodes send_dg takes as the server failing rather than answering (res_send.c, next_ns). */
const SERVER_FAILURES = new Set<number>([RCODE.SERVFAIL, RCODE.NOTIMP, RCODE.REFUSED]);

/** One try of one candidate: its socket, the query ids, the replies so far. */
interface Exchange {
  name: string;
  attempt: number;
  t: { local: number; lport: number; remote: number; rport: number };
  ids: number[];
  got: Map<number, DnsLayer>;
  open: boolean;
  close: () => void;
}

export type LookupResult =
  | { ok: true; name: string; addrs: string[]; replies: DnsLayer[] }
  /** NXDOMAIN / NODATA everywhere, or the server failed (timeout, refused). */
  | { ok: false; why: 'not-found' | 'try-again' | 'refused'; last?: DnsLayer };

export interface LookupOptions {
  process: string;
  /** The name as the program got it (`web`, `example.com`, `web.default.svc.cluster.local.`). */
  name: string;
  /** The types asked for each candidate: both for AF_UNSPEC, sent back to back. */
  types: DnsType[];
  /** Stop the walk at the first candidate whose replies carry answers (glibc); else ask every type of the first success. */
  done: (r: LookupResult) => void;
  /** Each reply as it arrives (nslookup prints its warnings then). */
  onReply?: (reply: DnsLayer) => void;
  /** glibc asks again when the server fails (SERVFAIL); BIND's tools do not (dig's +nofail default). */
  retryServfail?: boolean;
  /** The socket's IP_MTU_DISCOVER: BIND sets IP_PMTUDISC_OMIT (DF clear); glibc leaves the default. */
  pmtudisc?: 'want' | 'omit';
}

/** Why a lookup failed, in DNS's words (the Outcome `unresolved`). */
export function failureWhy(r: Extract<LookupResult, { ok: false }>): string {
  if (r.last)
    return r.last.rcode === RCODE.NOERROR ? 'NODATA' : (RCODE_NAMES[r.last.rcode] ?? String(r.last.rcode));
  return r.why === 'refused' ? 'refused' : r.why === 'try-again' ? 'timeout' : 'NXDOMAIN';
}

/** The program gives up on `host`: the event that says so, and the outcome the verdict reads. */
export function unresolved(ns: Netns, process: string, host: string, why: string): Outcome {
  emit(ns, { kind: 'userspace', code: 'resolver.failed', args: { process, host, why } });
  return { kind: 'unresolved', host, why };
}

/** The resolver's configuration in `ns` (its /etc/resolv.conf). */
export function resolvConfOf(ns: Netns): ResolvConf {
  return parseResolvConf(ns.files.get('/etc/resolv.conf'));
}

/** Asks the candidates in turn; calls `done` once. */
export class Lookup {
  private readonly rc: ResolvConf;
  private readonly candidates: string[];
  private index = 0;
  private finished = false;
  private readonly replies: DnsLayer[] = [];

  constructor(
    private readonly ns: Netns,
    private readonly o: LookupOptions,
  ) {
    this.rc = resolvConfOf(ns);
    this.candidates = searchCandidates(o.name, this.rc);
  }

  get server(): number {
    return this.rc.nameservers[0]!;
  }

  /** The longest a walk can take: every candidate timing out on every try. */
  get maxUs(): number {
    return this.rc.timeout * this.rc.attempts * SECOND_US * this.candidates.length;
  }

  start(): void {
    this.next(undefined);
  }

  private finish(r: LookupResult): void {
    if (this.finished) return;
    this.finished = true;
    this.o.done(r);
  }

  private next(last: DnsLayer | undefined): void {
    const name = this.candidates[this.index++];
    if (name === undefined) {
      this.finish({ ok: false, why: 'not-found', ...(last ? { last } : {}) });
      return;
    }
    this.ask(name, 1);
  }

  /** One try of one candidate: a new socket, the queries back to back, a timer. */
  private ask(name: string, attempt: number): void {
    const { ns, o } = this;
    const server = this.server;
    const res = routeOutput(ns, server, {});
    if (!res.ok) {
      this.finish({ ok: false, why: 'try-again' });
      return;
    }
    const t = {
      local: res.src,
      lport: ephemeralPort(ns, `dns/${o.process}/${name}/${o.types.join('+')}/${attempt}`),
      remote: server,
      rport: 53,
    };
    // res_nmkquery builds each query once: a try sends the same ids again.
    const ids = o.types.map((ty, i) => portHash(ns, `id/${name}/${ty}/1/${i}`) & 0xffff);
    const x: Exchange = { name, attempt, t, ids, got: new Map(), open: true, close: () => {} };
    x.close = ns.sockets.open({
      proto: 'udp',
      ...t,
      receive: (skb: Skb) => this.reply(x, skb),
      error: () => {
        // send_dg: a connected UDP socket reads ECONNREFUSED from the ICMP error.
        if (!x.open) return;
        x.open = false;
        x.close();
        this.finish({ ok: false, why: 'refused' });
      },
    });
    this.send(x);
  }

  /** The queries of one try, back to back, and the try's timer. */
  private send(x: Exchange): void {
    const { ns, o } = this;
    emit(ns, {
      kind: 'userspace',
      code: 'resolver.query',
      args: { process: o.process, name: x.name, types: o.types.join(' and '), server: formatIp(x.t.remote) },
    });
    o.types.forEach((type, i) => {
      const q = dnsQuery(x.ids[i]!, fqdn(x.name), type);
      const l4 = { proto: 'udp' as const, sport: x.t.lport, dport: x.t.rport };
      sendL4(ns, x.t, l4, 0, o.process, [q], undefined, o.pmtudisc ?? 'want');
    });
    const attempt = x.attempt;
    ns.world.sched.at(this.rc.timeout * SECOND_US, () => {
      if (!x.open || x.attempt !== attempt) return;
      x.open = false;
      x.close();
      if (attempt < this.rc.attempts) this.ask(x.name, attempt + 1);
      else this.finish({ ok: false, why: 'try-again' });
    });
  }

  private reply(x: Exchange, skb: Skb): void {
    const { ns, o } = this;
    const dns = skb.layers[2];
    if (!x.open || dns?.proto !== 'dns' || !dns.qr || !x.ids.includes(dns.id) || x.got.has(dns.id)) return;
    x.got.set(dns.id, dns);
    this.replies.push(dns);
    o.onReply?.(dns);
    const ip = skb.layers[0] as Ipv4Layer;
    const udp = skb.layers[1] as UdpLayer;
    emit(ns, {
      kind: 'deliver',
      skb,
      code: 'resolver.answer',
      args: {
        process: o.process,
        type: dns.question[0]?.type ?? '?',
        name: x.name,
        rcode: RCODE_NAMES[dns.rcode] ?? String(dns.rcode),
        answers: dns.answer.length
          ? `, ${dns.answer.map((r) => `${r.type} ${typeof r.data === 'string' ? r.data : ''}`).join(', ')}`
          : dns.rcode === RCODE.NOERROR
            ? ' with no records of that type (NODATA)'
            : '',
        from: `${ip.src}:${udp.sport}`,
      },
    });
    if (x.got.size < x.ids.length) return;
    const replies = [...x.got.values()];
    if (this.serverFailed(replies) && o.retryServfail !== false && x.attempt < this.rc.attempts) {
      this.retry(x);
      return;
    }
    x.open = false;
    x.close();
    this.settle(x.name, replies);
  }

  /** send_dg's next_ns: every reply of the try was SERVFAIL, NOTIMP or REFUSED. */
  private serverFailed(replies: DnsLayer[]): boolean {
    return replies.every((r) => SERVER_FAILURES.has(r.rcode));
  }

  /**
   * __res_context_send tries again at once: with two queries send_dg keeps its socket (it
   * only waited for the second reply), with one it closed it (close_and_return_error).
   */
  private retry(x: Exchange): void {
    emit(this.ns, {
      kind: 'userspace',
      code: 'resolver.retry',
      args: { process: this.o.process, name: x.name, attempt: x.attempt + 1, attempts: this.rc.attempts },
    });
    if (x.ids.length === 1) {
      x.open = false;
      x.close();
      this.ask(x.name, x.attempt + 1);
      return;
    }
    x.attempt++;
    x.got.clear();
    this.send(x);
  }

  /** Both replies are in: an answer ends the walk; NXDOMAIN, NODATA and SERVFAIL move on. */
  private settle(name: string, replies: DnsLayer[]): void {
    const addrs = replies.flatMap((r) =>
      r.rcode === RCODE.NOERROR
        ? r.answer.filter((a) => a.type === 'A' || a.type === 'AAAA').map((a) => a.data as string)
        : [],
    );
    if (addrs.length > 0) {
      this.finish({ ok: true, name, addrs, replies });
      return;
    }
    // A reply of a failing server counts for nothing when the other query got an answer.
    const usable = replies.filter((r) => !SERVER_FAILURES.has(r.rcode));
    const bad = (usable.length > 0 ? usable : replies).find(
      (r) => r.rcode !== RCODE.NOERROR && r.rcode !== RCODE.NXDOMAIN && r.rcode !== RCODE.SERVFAIL,
    );
    if (bad) {
      this.finish({ ok: false, why: 'try-again', last: bad });
      return;
    }
    this.next(replies[0]);
  }
}
