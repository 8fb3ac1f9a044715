/**
 * A user-space program a flow runs (ping, curl, nc). It drives the kernel model through
 * sockets and reports what it printed and how it ended.
 */
import type { DropReason } from '../kernel/drop-reason';

export type Outcome =
  /** It got what it asked for (echo reply, HTTP response, UDP answer, handshake). */
  | { kind: 'ok' }
  /** The kernel refused before anything was sent (no route, message too long). */
  | { kind: 'local-error'; reason: DropReason; text: string }
  /** An ICMP error came back. */
  | { kind: 'icmp-error'; text: string }
  | { kind: 'refused' }
  | { kind: 'timeout' }
  /**
   * The name it was given did not resolve: `why` is the RCODE of the answer that ended the
   * lookup (NXDOMAIN, SERVFAIL, NODATA for an empty NOERROR), or timeout / refused when no
   * answer came.
   */
  | { kind: 'unresolved'; host: string; why: string };

export interface Process {
  readonly name: string;
  /** Starts the program; it schedules its own timers. */
  start(): void;
  readonly done: boolean;
  readonly outcome: Outcome | undefined;
  /** What it printed, line by line, as the real tool would. */
  readonly output: string[];
  /** Simulated time in µs after which the run gives up (the tool's own timeout). */
  readonly deadlineUs: number;
}
