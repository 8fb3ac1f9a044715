/**
 * `getent ahosts NAME` (glibc 2.36 nss/getent.c ahosts_keys_int): getaddrinfo with AF_UNSPEC
 * and AI_CANONNAME, so one search-list walk asking A and AAAA together from one socket, as
 * curl's lookup does. Each address is printed once per socket type, "%-15s %-6s %s", the
 * canonical name only on the very first line. Measured in the lab (glibc 2.36, the pod's
 * nsswitch "hosts: files dns"):
 *
 *   10.96.0.100     STREAM web.default.svc.cluster.local
 *   10.96.0.100     DGRAM
 *   10.96.0.100     RAW
 *
 * (the last two lines end in spaces: the empty name after "%-6s "). A name that resolves to
 * nothing prints nothing and exits 2.
 */
import type { Netns } from '../kernel/netns';
import { SECOND_US } from '../kernel/timing';
import type { Outcome, Process } from './process';
import { failureWhy, Lookup, unresolved, type LookupResult } from './resolver';

const SOCKTYPES = ['STREAM', 'DGRAM', 'RAW'];

export class GetentAhosts implements Process {
  readonly name = 'getent';
  done = false;
  outcome: Outcome | undefined;
  readonly output: string[] = [];
  private readonly lookup: Lookup;

  constructor(
    private readonly ns: Netns,
    private readonly host: string,
  ) {
    this.lookup = new Lookup(ns, {
      process: 'getent',
      name: host,
      types: ['A', 'AAAA'],
      done: (r) => this.got(r),
    });
  }

  get deadlineUs(): number {
    return this.lookup.maxUs + SECOND_US;
  }

  start(): void {
    this.lookup.start();
  }

  private got(r: LookupResult): void {
    this.done = true;
    if (!r.ok) {
      this.outcome = unresolved(this.ns, 'getent', this.host, failureWhy(r));
      return;
    }
    // ai_canonname: the owner of the address records (the end of a CNAME chain).
    const owner = r.replies.flatMap((m) => m.answer).find((a) => a.type === 'A' || a.type === 'AAAA');
    let canon = (owner?.name ?? r.name).replace(/\.$/, '');
    for (const addr of r.addrs)
      for (const type of SOCKTYPES) {
        this.output.push(`${addr.padEnd(15)} ${type.padEnd(6)} ${canon}`);
        canon = '';
      }
    this.outcome = { kind: 'ok' };
  }
}
