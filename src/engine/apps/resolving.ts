/**
 * A program given a host name: getaddrinfo() first (glibc, AF_UNSPEC: A and AAAA), then
 * the program proper on the first IPv4 address (curl connects to it; the model's sockets
 * are IPv4, so an AAAA answer alone is not enough).
 */
import { parseIp } from '../net/ipv4';
import type { Netns } from '../kernel/netns';
import { emit as emitEvent, type Emit } from '../kernel/emit';
import type { Outcome, Process } from './process';
import { failureWhy, Lookup, unresolved } from './resolver';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'apps'> = emitEvent;

export class ResolveThen implements Process {
  private failed: Outcome | undefined;
  private inner: Process | undefined;
  private readonly lookup: Lookup;
  private readonly ownOutput: string[] = [];

  constructor(
    private readonly ns: Netns,
    readonly name: string,
    private readonly host: string,
    /** The program once it has an address. */
    private readonly then: (addr: number) => Process,
    /** What the program prints when the name does not resolve (curl: "(6) Could not resolve host"). */
    private readonly failure: string,
    /** The program's own time limit after the lookup. */
    private readonly programUs: number,
  ) {
    this.lookup = new Lookup(ns, {
      process: name,
      name: host,
      types: ['A', 'AAAA'],
      done: (r) => {
        const v4 = r.ok ? r.addrs.find((a) => parseIp(a) !== null) : undefined;
        if (v4 === undefined) {
          this.ownOutput.push(this.failure);
          // Only AAAA answered: the name resolved, but not to an address the model's sockets use.
          this.failed = unresolved(ns, name, host, r.ok ? 'no IPv4 address' : failureWhy(r));
          return;
        }
        emit(ns, { kind: 'userspace', code: 'resolver.resolved', args: { process: name, host, addr: v4 } });
        const p = this.then(parseIp(v4)!);
        this.inner = p;
        p.start();
      },
    });
  }

  get done(): boolean {
    return this.failed !== undefined || (this.inner?.done ?? false);
  }

  get outcome(): Outcome | undefined {
    return this.failed ?? this.inner?.outcome;
  }

  get output(): string[] {
    return [...this.ownOutput, ...(this.inner?.output ?? [])];
  }

  get deadlineUs(): number {
    return this.lookup.maxUs + this.programUs;
  }

  start(): void {
    this.lookup.start();
  }
}
