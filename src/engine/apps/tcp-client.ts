/**
 * A TCP client (curl, nc): connect, send a request once established, wait for the
 * response. The kernel side (SYN, retransmits aside) is modelled by the stack.
 */
import { isHttpStatusLine } from '../net/http';
import type { TcpLayer } from '../net/layers';
import { formatAddr, formatEndpoint, formatHost, l3Addrs, type SockAddr } from '../kernel/addr';
import type { Device } from '../kernel/device';
import type { Netns } from '../kernel/netns';
import type { Skb } from '../kernel/skb';
import { emit as emitEvent, type Emit } from '../kernel/emit';
import { anyIcmpErrno, STRERROR, type Errno } from '../kernel/errno';
import { isn, synRetransmitDelayUs, TCP_WINDOW } from '../kernel/stack/tcp';
import { serviceName } from '../kernel/netfilter/tables';
import { routeL4, sendL4, type FourTuple } from '../kernel/stack/transport';
import { SECOND_US } from '../kernel/timing';
import { icmpErrorText } from './ping';
import { icmpv6ErrorText } from './ping6';
import type { Outcome, Process } from './process';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'apps' | 'transport'> = emitEvent;

export interface TcpClientOptions {
  process: 'curl' | 'nc' | 'kube-proxy';
  /** An IPv4 (number) or IPv6 (bigint) address: the socket's family follows it. */
  dst: SockAddr;
  /** The scope of a link-local IPv6 destination (`fe80::1%eth0`). */
  scope?: Device;
  port: number;
  /** Bytes of request sent after the handshake (0: connect only, like nc -z). */
  request: number;
  waitUs: number;
  /** nc -v: report the connection's success or failure (nc says nothing without it). */
  verbose?: boolean;
  /** Fixed source port, e.g. to show PAT; else an ephemeral one. */
  sport?: number;
  /** Called with the size of the response (for a program that relays it, like kube-proxy). */
  onResponse?: (bytes: number) => void;
}

/** A deterministic stand-in for the kernel's keyed port hashes. */
export function portHash(ns: Netns, seed: string): number {
  let h = 2166136261;
  for (const c of `${ns.name}/${seed}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h;
}

export function ephemeralPort(ns: Netns, seed: string): number {
  const h = portHash(ns, seed);
  // ip_local_port_range 32768-60999; connect() prefers even ports.
  let p = 32768 + (h % 14116) * 2;
  while (ns.sockets.portInUse('tcp', p)) p += 2;
  return p;
}

export class TcpClient implements Process {
  done = false;
  outcome: Outcome | undefined;
  readonly output: string[] = [];
  private close?: () => void;
  private startUs = 0;
  /** The run of work of the connect() call, which holds the socket while its softirq runs. */
  private connectWork = -1;

  constructor(
    readonly ns: Netns,
    readonly o: TcpClientOptions,
  ) {}

  get name(): string {
    return this.o.process;
  }

  get deadlineUs(): number {
    return this.o.waitUs;
  }

  start(): void {
    const { ns, o } = this;
    this.startUs = ns.world.sched.now;
    const res = routeL4(ns, o.dst, o.scope ? { scope: o.scope } : {});
    if (!res.ok) {
      // connect() fails at once with the route's error (ip_route_connect).
      this.fail({ kind: 'local-error', reason: 'IP_OUTNOROUTES', text: STRERROR[res.err] }, res.err);
      return;
    }
    const t: FourTuple = {
      local: res.src,
      lport:
        o.sport ??
        ns.sockets.connectPort(
          res.src,
          o.dst,
          o.port,
          portHash(ns, `${o.process}/${o.dst}/${o.port}`),
          ns.world.sched.now,
        ),
      remote: o.dst,
      rport: o.port,
      ...(o.scope ? { scope: o.scope } : {}),
      autoSrc: true,
    };
    const c = new TcpClientConn(this, t);
    this.connectWork = ns.world.sched.begin();
    this.close = ns.sockets.open({
      proto: 'tcp',
      ...t,
      receive: (skb: Skb) => c.receive(skb),
      error: (skb: Skb) => this.icmpError(skb, c.established),
    });
    emit(ns, {
      kind: 'userspace',
      code: 'tcp.connect',
      args: { process: o.process, dst: formatHost(o.dst), port: o.port },
    });
    c.send('S', 0);
    this.retransmitSyn(t, isn(t.local, t.lport, t.remote, t.rport), 1, () => c.established);
    ns.world.sched.at(o.waitUs, () => {
      if (!this.done) this.fail({ kind: 'timeout' }, c.established ? 'EIO' : 'ETIMEDOUT');
    });
  }

  /**
   * An ICMP error for the socket. tcp_v4_err / tcp_v6_err: fragmentation needed (packet too
   * big) only lowers the path MTU; a connection past SYN_SENT keeps an error as sk_err_soft
   * (no IP_RECVERR) and carries on; in SYN_SENT an error aborts, unless the socket is owned
   * by the user. The connect() call holds it while the SYN's own softirq carries the SYN over
   * every veth hop and brings the ICMPv6 error back: tcp_v6_err then only sets sk_err_soft
   * (TcpExtLockDroppedIcmps counts it), the SYN is sent again at the RTO and the error that
   * answers it, from the timer's softirq, aborts. (On IPv4 the lab's socket reports the
   * error at once, though LockDroppedIcmps counts it too: that side is kept as measured.)
   */
  private icmpError(skb: Skb, established: boolean): void {
    const icmp = skb.layers[1];
    const from = formatAddr(l3Addrs(skb.layers[0]).src);
    if (icmp?.proto !== 'icmp' && icmp?.proto !== 'icmpv6') return;
    const e = anyIcmpErrno(icmp);
    if (!e || (icmp.proto === 'icmp' && icmp.type === 3 && icmp.code === 4) || established) return;
    if (icmp.proto === 'icmpv6' && this.ns.world.sched.work === this.connectWork) {
      emit(this.ns, {
        kind: 'userspace',
        code: 'tcp.icmp-soft-error',
        args: { from, text: STRERROR[e.errno] },
      });
      return;
    }
    const text = icmp.proto === 'icmp' ? icmpErrorText(icmp) : icmpv6ErrorText(icmp);
    this.fail({ kind: 'icmp-error', text: `From ${from}: ${text}` }, e.errno);
  }

  /** The SYN_SENT retransmission timer: the same SYN again until an answer or the last try. */
  private retransmitSyn(t: FourTuple, seq: number, n: number, answered: () => boolean): void {
    const { ns } = this;
    const delay = synRetransmitDelayUs(ns, n);
    if (delay === undefined) return;
    // The retransmit timer is a timer-wheel timer: it fires a few jiffies after the delay.
    ns.world.sched.wheel(delay, () => {
      if (this.done || answered()) return;
      emit(ns, {
        kind: 'userspace',
        code: 'tcp.syn-retransmit',
        args: { n, dst: formatHost(t.remote), port: t.rport },
      });
      sendL4(
        ns,
        t,
        { proto: 'tcp', sport: t.lport, dport: t.rport, flags: 'S', seq, ack: 0, window: TCP_WINDOW },
        0,
        'the kernel',
      );
      this.retransmitSyn(t, seq, n + 1, answered);
    });
  }

  /** The connection is closed on both sides. */
  finish(ok: boolean): void {
    if (this.done) return;
    this.done = true;
    this.outcome = ok ? { kind: 'ok' } : { kind: 'timeout' };
    this.close?.();
  }

  /** The connection failed with `err` ('EIO': it timed out after connecting): say so as the tool does. */
  fail(outcome: Outcome, err: Errno | 'EIO'): void {
    if (this.done) return;
    this.done = true;
    this.outcome = outcome;
    const line = failureWords(this.o, err, this.ns.world.sched.now - this.startUs);
    if (line) this.output.push(line);
    const text = err === 'EIO' ? 'timed out' : STRERROR[err];
    if (outcome.kind === 'local-error')
      emit(this.ns, {
        kind: 'drop',
        reason: outcome.reason,
        code: 'app.local-error',
        args: { process: this.o.process, text },
      });
    this.close?.();
  }
}

/** One connection's TCP state as the client's side sees it, and what it does on each segment. */
class TcpClientConn {
  seq: number;
  ack = 0;
  established = false;
  gotResponse = false;
  finSent = false;
  finReceived = false;

  constructor(
    private readonly client: TcpClient,
    private readonly t: FourTuple,
  ) {
    this.seq = isn(t.local, t.lport, t.remote, t.rport);
  }

  private get ns(): Netns {
    return this.client.ns;
  }

  private get o(): TcpClientOptions {
    return this.client.o;
  }

  send(flags: string, payload: number): void {
    const { t } = this;
    sendL4(
      this.ns,
      t,
      {
        proto: 'tcp',
        sport: t.lport,
        dport: t.rport,
        flags,
        seq: this.seq,
        ack: this.ack,
        window: TCP_WINDOW,
      },
      payload,
      this.o.process,
    );
    this.seq = (this.seq + payload + (flags.includes('F') || flags.includes('S') ? 1 : 0)) >>> 0;
  }

  private closeConn(): void {
    if (this.finSent) return;
    this.finSent = true;
    emit(this.ns, { kind: 'userspace', code: 'app.close', args: { process: this.o.process } });
    this.send('F.', 0);
  }

  receive(skb: Skb): void {
    const tcp = skb.layers[1] as TcpLayer;
    if (tcp.flags.includes('R')) return this.reset(skb);
    if (!this.established && tcp.flags.includes('S') && tcp.flags.includes('.')) return this.synAck(skb, tcp);
    if (!this.established) return;
    if (skb.payload > 0) this.data(skb, tcp);
    if (tcp.flags.includes('F') && !this.finReceived) return this.fin(skb, tcp);
    if (this.finSent && this.finReceived && tcp.flags === '.') this.client.finish(this.gotResponse);
  }

  private reset(skb: Skb): void {
    const { o } = this;
    emit(this.ns, {
      kind: 'deliver',
      skb,
      code: 'tcp.refused',
      args: { process: o.process, dst: formatHost(o.dst), port: o.port },
    });
    this.client.fail({ kind: 'refused' }, 'ECONNREFUSED');
  }

  /** The handshake's second step: ACK it, then send the request (or, for nc -z, close). */
  private synAck(skb: Skb, tcp: TcpLayer): void {
    const { o } = this;
    this.established = true;
    this.ack = (tcp.seq + 1) >>> 0;
    emit(this.ns, {
      kind: 'deliver',
      skb,
      code: 'tcp.established',
      args: { process: o.process, dst: formatHost(o.dst), port: o.port, bytes: o.request },
    });
    this.send('.', 0);
    if (o.request === 0) {
      // nc -z: the handshake is the whole test; it closes at once.
      if (o.verbose)
        this.client.output.push(
          `Connection to ${formatAddr(o.dst)} ${o.port} port [tcp/${serviceName(o.port, 'tcp') ?? '*'}] succeeded!`,
        );
      this.gotResponse = true;
      this.closeConn();
      return;
    }
    this.send('P.', o.request);
    // nc sends its line and shuts down its side; curl waits for the server to close.
    if (o.process === 'nc') this.closeConn();
  }

  /** The response's bytes: the tool prints them and ACKs (unless a FIN rides along). */
  private data(skb: Skb, tcp: TcpLayer): void {
    const { o } = this;
    const from = l3Addrs(skb.layers[0]).src;
    this.ack = (tcp.seq + skb.payload) >>> 0;
    const first = !this.gotResponse;
    this.gotResponse = true;
    emit(this.ns, {
      kind: 'deliver',
      skb,
      code: 'tcp.response',
      args: { process: o.process, bytes: skb.payload, src: formatHost(from), port: tcp.sport },
    });
    const peer = formatEndpoint(from, tcp.sport);
    // The server's bytes are net/http.ts's: too few to hold a status line, and curl takes the
    // response for HTTP/0.9, which it refuses (it still reads to the server's close here).
    if (o.process === 'curl' && first && !isHttpStatusLine(skb.payload)) {
      this.client.output.push('curl: (1) Received HTTP/0.9 when not allowed');
    } else
      this.client.output.push(
        o.process === 'curl'
          ? `HTTP/1.1 200 OK (${skb.payload} bytes from ${peer})`
          : `${skb.payload} bytes received from ${peer}`,
      );
    if (!tcp.flags.includes('F')) this.send('.', 0);
    o.onResponse?.(skb.payload);
  }

  private fin(skb: Skb, tcp: TcpLayer): void {
    this.finReceived = true;
    this.ack = (tcp.seq + skb.payload + 1) >>> 0;
    if (this.finSent) {
      // Our FIN went first: ACK theirs and the connection is done; its 4-tuple stays
      // in TIME_WAIT for 60 s (TCP_TIMEWAIT_LEN).
      this.send('.', 0);
      this.ns.sockets.timeWait.push({ ...this.t, untilUs: this.ns.world.sched.now + 60 * SECOND_US });
      this.client.finish(this.gotResponse);
    } else {
      // The server closed: the client reads EOF and closes too.
      this.closeConn();
    }
  }
}

/**
 * What curl 7.88 and OpenBSD nc print when a connection fails: curl names the failure
 * (CURLE_COULDNT_CONNECT or CURLE_OPERATION_TIMEDOUT) with the time it took; nc -v prints
 * warn()'s "connect to ... failed: <strerror(errno)>", and nothing without -v.
 */
function failureWords(o: TcpClientOptions, err: Errno | 'EIO', elapsedUs: number): string | undefined {
  const dst = formatAddr(o.dst);
  const ms = Math.round(elapsedUs / 1000);
  if (o.process === 'curl') {
    if (err === 'EIO') return `curl: (28) Operation timed out after ${ms} milliseconds with 0 bytes received`;
    if (err === 'ETIMEDOUT') return `curl: (28) Connection timed out after ${ms} milliseconds`;
    return `curl: (7) Failed to connect to ${dst} port ${o.port} after ${ms} ms: Couldn't connect to server`;
  }
  if (o.process !== 'nc' || !o.verbose) return undefined;
  // An idle established connection just ends at -w; nc's own poll() timeout on connect()
  // leaves it in progress, so warn() prints EINPROGRESS.
  if (err === 'EIO') return undefined;
  if (err === 'ETIMEDOUT')
    return `nc: connect to ${dst} port ${o.port} (tcp) timed out: Operation now in progress`;
  return `nc: connect to ${dst} port ${o.port} (tcp) failed: ${STRERROR[err]}`;
}
