/**
 * A TCP client (curl, nc): connect, send a request once established, wait for the
 * response. The kernel side (SYN, retransmits aside) is modelled by the stack.
 */
import type { TcpLayer } from '../net/layers';
import { formatAddr, formatEndpoint, l3Addrs, type SockAddr } from '../kernel/addr';
import type { Device } from '../kernel/device';
import type { Netns } from '../kernel/netns';
import type { Skb } from '../kernel/skb';
import { emit as emitEvent, type Emit } from '../kernel/stack/emit';
import { anyIcmpErrno, STRERROR, type Errno } from '../kernel/errno';
import { isn, synRetransmitDelayUs, TCP_WINDOW } from '../kernel/stack/tcp';
import { wheelDelayUs } from '../kernel/timing';
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

  constructor(
    private readonly ns: Netns,
    private readonly o: TcpClientOptions,
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
    };
    let seq = isn(t.local, t.lport, t.remote, t.rport);
    let ack = 0;
    let established = false;
    let gotResponse = false;
    let finSent = false;
    let finReceived = false;
    const send = (flags: string, payload: number): void => {
      sendL4(
        ns,
        t,
        { proto: 'tcp', sport: t.lport, dport: t.rport, flags, seq, ack, window: TCP_WINDOW },
        payload,
        o.process,
      );
      seq = (seq + payload + (flags.includes('F') || flags.includes('S') ? 1 : 0)) >>> 0;
    };
    const closeConn = (): void => {
      if (finSent) return;
      finSent = true;
      emit(ns, { kind: 'userspace', code: 'app.close', args: { process: o.process } });
      send('F.', 0);
    };
    this.close = ns.sockets.open({
      proto: 'tcp',
      ...t,
      receive: (skb: Skb) => {
        const from = l3Addrs(skb.layers[0]).src;
        const tcp = skb.layers[1] as TcpLayer;
        if (tcp.flags.includes('R')) {
          emit(ns, {
            kind: 'deliver',
            skb,
            code: 'tcp.refused',
            args: { process: o.process, dst: formatAddr(o.dst), port: o.port },
          });
          this.fail({ kind: 'refused' }, 'ECONNREFUSED');
          return;
        }
        if (!established && tcp.flags.includes('S') && tcp.flags.includes('.')) {
          established = true;
          ack = (tcp.seq + 1) >>> 0;
          emit(ns, {
            kind: 'deliver',
            skb,
            code: 'tcp.established',
            args: { process: o.process, dst: formatAddr(o.dst), port: o.port, bytes: o.request },
          });
          send('.', 0);
          if (o.request === 0) {
            // nc -z: the handshake is the whole test; it closes at once.
            if (o.verbose)
              this.output.push(
                `Connection to ${formatAddr(o.dst)} ${o.port} port [tcp/${SERVICES[o.port] ?? '*'}] succeeded!`,
              );
            gotResponse = true;
            closeConn();
            return;
          }
          send('P.', o.request);
          // nc sends its line and shuts down its side; curl waits for the server to close.
          if (o.process === 'nc') closeConn();
          return;
        }
        if (!established) return;
        if (skb.payload > 0) {
          ack = (tcp.seq + skb.payload) >>> 0;
          gotResponse = true;
          emit(ns, {
            kind: 'deliver',
            skb,
            code: 'tcp.response',
            args: { process: o.process, bytes: skb.payload, src: formatAddr(from), port: tcp.sport },
          });
          const peer = formatEndpoint(from, tcp.sport);
          this.output.push(
            o.process === 'curl'
              ? `HTTP/1.1 200 OK (${skb.payload} bytes from ${peer})`
              : `${skb.payload} bytes received from ${peer}`,
          );
          if (!tcp.flags.includes('F')) send('.', 0);
          o.onResponse?.(skb.payload);
        }
        if (tcp.flags.includes('F') && !finReceived) {
          finReceived = true;
          ack = (tcp.seq + skb.payload + 1) >>> 0;
          if (finSent) {
            // Our FIN went first: ACK theirs and the connection is done; its 4-tuple stays
            // in TIME_WAIT for 60 s (TCP_TIMEWAIT_LEN).
            send('.', 0);
            ns.sockets.timeWait.push({ ...t, untilUs: ns.world.sched.now + 60 * SECOND_US });
            this.finish(gotResponse);
          } else {
            // The server closed: the client reads EOF and closes too.
            closeConn();
          }
          return;
        }
        if (finSent && finReceived && tcp.flags === '.') this.finish(gotResponse);
      },
      error: (skb: Skb) => {
        const icmp = skb.layers[1];
        const from = formatAddr(l3Addrs(skb.layers[0]).src);
        if (icmp?.proto !== 'icmp' && icmp?.proto !== 'icmpv6') return;
        const e = anyIcmpErrno(icmp);
        // tcp_v4_err / tcp_v6_err: fragmentation needed (packet too big) only lowers the path
        // MTU; a connection past SYN_SENT keeps an error as sk_err_soft (no IP_RECVERR) and
        // carries on; in SYN_SENT any error aborts.
        if (!e || (icmp.proto === 'icmp' && icmp.type === 3 && icmp.code === 4) || established) return;
        const text = icmp.proto === 'icmp' ? icmpErrorText(icmp) : icmpv6ErrorText(icmp);
        this.fail({ kind: 'icmp-error', text: `From ${from}: ${text}` }, e.errno);
      },
    });
    emit(ns, {
      kind: 'userspace',
      code: 'tcp.connect',
      args: { process: o.process, dst: formatAddr(o.dst), port: o.port },
    });
    send('S', 0);
    this.retransmitSyn(t, isn(t.local, t.lport, t.remote, t.rport), 1, () => established);
    ns.world.sched.at(o.waitUs, () => {
      if (!this.done) this.fail({ kind: 'timeout' }, established ? 'EIO' : 'ETIMEDOUT');
    });
  }

  /** The SYN_SENT retransmission timer: the same SYN again until an answer or the last try. */
  private retransmitSyn(t: FourTuple, seq: number, n: number, answered: () => boolean): void {
    const { ns } = this;
    const delay = synRetransmitDelayUs(ns, n);
    if (delay === undefined) return;
    // The retransmit timer is a timer-wheel timer: it fires a few jiffies after the delay.
    ns.world.sched.at(wheelDelayUs(ns.world.sched.now, delay), () => {
      if (this.done || answered()) return;
      emit(ns, {
        kind: 'userspace',
        code: 'tcp.syn-retransmit',
        args: { n, dst: formatAddr(t.remote), port: t.rport },
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
  private finish(ok: boolean): void {
    if (this.done) return;
    this.done = true;
    this.outcome = ok ? { kind: 'ok' } : { kind: 'timeout' };
    this.close?.();
  }

  /** The connection failed with `err` ('EIO': it timed out after connecting): say so as the tool does. */
  private fail(outcome: Outcome, err: Errno | 'EIO'): void {
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

/** /etc/services names nc prints after the port. */
const SERVICES: Record<number, string> = {
  22: 'ssh',
  53: 'domain',
  80: 'http',
  443: 'https',
  8080: 'http-alt',
};

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
