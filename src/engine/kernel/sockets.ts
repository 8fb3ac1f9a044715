/**
 * Sockets of one netns: listeners started by a scenario's servers, and the client
 * endpoints of a flow. Demultiplexing follows the kernel: an exact 4-tuple first, then a
 * listener bound to the address or to any address.
 */
import { formatEndpoint, isAny, type SockAddr } from './addr';
import type { Skb } from './skb';

export type L4 = 'tcp' | 'udp';

export interface Listener {
  proto: L4;
  /**
   * 0 is the wildcard: the scenario's servers bind [::] with IPV6_V6ONLY off
   * (net.ipv6.bindv6only = 0), so one socket takes both families, as the lab's socat does.
   */
  addr: SockAddr;
  port: number;
  /** The process that owns it, as `ss -p` would name it. */
  process: string;
  /** Bytes the server writes back for each request it reads (0: it only reads). */
  reply: number;
  /** A program that handles each datagram itself instead of echoing `reply` bytes (flanneld's UDP socket). */
  onDatagram?: (skb: Skb) => void;
  /**
   * A program that answers each request by asking someone else (a proxy): it is given the
   * request's size and calls `respond` with the size of the answer when it has one.
   */
  relay?: (req: { bytes: number; client: string; respond: (bytes: number) => void }) => void;
}

export interface Endpoint {
  proto: L4 | 'icmp';
  local: SockAddr;
  lport: number;
  remote: SockAddr;
  rport: number;
  /** Called with every segment/datagram/echo reply for this endpoint. */
  receive(skb: Skb): void;
  /** Called with an ICMP error that quotes a packet of this endpoint. */
  error(skb: Skb): void;
}

/** A connection its side closed first: the 4-tuple stays taken for TCP_TIMEWAIT_LEN (60 s). */
export interface TimeWait {
  local: SockAddr;
  lport: number;
  remote: SockAddr;
  rport: number;
  untilUs: number;
}

/** INET_TABLE_PERTURB_SIZE: the slots of __inet_hash_connect's per-destination port offsets. */
const PERTURB_SIZE = 256;

export class Sockets {
  readonly listeners: Listener[] = [];
  readonly endpoints: Endpoint[] = [];
  readonly timeWait: TimeWait[] = [];
  /**
   * table_perturb: how far each destination's next ephemeral port has moved on. All zero
   * until the first connect() needs it: most of a big world's namespaces never connect, and
   * a typed array a namespace is a buffer outside the heap for the GC to track.
   */
  private perturb: Uint32Array | undefined;

  /**
   * __inet_hash_connect: the local port for connect() from `local` to `remote`:`rport`.
   * `portOffset` stands for inet_sk_port_offset's keyed hash of the three. The scan starts
   * at an even port offset by the destination's perturbation and skips ports a listener
   * holds or whose 4-tuple is in use or in TIME_WAIT; then the perturbation moves on by
   * the ports tried plus 2 (plus a random even step, here drawn from the offset).
   */
  connectPort(local: SockAddr, remote: SockAddr, rport: number, portOffset: number, nowUs: number): number {
    const low = 32768;
    const remaining = 61000 - low; // ip_local_port_range 32768 60999, made even
    const index = portOffset & (PERTURB_SIZE - 1);
    const perturb = (this.perturb ??= new Uint32Array(PERTURB_SIZE));
    const offset = ((portOffset % (remaining / 2)) * 2 + perturb[index]!) % remaining;
    let i = 0;
    let port = low + (offset & ~1);
    for (; i < remaining; i += 2, port += 2) {
      if (port >= low + remaining) port -= remaining;
      if (!this.tupleTaken(local, port, remote, rport, nowUs)) break;
    }
    const jitter = ((portOffset >>> 8) + perturb[index]!) % 8;
    perturb[index] = perturb[index]! + Math.max(i, jitter * 2) + 2;
    return port;
  }

  private tupleTaken(
    local: SockAddr,
    lport: number,
    remote: SockAddr,
    rport: number,
    nowUs: number,
  ): boolean {
    const same = (e: { local: SockAddr; lport: number; remote: SockAddr; rport: number }): boolean =>
      e.lport === lport && e.remote === remote && e.rport === rport && (e.local === local || isAny(e.local));
    return (
      this.listeners.some((l) => l.proto === 'tcp' && l.port === lport) ||
      this.endpoints.some((e) => e.proto === 'tcp' && same(e)) ||
      this.timeWait.some((t) => t.untilUs > nowUs && same(t))
    );
  }

  listen(l: Listener): void {
    this.listeners.push(l);
  }

  findListener(proto: L4, addr: SockAddr, port: number): Listener | undefined {
    return (
      this.listeners.find((l) => l.proto === proto && l.port === port && l.addr === addr) ??
      this.listeners.find((l) => l.proto === proto && l.port === port && isAny(l.addr))
    );
  }

  findEndpoint(
    proto: Endpoint['proto'],
    local: SockAddr,
    lport: number,
    remote: SockAddr,
    rport: number,
  ): Endpoint | undefined {
    return this.endpoints.find(
      (e) =>
        e.proto === proto &&
        e.lport === lport &&
        e.rport === rport &&
        e.remote === remote &&
        (e.local === local || isAny(e.local)),
    );
  }

  open(e: Endpoint): () => void {
    this.endpoints.push(e);
    return () => {
      const i = this.endpoints.indexOf(e);
      if (i >= 0) this.endpoints.splice(i, 1);
    };
  }

  portInUse(proto: L4, port: number): boolean {
    return (
      this.listeners.some((l) => l.proto === proto && l.port === port) ||
      this.endpoints.some((e) => e.proto === proto && e.lport === port)
    );
  }

  rows(): string[] {
    return this.listeners.map(
      (l) => `${l.proto.padEnd(5)} LISTEN ${formatEndpoint(l.addr, l.port)} users:(("${l.process}"))`,
    );
  }
}
