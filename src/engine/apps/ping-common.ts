/**
 * What iputils ping does the same way for both families (ping_common.c): one echo request per
 * interval, a reply or an error counted against -c, the statistics when the last answer comes
 * or the deadline passes, a local error that ends the run at once (no route), and a probe the
 * stack refuses as too big, counted and reported as iputils does. The address family
 * (ping.ts for IPv4, ping6.ts for IPv6) supplies the route, the headers and the words.
 */
import type { DropReason } from '../kernel/drop-reason';
import type { Netns } from '../kernel/netns';
import type { Skb } from '../kernel/skb';
import { emit as emitEvent, type Emit } from '../kernel/emit';
import type { Outcome, Process } from './process';
import type { MessageCode } from '../kernel/message-codes';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'apps'> = emitEvent;

export interface PingTiming {
  count: number;
  intervalUs: number;
  waitUs: number;
}

/** An answer as the family reads it: the line ping prints and the event that explains it. */
export interface PingAnswer {
  line: string;
  code: MessageCode<'apps'>;
  args: Record<string, string | number>;
}

/** An ICMP error as the family reads it; `advice` (an IPv4 redirect) is printed but not counted. */
export interface PingError extends PingAnswer {
  from: string;
  text: string;
  advice?: boolean;
}

export abstract class PingProcess implements Process {
  readonly name = 'ping';
  done = false;
  outcome: Outcome | undefined;
  readonly output: string[] = [];
  protected sent = 0;
  private received = 0;
  private errors = 0;
  /** ping's identifier is per process; derived from the namespace so runs repeat. */
  protected readonly id: number;
  private close?: () => void;

  constructor(
    protected readonly ns: Netns,
    private readonly timing: PingTiming,
  ) {
    let h = 0;
    for (const c of ns.name) h = (h * 31 + c.charCodeAt(0)) & 0xffff;
    this.id = h || 1;
  }

  get deadlineUs(): number {
    return (this.timing.count - 1) * this.timing.intervalUs + this.timing.waitUs;
  }

  /** The probe before the header: the header line, or undefined after a local error. */
  protected abstract probe(): string | undefined;
  protected abstract openSocket(receive: (skb: Skb) => void, error: (skb: Skb) => void): () => void;
  /** One echo request; counts it in `sent` once it is handed to the stack. */
  protected abstract transmit(seq: number): void;
  protected abstract readReply(skb: Skb): PingAnswer;
  protected abstract readError(skb: Skb): PingError;
  /** The destination as the statistics line names it. */
  protected abstract shown(): string;

  start(): void {
    const header = this.probe();
    if (header === undefined) return;
    this.output.push(header);
    this.close = this.openSocket(
      (skb) => this.onReply(skb),
      (skb) => this.onError(skb),
    );
    const { ns, timing } = this;
    for (let i = 0; i < timing.count; i++) ns.world.sched.at(i * timing.intervalUs, () => this.send(i + 1));
    ns.world.sched.at(this.deadlineUs, () => this.finish());
  }

  private send(seq: number): void {
    if (!this.done) this.transmit(seq);
  }

  private onReply(skb: Skb): void {
    this.received++;
    const a = this.readReply(skb);
    this.output.push(a.line);
    emit(this.ns, { kind: 'deliver', skb, code: a.code, args: a.args });
    this.finishWhenAnswered();
  }

  private onError(skb: Skb): void {
    const e = this.readError(skb);
    emit(this.ns, { kind: 'deliver', skb, code: e.code, args: e.args });
    this.output.push(e.line);
    // A redirect is advice, not a failure: iputils prints it and keeps waiting for the reply.
    if (e.advice) return;
    this.errors++;
    this.outcome ??= { kind: 'icmp-error', text: `From ${e.from}: ${e.text}` };
    this.finishWhenAnswered();
  }

  private finishWhenAnswered(): void {
    if (this.received + this.errors >= this.timing.count) this.finish();
  }

  protected localError(reason: DropReason, text: string): void {
    this.output.push(`ping: ${text}`);
    emit(this.ns, { kind: 'drop', reason, code: 'app.local-error', args: { process: 'ping', text } });
    this.outcome = { kind: 'local-error', reason, text: `ping: ${text}` };
    this.done = true;
    this.close?.();
  }

  /**
   * A probe the stack refused with EMSGSIZE (ip_append_data or ip6_append_data: DF, and larger
   * than the route's MTU). iputils' pinger pretends it was sent (a hard local error counts as
   * transmitted), reads the message from the socket's error queue (ip_local_error /
   * ipv6_local_error) and counts an error, and goes on with the next probe.
   */
  protected refused(reason: DropReason, text: string): void {
    this.sent++;
    this.errors++;
    this.output.push(`ping: ${text}`);
    emit(this.ns, { kind: 'drop', reason, code: 'app.local-error', args: { process: 'ping', text } });
    this.outcome ??= { kind: 'local-error', reason, text: `ping: ${text}` };
    this.finishWhenAnswered();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.close?.();
    const loss = this.sent === 0 ? 100 : Math.round(((this.sent - this.received) / this.sent) * 100);
    this.output.push('', `--- ${this.shown()} ping statistics ---`);
    const errs = this.errors > 0 ? `, +${this.errors} errors` : '';
    this.output.push(
      `${this.sent} packets transmitted, ${this.received} received${errs}, ${loss}% packet loss, time 0ms`,
    );
    if (this.received > 0) this.outcome = { kind: 'ok' };
    else this.outcome ??= { kind: 'timeout' };
  }
}
