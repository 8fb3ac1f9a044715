/**
 * The kernel half of a TCP server: a listener answers SYN with SYN-ACK and completes the
 * handshake before the process accepts; data is read by the process, which may answer.
 * A segment for no socket gets a RST (tcp_v4_send_reset, tcp_v6_send_reset). Both families
 * share it, as tcp_v4_rcv and tcp_v6_rcv share the state machine (tcp_rcv_state_process).
 */
import type { TcpLayer } from '../../net/layers';
import { isLinkLocal6 } from '../../net/ipv6';
import { fold32, formatEndpoint, l3Addrs, type SockAddr } from '../addr';
import type { Device } from '../device';
import type { Netns } from '../netns';
import type { Listener } from '../sockets';
import type { Skb } from '../skb';
import { emit as emitEvent, type Emit } from '../emit';
import { requestSock, type RequestSock } from './tcp-request';
import { sendL4, type FourTuple } from './transport';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'transport'> = emitEvent;

export const TCP_WINDOW = 64240;

/** TCP_TIMEOUT_INIT: the first retransmission timeout of a SYN. */
export const TCP_TIMEOUT_INIT_US = 1_000_000;

/**
 * tcp_retransmit_timer in SYN_SENT: the delay before retransmission `n` (1-based) of an
 * unanswered SYN, or undefined once tcp_syn_retries are spent (then connect() fails with
 * ETIMEDOUT). The timer doubles icsk_rto only once tp->total_rto exceeds
 * tcp_syn_linear_timeouts, and it counts the retransmission just sent: with 4, retransmissions
 * 1 to 5 come 1 s apart, the 6th 2 s later, the 7th 4 s later. Measured on 6.18 (curl to a
 * dropped port): SYNs at 0, 1, 2, 3, 4, 5, 7 and 11 s.
 */
export function synRetransmitDelayUs(ns: Netns, n: number): number | undefined {
  if (n > ns.sysctl.get('net.ipv4.tcp_syn_retries')) return undefined;
  const linear = ns.sysctl.get('net.ipv4.tcp_syn_linear_timeouts');
  return n <= linear + 1 ? TCP_TIMEOUT_INIT_US : TCP_TIMEOUT_INIT_US * 2 ** (n - linear - 1);
}

/** A deterministic initial sequence number per 4-tuple (the kernel's is a keyed hash too). */
export function isn(a: SockAddr, ap: number, b: SockAddr, bp: number): number {
  let h = 2166136261;
  for (const v of [fold32(a), ap, fold32(b), bp]) {
    h ^= v >>> 0;
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h >>> 0;
}

export function tcpListenerInput(dev: Device, skb: Skb, l: Listener): void {
  const ns = dev.netns;
  const a = l3Addrs(skb.layers[0]);
  const syn = skb.layers[1] as TcpLayer;
  const t: FourTuple = {
    local: a.dst,
    lport: syn.dport,
    remote: a.src,
    rport: syn.sport,
    ...(typeof a.src === 'bigint' && isLinkLocal6(a.src) ? { scope: dev } : {}),
  };
  emit(ns, {
    kind: 'deliver',
    dev,
    skb,
    decidedBy: { table: 'sockets', row: ns.sockets.rows()[ns.sockets.listeners.indexOf(l)] ?? '' },
    code: 'tcp.syn-listener',
    args: { port: l.port, process: l.process, from: formatEndpoint(a.src, syn.sport) },
  });
  const c = new TcpServerConn(ns, l, t, (syn.seq + 1) >>> 0);
  const synAck: TcpLayer = {
    proto: 'tcp',
    sport: t.lport,
    dport: t.rport,
    flags: 'S.',
    seq: isn(t.local, t.lport, t.remote, t.rport),
    ack: (syn.seq + 1) >>> 0,
    window: TCP_WINDOW,
  };
  // The request sock: its timer resends the SYN-ACK until the ACK comes (tcp-request.ts).
  c.req = requestSock(
    ns,
    syn.seq,
    formatEndpoint(t.remote, t.rport),
    () => sendL4(ns, t, { ...synAck }, 0, 'the kernel'),
    () => c.close(),
  );
  c.close = ns.sockets.open({ proto: 'tcp', ...t, receive: (seg) => c.receive(seg), error: () => {} });
  c.send('S.', 0, 'the kernel');
}

/** The accepted connection of a listener: its TCP state and what the server does on each segment. */
class TcpServerConn {
  private seq: number;
  private established = false;
  private finSent = false;
  private finReceived = false;
  close: () => void = () => {};
  /** The request sock until the handshake's ACK (tcp-request.ts). */
  req?: RequestSock;

  constructor(
    private readonly ns: Netns,
    private readonly l: Listener,
    private readonly t: FourTuple,
    private rcvNxt: number,
  ) {
    this.seq = isn(t.local, t.lport, t.remote, t.rport);
  }

  send(flags: string, payload: number, who: string): void {
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
        ack: this.rcvNxt,
        window: TCP_WINDOW,
      },
      payload,
      who,
    );
    this.seq = (this.seq + payload + (flags.includes('F') || flags.includes('S') ? 1 : 0)) >>> 0;
  }

  private shutdown(): void {
    if (this.finSent) return;
    this.finSent = true;
    emit(this.ns, { kind: 'userspace', code: 'app.close', args: { process: this.l.process } });
    this.send('F.', 0, this.l.process);
  }

  receive(seg: Skb): void {
    const tcp = seg.layers[1] as TcpLayer;
    if (tcp.flags.includes('R')) {
      this.req?.stop();
      return this.close();
    }
    if (!this.established && this.req?.synAgain(seg)) return;
    // LAST_ACK: the ACK of our FIN ends the connection (tcp_rcv_state_process -> tcp_done).
    if (this.finSent && this.finReceived && !tcp.flags.includes('F')) return this.close();
    if (!this.established && tcp.flags.includes('.')) {
      this.established = true;
      this.req?.stop();
      emit(this.ns, {
        kind: 'userspace',
        skb: seg,
        code: 'tcp.accept',
        args: { process: this.l.process, from: formatEndpoint(this.t.remote, this.t.rport) },
      });
    }
    if (seg.payload > 0) this.data(seg, tcp);
    if (tcp.flags.includes('F')) this.fin(seg, tcp);
  }

  /** The request: the server reads it, then answers (or its relay does) and closes. */
  private data(seg: Skb, tcp: TcpLayer): void {
    const { ns, l } = this;
    this.rcvNxt = (tcp.seq + seg.payload) >>> 0;
    emit(ns, {
      kind: 'userspace',
      skb: seg,
      code: 'app.read',
      args: { process: l.process, bytes: seg.payload },
    });
    if (l.relay) {
      const client = formatEndpoint(this.t.remote, this.t.rport);
      l.relay({ bytes: seg.payload, client, respond: (bytes) => this.respond(bytes) });
    } else if (l.reply > 0) {
      // The server answers and closes (HTTP with Connection: close): data, then its FIN.
      this.respond(l.reply);
    }
  }

  private respond(bytes: number): void {
    emit(this.ns, { kind: 'userspace', code: 'app.write', args: { process: this.l.process, bytes } });
    this.send('P.', bytes, this.l.process);
    this.shutdown();
  }

  private fin(seg: Skb, tcp: TcpLayer): void {
    this.finReceived = true;
    this.rcvNxt = (tcp.seq + seg.payload + 1) >>> 0;
    if (this.finSent) {
      // Both sides closed: ACK the peer's FIN; the connection goes to TIME_WAIT on the other end.
      this.send('.', 0, 'the kernel');
      this.close();
    } else {
      // The peer closed first: the server reads EOF and closes too, acknowledging with its FIN.
      this.shutdown();
    }
  }
}

/**
 * tcp_v4_send_reset: RST for a segment no socket wants. nf_send_reset (REJECT
 * --reject-with tcp-reset) builds the same segment and attaches the refused packet's
 * conntrack entry to it (`ct`).
 */
export function tcpSendReset(ns: Netns, skb: Skb, ct?: Skb['ct'], dev?: Device): void {
  const a = l3Addrs(skb.layers[0]);
  const tcp = skb.layers[1] as TcpLayer;
  const t = {
    local: a.dst,
    lport: tcp.dport,
    remote: a.src,
    rport: tcp.sport,
    ...(dev && typeof a.src === 'bigint' && isLinkLocal6(a.src) ? { scope: dev } : {}),
  };
  const segLen = skb.payload + (tcp.flags.includes('S') ? 1 : 0) + (tcp.flags.includes('F') ? 1 : 0);
  const rst: TcpLayer = tcp.flags.includes('.')
    ? { proto: 'tcp', sport: tcp.dport, dport: tcp.sport, flags: 'R', seq: tcp.ack, ack: 0, window: 0 }
    : {
        proto: 'tcp',
        sport: tcp.dport,
        dport: tcp.sport,
        flags: 'R.',
        seq: 0,
        ack: (tcp.seq + segLen) >>> 0,
        window: 0,
      };
  sendL4(ns, t, rst, 0, 'the kernel', [], ct);
}

/** tcp_v4_rcv / tcp_v6_rcv: an established socket, else a listener for a SYN, else a reset. */
export function tcpRcv(dev: Device, skb: Skb): void {
  const ns = dev.netns;
  const { src, dst } = l3Addrs(skb.layers[0]);
  const ip = skb.layers[0] as { dst: string };
  const tcp = skb.layers[1] as TcpLayer;
  const ep = ns.sockets.findEndpoint('tcp', dst, tcp.dport, src, tcp.sport);
  if (ep) {
    ep.receive(skb);
    return;
  }
  if (tcp.flags.includes('S') && !tcp.flags.includes('.')) {
    const l = ns.sockets.findListener('tcp', dst, tcp.dport);
    if (l) {
      tcpListenerInput(dev, skb, l);
      return;
    }
  }
  if (!tcp.flags.includes('R')) {
    emit(ns, {
      kind: 'drop',
      dev,
      skb,
      reason: 'NO_SOCKET',
      code: 'drop.tcp-closed',
      args: { port: tcp.dport, dst: ip.dst },
    });
    tcpSendReset(ns, skb, undefined, dev);
  }
}
