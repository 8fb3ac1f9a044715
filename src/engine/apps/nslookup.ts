/**
 * nslookup from BIND 9 (9.18, Debian's bind9-dnsutils). It reads /etc/resolv.conf itself,
 * walks the search list as glibc does (ndots), one A query at a time, each from a new
 * socket with DF clear (BIND sets IP_PMTUDISC_OMIT); once a name answers it prints the
 * server and the A records, then asks the AAAA of the canonical name (the end of the CNAME
 * chain) and prints those. A SERVFAIL is not asked again. Each reply without RA is
 * announced as it arrives (measured with bind9-dnsutils 9.18 in the lab):
 *
 *   ;; Got recursion not available from 10.96.0.10
 *   Server:		10.96.0.10
 *   Address:	10.96.0.10#53
 *
 *   Name:	web.default.svc.cluster.local
 *   Address: 10.96.0.100
 *   ;; Got recursion not available from 10.96.0.10
 *
 * An answer without the AA bit is headed "Non-authoritative answer:"; a CNAME prints as
 * "NAME	canonical name = TARGET."; a name nothing answered prints
 * "** server can't find NAME: NXDOMAIN" (or SERVFAIL) and exits 1.
 */
import { formatIp } from '../net/ipv4';
import { fqdn, RCODE, type DnsLayer } from '../net/dns';
import type { Netns } from '../kernel/netns';
import { SECOND_US } from '../kernel/timing';
import type { Outcome, Process } from './process';
import { failureWhy, Lookup, unresolved, type LookupOptions, type LookupResult } from './resolver';

const RCODE_NAMES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

const strip = (n: string): string => n.replace(/\.$/, '');

/** The name a CNAME chain in the answers ends at, starting from `name`. */
function canonical(name: string, replies: DnsLayer[]): string {
  const records = replies.flatMap((r) => r.answer);
  let at = fqdn(name).toLowerCase();
  for (let hops = 0; hops < 16; hops++) {
    const c = records.find((a) => a.type === 'CNAME' && fqdn(a.name).toLowerCase() === at);
    if (c?.type !== 'CNAME') break;
    at = fqdn(c.data).toLowerCase();
  }
  return at;
}

export class Nslookup implements Process {
  readonly name = 'nslookup';
  done = false;
  outcome: Outcome | undefined;
  readonly output: string[] = [];
  private readonly first: Lookup;
  private readonly seen = new Set<string>();

  constructor(
    private readonly ns: Netns,
    private readonly host: string,
  ) {
    this.first = new Lookup(ns, { ...this.bind(), name: host, types: ['A'], done: (r) => this.gotA(r) });
  }

  /** BIND's socket and server handling: DF clear, no retry on SERVFAIL, a warning per reply. */
  private bind(): Pick<LookupOptions, 'process' | 'onReply' | 'retryServfail' | 'pmtudisc'> {
    return { process: 'nslookup', onReply: (r) => this.warn(r), retryServfail: false, pmtudisc: 'omit' };
  }

  get deadlineUs(): number {
    return this.first.maxUs + 30 * SECOND_US;
  }

  start(): void {
    this.first.start();
  }

  private header(): void {
    const server = formatIp(this.first.server);
    this.output.push(`Server:\t\t${server}`, `Address:\t${server}#53`, '');
  }

  /** dighost.c prints these as each reply arrives, before the answer it belongs to. */
  private warn(r: DnsLayer): void {
    const server = formatIp(this.first.server);
    if (r.rcode === RCODE.SERVFAIL) this.output.push(`;; Got SERVFAIL reply from ${server}`);
    else if (r.rd && !r.ra) this.output.push(`;; Got recursion not available from ${server}`);
  }

  private gotA(r: LookupResult): void {
    if (!r.ok) {
      this.fail(r);
      return;
    }
    this.header();
    this.print(r.replies);
    // Then the AAAA of the canonical name (the end of the A reply's CNAME chain), as absolute.
    const second = new Lookup(this.ns, {
      ...this.bind(),
      name: canonical(r.name, r.replies),
      types: ['AAAA'],
      done: (r2) => {
        this.print(r2.ok ? r2.replies : r2.last ? [r2.last] : []);
        this.output.push('');
        this.done = true;
        this.outcome = { kind: 'ok' };
      },
    });
    second.start();
  }

  private print(replies: DnsLayer[]): void {
    if (replies.some((r) => !r.aa) && !this.output.includes('Non-authoritative answer:'))
      this.output.push('Non-authoritative answer:');
    for (const reply of replies) {
      for (const a of reply.answer) {
        const line =
          a.type === 'CNAME'
            ? `${strip(a.name)}\tcanonical name = ${a.data}`
            : a.type === 'A' || a.type === 'AAAA'
              ? `Name:\t${strip(a.name)}\nAddress: ${a.data}`
              : undefined;
        if (line === undefined || this.seen.has(line)) continue;
        this.seen.add(line);
        this.output.push(...line.split('\n'));
      }
    }
  }

  private fail(r: Extract<LookupResult, { ok: false }>): void {
    if (r.why === 'not-found' || r.last) {
      this.header();
      const rc = r.last?.rcode ?? RCODE.NXDOMAIN;
      this.output.push(`** server can't find ${this.host}: ${RCODE_NAMES[rc] ?? rc}`, '');
    } else {
      this.output.push(';; connection timed out; no servers could be reached', '');
    }
    this.done = true;
    this.outcome = unresolved(this.ns, 'nslookup', this.host, failureWhy(r));
  }
}
