/**
 * kube-proxy's userspace mode proxy: a process on the node listening on a port per
 * Service. Each connection the REDIRECT/DNAT rules send it is answered by a second TCP
 * connection that kube-proxy itself opens, from the node, to an endpoint it picks
 * (round robin) — the two connections the notes trace with tcpdump.
 */
import { parseIp } from '../net/ipv4';
import { TcpClient } from '../apps/tcp-client';
import type { Netns } from '../kernel/netns';
import { emit as emitEvent, type Emit } from '../kernel/emit';
import { SECOND_US } from '../kernel/timing';
import type { World } from '../kernel/world';
import type { Service } from './kube-proxy';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'kube-proxy'> = emitEvent;

export function startUserspaceProxy(world: World, ns: Netns, services: Service[]): void {
  for (const s of services) {
    for (const p of s.ports) {
      if (p.proxyPort === undefined || p.protocol !== 'TCP') continue;
      let next = 0;
      ns.sockets.listen({
        proto: 'tcp',
        addr: 0,
        port: p.proxyPort,
        process: 'kube-proxy',
        reply: 0,
        relay: ({ bytes, client, respond }) => {
          const eps = s.endpoints;
          if (eps.length === 0) return;
          const pinned = eps.find((e) => e.ip === world.pinEndpoint);
          const ep = pinned ?? eps[next++ % eps.length]!;
          emit(ns, {
            kind: 'userspace',
            code: 'kube-proxy.pick',
            args: {
              service: `${s.namespace}/${s.name}`,
              client,
              endpoint: `${ep.ip}:${p.targetPort}`,
              n: eps.length,
            },
          });
          const c = new TcpClient(ns, {
            process: 'kube-proxy',
            dst: parseIp(ep.ip)!,
            port: p.targetPort,
            request: bytes,
            waitUs: 10 * SECOND_US,
            onResponse: (n) => respond(n),
          });
          c.start();
        },
      });
      ns.changed('sockets');
    }
  }
}
