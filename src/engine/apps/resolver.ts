/**
 * glibc's stub resolver (resolv/res_query.c, res_send.c), as getaddrinfo() runs it for a
 * program like curl: the candidates of the search list in order (resolv-conf.ts), and for
 * each a fresh UDP socket to the first nameserver that sends the A query and, at once, the
 * AAAA query (AF_UNSPEC: send_dg's two queries on one socket), then waits for both.
 *
 * A candidate fails on NXDOMAIN, NODATA or SERVFAIL and the walk moves on; it succeeds when
 * either reply carries answers. A server that never answers costs `timeout` seconds per
 * try, `attempts` tries, and then ends the walk (TRY_AGAIN); an ICMP port unreachable ends
 * it at once (ECONNREFUSED). musl differs (it asks every nameserver in parallel and stops
 * the search list on the first answer of any kind); this is glibc.
 */
import { formatIp } from '../net/ipv4';
import { fqdn, RCODE, type DnsLayer, type DnsType } from '../net/dns';
import type { Ipv4Layer, UdpLayer } from '../net/layers';
import type { Netns } from '../kernel/netns';
import type { Skb } from '../kernel/skb';
import { emit as emitEvent, type Emit } from '../kernel/stack/emit';
import { routeOutput } from '../kernel/stack/output';
import { sendL4 } from '../kernel/stack/transport';
import { SECOND_US } from '../kernel/timing';
import { parseResolvConf, searchCandidates, type ResolvConf } from './resolv-conf';
import { ephemeralPort, portHash } from './tcp-client';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'apps'> = emitEvent;

const RCODE_NAMES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

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
      lport: ephemeralPort(ns, `dns/${o.process}/${name}/${attempt}`),
      remote: server,
      rport: 53,
    };
    const ids = o.types.map((ty, i) => portHash(ns, `id/${name}/${ty}/${attempt}/${i}`) & 0xffff);
    const got = new Map<number, DnsLayer>();
    let open = true;
    const close = ns.sockets.open({
      proto: 'udp',
      ...t,
      receive: (skb: Skb) => {
        const dns = skb.layers[2];
        if (!open || dns?.proto !== 'dns' || !dns.qr || !ids.includes(dns.id) || got.has(dns.id)) return;
        got.set(dns.id, dns);
        this.replies.push(dns);
        const ip = skb.layers[0] as Ipv4Layer;
        const udp = skb.layers[1] as UdpLayer;
        emit(ns, {
          kind: 'deliver',
          skb,
          code: 'resolver.answer',
          args: {
            process: o.process,
            type: dns.question[0]?.type ?? '?',
            name,
            rcode: RCODE_NAMES[dns.rcode] ?? String(dns.rcode),
            answers: dns.answer.length
              ? `, ${dns.answer.map((r) => `${r.type} ${typeof r.data === 'string' ? r.data : ''}`).join(', ')}`
              : dns.rcode === RCODE.NOERROR
                ? ' with no records of that type (NODATA)'
                : '',
            from: `${ip.src}:${udp.sport}`,
          },
        });
        if (got.size < ids.length) return;
        open = false;
        close();
        this.settle(name, [...got.values()]);
      },
      error: () => {
        // send_dg: a connected UDP socket reads ECONNREFUSED from the ICMP error.
        if (!open) return;
        open = false;
        close();
        this.finish({ ok: false, why: 'refused' });
      },
    });
    emit(ns, {
      kind: 'userspace',
      code: 'resolver.query',
      args: { process: o.process, name, types: o.types.join(' and '), server: formatIp(server) },
    });
    o.types.forEach((type, i) => {
      const q: DnsLayer = {
        proto: 'dns',
        id: ids[i]!,
        qr: false,
        aa: false,
        tc: false,
        rd: true,
        ra: false,
        rcode: 0,
        question: [{ name: fqdn(name), type }],
        answer: [],
        authority: [],
        additional: [],
      };
      sendL4(ns, t, { proto: 'udp', sport: t.lport, dport: t.rport }, 0, o.process, [q]);
    });
    ns.world.sched.at(this.rc.timeout * SECOND_US, () => {
      if (!open) return;
      open = false;
      close();
      if (attempt < this.rc.attempts) this.ask(name, attempt + 1);
      else this.finish({ ok: false, why: 'try-again' });
    });
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
    const bad = replies.find(
      (r) => r.rcode !== RCODE.NOERROR && r.rcode !== RCODE.NXDOMAIN && r.rcode !== RCODE.SERVFAIL,
    );
    if (bad) {
      this.finish({ ok: false, why: 'try-again', last: bad });
      return;
    }
    this.next(replies[0]);
  }
}
