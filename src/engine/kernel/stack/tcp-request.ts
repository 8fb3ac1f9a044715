/**
 * The request sock of a half-open connection (net/ipv4/inet_connection_sock.c
 * reqsk_timer_handler, tcp_minisocks.c tcp_check_req): the listener has answered a SYN with
 * a SYN-ACK and waits for the ACK. Its timer resends the SYN-ACK after req->timeout (1 s) and
 * then after twice as long each time (reqsk_timeout: timeout << num_timeout, at most
 * TCP_RTO_MAX); after tcp_synack_retries expiries the request is dropped. The client's
 * retransmitted SYN is answered with the SYN-ACK again (inet_rtx_syn_ack), unless another
 * came less than tcp_invalid_ratelimit ago (tcp_oow_rate_limited), and pushes the pending
 * timer back to a full timeout from now.
 */
import type { TcpLayer } from '../../net/layers';
import type { Netns } from '../netns';
import type { TimerHandle } from '../scheduler';
import type { Skb } from '../skb';
import { emit as emitEvent, type Emit } from '../emit';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'transport'> = emitEvent;

const TCP_TIMEOUT_INIT_US = 1_000_000;
const TCP_RTO_MAX_US = 120_000_000;

export interface RequestSock {
  /** A segment for the half-open connection: true when it was a retransmitted SYN, handled here. */
  synAgain(seg: Skb): boolean;
  /** The handshake completed (or the connection closed): no more SYN-ACKs. */
  stop(): void;
}

/**
 * Arms the request timer for a SYN-ACK just sent. `resend` sends the same SYN-ACK again;
 * `drop` forgets the request when its retries are spent.
 */
export function requestSock(
  ns: Netns,
  rcvIsn: number,
  from: string,
  resend: () => void,
  drop: () => void,
): RequestSock {
  let numTimeout = 0;
  let lastOowUs: number | undefined;
  let live = true;
  let timer: TimerHandle | undefined;
  const reqTimeoutUs = (): number => Math.min(TCP_TIMEOUT_INIT_US * 2 ** numTimeout, TCP_RTO_MAX_US);
  const arm = (us: number): void => {
    timer?.cancel();
    timer = ns.world.sched.wheel(us, expire);
  };
  function expire(): void {
    if (!live) return;
    // syn_ack_recalc without TCP_DEFER_ACCEPT: expire once num_timeout reaches the retries.
    if (numTimeout >= ns.sysctl.get('net.ipv4.tcp_synack_retries')) {
      live = false;
      emit(ns, { kind: 'control', code: 'tcp.synack-given-up', args: { from, n: numTimeout } });
      drop();
      return;
    }
    numTimeout++;
    emit(ns, { kind: 'control', code: 'tcp.synack-retransmit', args: { from, n: numTimeout } });
    resend();
    arm(reqTimeoutUs());
  }
  arm(reqTimeoutUs());
  return {
    synAgain(seg) {
      const tcp = seg.layers[1] as TcpLayer;
      if (!live || tcp.flags !== 'S' || tcp.seq !== rcvIsn) return false;
      const now = ns.world.sched.now;
      const limit = ns.sysctl.get('net.ipv4.tcp_invalid_ratelimit') * 1000;
      if (lastOowUs !== undefined && now - lastOowUs >= 0 && now - lastOowUs < limit) return true;
      lastOowUs = now;
      emit(ns, { kind: 'deliver', skb: seg, code: 'tcp.syn-again', args: { from } });
      resend();
      // mod_timer_pending: the running timer starts over from now.
      arm(reqTimeoutUs());
      return true;
    },
    stop() {
      live = false;
      timer?.cancel();
    },
  };
}
