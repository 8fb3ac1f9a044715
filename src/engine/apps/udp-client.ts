/** nc -u: send one datagram and wait for an answer (or an ICMP error). */
import type { UdpLayer } from '../net/layers';
import { formatAddr, formatEndpoint, formatHost, l3Addrs, type SockAddr } from '../kernel/addr';
import type { Device } from '../kernel/device';
import type { Netns } from '../kernel/netns';
import type { Skb } from '../kernel/skb';
import { emit as emitEvent, type Emit } from '../kernel/emit';
import { STRERROR } from '../kernel/errno';
import { routeL4, sendL4, type FourTuple } from '../kernel/stack/transport';
import { icmpErrorText } from './ping';
import { icmpv6ErrorText } from './ping6';
import type { Outcome, Process } from './process';
import { ephemeralPort } from './tcp-client';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'apps'> = emitEvent;

export class UdpClient implements Process {
  readonly name = 'nc';
  done = false;
  outcome: Outcome | undefined;
  readonly output: string[] = [];

  constructor(
    private readonly ns: Netns,
    private readonly o: {
      /** IPv4 (number) or IPv6 (bigint): the socket's family follows it. */
      dst: SockAddr;
      scope?: Device;
      port: number;
      bytes: number;
      waitUs: number;
      verbose?: boolean;
    },
  ) {}

  get deadlineUs(): number {
    return this.o.waitUs;
  }

  start(): void {
    const { ns, o } = this;
    const res = routeL4(ns, o.dst, o.scope ? { scope: o.scope } : {});
    if (!res.ok) {
      this.done = true;
      this.outcome = { kind: 'local-error', reason: 'IP_OUTNOROUTES', text: STRERROR[res.err] };
      // nc warns about a failed connect() only with -v.
      if (o.verbose)
        this.output.push(
          `nc: connect to ${formatAddr(o.dst)} port ${o.port} (udp) failed: ${STRERROR[res.err]}`,
        );
      emit(ns, {
        kind: 'drop',
        reason: 'IP_OUTNOROUTES',
        code: 'app.local-error',
        args: { process: 'nc', text: STRERROR[res.err] },
      });
      return;
    }
    const t: FourTuple = {
      local: res.src,
      lport: ephemeralPort(ns, `udp/${o.dst}/${o.port}`),
      remote: o.dst,
      rport: o.port,
      ...(o.scope ? { scope: o.scope } : {}),
      autoSrc: true,
    };
    const close = ns.sockets.open({
      proto: 'udp',
      ...t,
      receive: (skb: Skb) => {
        const from = l3Addrs(skb.layers[0]).src;
        const udp = skb.layers[1] as UdpLayer;
        emit(ns, {
          kind: 'deliver',
          skb,
          code: 'udp.response',
          args: { process: 'nc', bytes: skb.payload, src: formatHost(from), port: udp.sport },
        });
        this.output.push(`${skb.payload} bytes received from ${formatEndpoint(from, udp.sport)}`);
        this.done = true;
        this.outcome = { kind: 'ok' };
        close();
      },
      error: (skb: Skb) => {
        const icmp = skb.layers[1];
        const from = formatAddr(l3Addrs(skb.layers[0]).src);
        if (icmp?.proto !== 'icmp' && icmp?.proto !== 'icmpv6') return;
        // The kernel passed a hard error to the socket (sk_err): nc's next read fails, it
        // stops reading the network without a word and exits.
        const text = icmp.proto === 'icmp' ? icmpErrorText(icmp) : icmpv6ErrorText(icmp);
        this.done = true;
        this.outcome = { kind: 'icmp-error', text: `From ${from}: ${text}` };
        close();
      },
    });
    emit(ns, {
      kind: 'userspace',
      code: 'udp.send',
      args: { process: 'nc', bytes: o.bytes, dst: formatHost(o.dst), port: o.port },
    });
    sendL4(ns, t, { proto: 'udp', sport: t.lport, dport: t.rport }, o.bytes, 'nc');
    ns.world.sched.at(o.waitUs, () => {
      if (!this.done) {
        this.done = true;
        this.outcome = { kind: 'timeout' };
        close();
      }
    });
  }
}
