/**
 * nslookup from BIND 9 (9.18, Debian's bind9-dnsutils). It reads /etc/resolv.conf itself,
 * walks the search list as glibc does (ndots), one A query at a time; once a name
 * answers it asks the AAAA of that same name, then prints the server and the records:
 *
 *   Server:		10.96.0.10
 *   Address:	10.96.0.10#53
 *
 *   Name:	web.default.svc.cluster.local
 *   Address: 10.96.0.100
 *
 * An answer without the AA bit is headed "Non-authoritative answer:"; a CNAME prints as
 * "NAME	canonical name = TARGET."; a name nothing answered prints
 * "** server can't find NAME: NXDOMAIN" (or SERVFAIL) and exits 1.
 */
import { formatIp } from '../net/ipv4';
import { RCODE, type DnsLayer } from '../net/dns';
import type { Netns } from '../kernel/netns';
import { SECOND_US } from '../kernel/timing';
import type { Outcome, Process } from './process';
import { Lookup, type LookupResult } from './resolver';

const RCODE_NAMES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

const strip = (n: string): string => n.replace(/\.$/, '');

export class Nslookup implements Process {
  readonly name = 'nslookup';
  done = false;
  outcome: Outcome | undefined;
  readonly output: string[] = [];
  private readonly first: Lookup;

  constructor(
    private readonly ns: Netns,
    private readonly host: string,
  ) {
    this.first = new Lookup(ns, { process: 'nslookup', name: host, types: ['A'], done: (r) => this.gotA(r) });
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

  private gotA(r: LookupResult): void {
    if (!r.ok) {
      this.fail(r);
      return;
    }
    // The AAAA of the name that answered, asked as an absolute name.
    const second = new Lookup(this.ns, {
      process: 'nslookup',
      name: r.name,
      types: ['AAAA'],
      done: (r2) => this.print([...r.replies, ...(r2.ok ? r2.replies : r2.last ? [r2.last] : [])]),
    });
    second.start();
  }

  private print(replies: DnsLayer[]): void {
    this.header();
    if (replies.some((r) => !r.aa)) this.output.push('Non-authoritative answer:');
    const seen = new Set<string>();
    for (const reply of replies) {
      for (const a of reply.answer) {
        const line =
          a.type === 'CNAME'
            ? `${strip(a.name)}\tcanonical name = ${a.data}`
            : a.type === 'A' || a.type === 'AAAA'
              ? `Name:\t${strip(a.name)}\nAddress: ${a.data}`
              : undefined;
        if (line === undefined || seen.has(line)) continue;
        seen.add(line);
        this.output.push(...line.split('\n'));
      }
    }
    this.output.push('');
    this.done = true;
    this.outcome = { kind: 'ok' };
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
    this.outcome = {
      kind: 'local-error',
      reason: 'NOT_SPECIFIED',
      text: this.output.filter(Boolean).at(-1)!,
    };
  }
}
