/**
 * `getent hosts NAME` (glibc 2.36 nss/getent.c hosts_keys): gethostbyname2(AF_INET6) first,
 * and only if that fails gethostbyname2(AF_INET). Each is a whole res_search walk asking
 * one type, so a name with only an IPv4 address costs the AAAA of every search candidate
 * before the first A (seen on a real pod: AAAA for web.default.svc.cluster.local.,
 * web.svc.cluster.local., web.cluster.local., web., then A for web.default.svc.cluster.local.).
 * It prints "%-15s %s" (address, canonical name) and exits 2 when the key is not found.
 */
import type { Netns } from '../kernel/netns';
import { SECOND_US } from '../kernel/timing';
import type { Outcome, Process } from './process';
import { failureWhy, Lookup, unresolved, type LookupResult } from './resolver';

export class GetentHosts implements Process {
  readonly name = 'getent';
  done = false;
  outcome: Outcome | undefined;
  readonly output: string[] = [];
  private readonly v6: Lookup;
  private v4: Lookup | undefined;

  constructor(
    private readonly ns: Netns,
    private readonly host: string,
  ) {
    this.v6 = new Lookup(ns, { process: 'getent', name: host, types: ['AAAA'], done: (r) => this.gotV6(r) });
  }

  get deadlineUs(): number {
    return 2 * this.v6.maxUs + SECOND_US;
  }

  start(): void {
    this.v6.start();
  }

  private gotV6(r: LookupResult): void {
    if (r.ok) {
      this.print(r);
      return;
    }
    this.v4 = new Lookup(this.ns, {
      process: 'getent',
      name: this.host,
      types: ['A'],
      done: (r4) => {
        if (r4.ok) this.print(r4);
        else this.finish(unresolved(this.ns, 'getent', this.host, failureWhy(r4)));
      },
    });
    this.v4.start();
  }

  /** hosts_keys prints the first address with the canonical name (the name that answered). */
  private print(r: Extract<LookupResult, { ok: true }>): void {
    const canonical = r.replies.flatMap((m) => m.answer).find((a) => a.type === 'A' || a.type === 'AAAA');
    const name = (canonical?.name ?? r.name).replace(/\.$/, '');
    this.output.push(`${r.addrs[0]!.padEnd(15)} ${name}`);
    this.finish({ kind: 'ok' });
  }

  private finish(o: Outcome): void {
    this.done = true;
    this.outcome = o;
  }
}
