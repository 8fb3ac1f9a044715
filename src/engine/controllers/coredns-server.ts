/**
 * The CoreDNS process in its pod: a socket on UDP port 53 that reads each query and
 * writes the reply from the address the query reached (the pod's own, after kube-proxy's
 * DNAT; conntrack turns the source back into the kube-dns ClusterIP on the way out).
 */
import { ipOf } from '../kernel/addr';
import type { Netns } from '../kernel/netns';
import type { Skb } from '../kernel/skb';
import { emit as emitEvent, type Emit } from '../kernel/emit';
import { sendL4 } from '../kernel/stack/transport';
import { DNS_PORT, fqdn, type DnsLayer } from '../net/dns';
import type { Ipv4Layer, UdpLayer } from '../net/layers';
import { coreDnsReply, corefile, type CoreDnsConfig } from './coredns';
import type { Service } from './kube-proxy';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'coredns'> = emitEvent;

const RCODE_NAMES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

export interface CoreDnsServing {
  services: readonly Service[];
  config: CoreDnsConfig;
}

/** What each CoreDNS pod answers from: the kernel lab starts a stand-in that answers the same. */
const serving = new WeakMap<Netns, CoreDnsServing>();

export function coreDnsServing(ns: Netns): CoreDnsServing | undefined {
  return serving.get(ns);
}

export function startCoreDns(ns: Netns, services: readonly Service[], c: CoreDnsConfig): void {
  ns.files.set('/etc/coredns/Corefile', corefile(c));
  serving.set(ns, { services, config: c });
  ns.sockets.listen({
    proto: 'udp',
    addr: 0,
    port: DNS_PORT,
    process: 'coredns',
    reply: 0,
    onDatagram: (skb: Skb) => {
      const ip = skb.layers[0] as Ipv4Layer;
      const udp = skb.layers[1] as UdpLayer;
      const query = skb.layers[2];
      // Not a DNS query (a bare `nc -u` datagram): miekg/dns drops what it cannot unpack.
      if (query?.proto !== 'dns' || query.qr) return;
      const reply: DnsLayer = coreDnsReply(services, c, query);
      const q = query.question[0];
      emit(ns, {
        kind: 'userspace',
        skb,
        code: 'coredns.answer',
        args: {
          from: `${ip.src}:${udp.sport}`,
          type: q?.type ?? '?',
          name: q ? fqdn(q.name) : '?',
          rcode: RCODE_NAMES[reply.rcode] ?? String(reply.rcode),
          answers: reply.answer.length
            ? reply.answer.map((r) => `${r.type} ${typeof r.data === 'string' ? r.data : ''}`).join(', ')
            : 'no records',
        },
      });
      const t = { local: ipOf(ip.dst), lport: udp.dport, remote: ipOf(ip.src), rport: udp.sport };
      sendL4(ns, t, { proto: 'udp', sport: t.lport, dport: t.rport }, 0, 'coredns', [reply]);
    },
  });
  ns.changed('sockets');
}
