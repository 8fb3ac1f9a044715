/**
 * A TCP client (curl, nc): connect, send a request once established, wait for the
 * response. The kernel side (SYN, retransmits aside) is modelled by the stack.
 */
import { formatIp } from '../net/ipv4';
import type { Ipv4Layer, TcpLayer } from '../net/layers';
import type { Netns } from '../kernel/netns';
import type { Skb } from '../kernel/skb';
import { emit } from '../kernel/stack/emit';
import { ERRNO_TEXT, routeOutput } from '../kernel/stack/output';
import { isn, TCP_WINDOW } from '../kernel/stack/tcp';
import { sendL4 } from '../kernel/stack/transport';
import { icmpErrorText } from './ping';
import type { Outcome, Process } from './process';

export interface TcpClientOptions {
  process: 'curl' | 'nc' | 'kube-proxy';
  dst: number;
  port: number;
  /** Bytes of request sent after the handshake (0: connect only, like nc -z). */
  request: number;
  waitUs: number;
  /** Fixed source port, e.g. to show PAT; else an ephemeral one. */
  sport?: number;
  /** Called with the size of the response (for a program that relays it, like kube-proxy). */
  onResponse?: (bytes: number) => void;
}

export function ephemeralPort(ns: Netns, seed: string): number {
  let h = 2166136261;
  for (const c of `${ns.name}/${seed}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
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
    const res = routeOutput(ns, o.dst, {});
    const target = `${formatIp(o.dst)} port ${o.port}`;
    if (!res.ok) {
      this.fail(
        { kind: 'local-error', reason: 'no-route', text: ERRNO_TEXT[res.err] },
        `Failed to connect to ${target}: ${ERRNO_TEXT[res.err]}`,
      );
      return;
    }
    const t = {
      local: res.src,
      lport: o.sport ?? ephemeralPort(ns, `${o.process}/${o.dst}/${o.port}`),
      remote: o.dst,
      rport: o.port,
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
        const ip = skb.layers[0] as Ipv4Layer;
        const tcp = skb.layers[1] as TcpLayer;
        if (tcp.flags.includes('R')) {
          emit(ns, {
            kind: 'deliver',
            skb,
            code: 'tcp.refused',
            args: { process: o.process, dst: formatIp(o.dst), port: o.port },
          });
          this.fail({ kind: 'refused' }, `Failed to connect to ${target}: Connection refused`);
          return;
        }
        if (!established && tcp.flags.includes('S') && tcp.flags.includes('.')) {
          established = true;
          ack = (tcp.seq + 1) >>> 0;
          emit(ns, {
            kind: 'deliver',
            skb,
            code: 'tcp.established',
            args: { process: o.process, dst: formatIp(o.dst), port: o.port, bytes: o.request },
          });
          send('.', 0);
          if (o.request === 0) {
            // nc -z: the handshake is the whole test; it closes at once.
            this.output.push(`Connection to ${formatIp(o.dst)} ${o.port} port [tcp/*] succeeded!`);
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
            args: { process: o.process, bytes: skb.payload, src: ip.src, port: tcp.sport },
          });
          this.output.push(
            o.process === 'curl'
              ? `HTTP/1.1 200 OK (${skb.payload} bytes from ${ip.src}:${tcp.sport})`
              : `${skb.payload} bytes received from ${ip.src}:${tcp.sport}`,
          );
          if (!tcp.flags.includes('F')) send('.', 0);
          o.onResponse?.(skb.payload);
        }
        if (tcp.flags.includes('F') && !finReceived) {
          finReceived = true;
          ack = (tcp.seq + skb.payload + 1) >>> 0;
          if (finSent) {
            // Our FIN went first: ACK theirs and the connection is done (TIME_WAIT).
            send('.', 0);
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
        const ip = skb.layers[0] as Ipv4Layer;
        if (icmp?.proto !== 'icmp' || icmp.type === 5) return;
        const text = icmpErrorText(icmp);
        this.fail(
          { kind: 'icmp-error', text: `From ${ip.src}: ${text}` },
          `Failed to connect to ${target}: ${text}`,
        );
      },
    });
    emit(ns, {
      kind: 'userspace',
      code: 'tcp.connect',
      args: { process: o.process, dst: formatIp(o.dst), port: o.port },
    });
    send('S', 0);
    ns.world.sched.at(o.waitUs, () => {
      if (!this.done) this.fail({ kind: 'timeout' }, `Connection to ${target} timed out`);
    });
  }

  /** The connection is closed on both sides. */
  private finish(ok: boolean): void {
    if (this.done) return;
    this.done = true;
    this.outcome = ok ? { kind: 'ok' } : { kind: 'timeout' };
    this.close?.();
  }

  private fail(outcome: Outcome, text: string): void {
    if (this.done) return;
    this.done = true;
    this.outcome = outcome;
    this.output.push(this.o.process === 'curl' ? `curl: (7) ${text}` : `nc: ${text}`);
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
