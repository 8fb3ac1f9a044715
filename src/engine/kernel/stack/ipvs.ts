/**
 * IPVS's packet path (ip_vs_core.c): ip_vs_in at LOCAL_IN gives a packet for a virtual
 * service to a real server (NAT: the destination is rewritten) and sends it on; ip_vs_out
 * gives the server's replies, forwarded back through this node, the VIP as their source.
 * The services and connections themselves (ip_vs_ctl.c's tables) are kernel/ipvs.ts.
 */
import { formatIp } from '../../net/ipv4';
import type { Ipv4Layer, TcpLayer, UdpLayer } from '../../net/layers';
import { ipOf } from '../addr';
import type { Device } from '../device';
import type { Netns } from '../netns';
import { serviceRow } from '../ipvs';
import { patchLayer, type Skb } from '../skb';
import { emit as emitEvent, type Emit } from '../emit';
import { ipOutput, routeOutput } from './output';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'ipvs' | 'route'> = emitEvent;

function l4Ports(skb: Skb): { proto: 'tcp' | 'udp'; sport: number; dport: number } | undefined {
  const l4 = skb.layers[1];
  if (l4?.proto === 'tcp' || l4?.proto === 'udp')
    return {
      proto: l4.proto,
      sport: (l4 as TcpLayer | UdpLayer).sport,
      dport: (l4 as TcpLayer | UdpLayer).dport,
    };
  return undefined;
}

/** ip_vs_in at LOCAL_IN: a packet for a virtual service goes to a real server. Returns true when IPVS took it. */
export function ipvsIn(dev: Device, skb: Skb): boolean {
  const ns = dev.netns;
  const ipvs = ns.ipvs;
  if (!ipvs) return false;
  const ip = skb.layers[0] as Ipv4Layer;
  const p = l4Ports(skb);
  if (!p) return false;
  const vs = ipvs.find(p.proto, ipOf(ip.dst), p.dport);
  if (!vs) return false;
  const client = { ip: ipOf(ip.src), port: p.sport };
  let conn = ipvs.conns.find(
    (c) => c.proto === p.proto && c.client.ip === client.ip && c.client.port === client.port && c.vs === vs,
  );
  const odds = vs.reals.length > 0 ? Math.round(100 / vs.reals.length) : 0;
  if (!conn) {
    ipvs.pin = ns.world.pinEndpoint;
    const real = ipvs.schedule(vs);
    if (!real) {
      emit(ns, {
        kind: 'drop',
        dev,
        skb,
        reason: 'NETFILTER_DROP',
        code: 'drop.ipvs-no-real',
        args: { vip: `${ip.dst}:${p.dport}` },
      });
      return true;
    }
    conn = { proto: p.proto, client, vs, real };
    ipvs.conns.push(conn);
    ns.changed('ipvs');
    emit(ns, {
      kind: 'netfilter',
      dev,
      skb,
      decidedBy: {
        table: 'ipvs',
        row: serviceRow(vs),
      },
      code: 'ipvs.schedule',
      args: {
        vip: `${ip.dst}:${p.dport}`,
        real: `${formatIp(real.ip)}:${real.port}`,
        scheduler: vs.scheduler,
        odds,
        n: vs.reals.length,
      },
    });
  }
  const real = conn.real;
  let out = patchLayer<Ipv4Layer>(skb, 0, { dst: formatIp(real.ip) });
  out = patchLayer<TcpLayer>(out, 1, { dport: real.port });
  emit(ns, {
    kind: 'nat',
    dev,
    skb: out,
    code: 'ipvs.dnat',
    args: { from: `${ip.dst}:${p.dport}`, to: `${formatIp(real.ip)}:${real.port}` },
  });
  const res = routeOutput(ns, real.ip, {});
  if (!res.ok) {
    emit(ns, {
      kind: 'drop',
      dev,
      skb: out,
      reason: 'IP_OUTNOROUTES',
      code: 'drop.no-route-output',
      args: { dst: formatIp(real.ip) },
    });
    return true;
  }
  ipOutput(ns, out, res.dev, res.nexthop, 'forward');
  return true;
}

/** ip_vs_out on the forward path: a real server's reply gets the virtual service as its source again. */
export function ipvsOut(ns: Netns, skb: Skb): Skb {
  const ipvs = ns.ipvs;
  if (!ipvs || ipvs.conns.length === 0) return skb;
  const ip = skb.layers[0] as Ipv4Layer;
  const p = l4Ports(skb);
  if (!p) return skb;
  const src = ipOf(ip.src);
  const dst = ipOf(ip.dst);
  const conn = ipvs.conns.find(
    (c) =>
      c.proto === p.proto &&
      c.real.ip === src &&
      c.real.port === p.sport &&
      c.client.ip === dst &&
      c.client.port === p.dport,
  );
  if (!conn) return skb;
  let out = patchLayer<Ipv4Layer>(skb, 0, { src: formatIp(conn.vs.vip) });
  out = patchLayer<TcpLayer>(out, 1, { sport: conn.vs.port });
  emit(ns, {
    kind: 'nat',
    skb: out,
    code: 'ipvs.unnat',
    args: { from: `${ip.src}:${p.sport}`, to: `${formatIp(conn.vs.vip)}:${conn.vs.port}` },
  });
  return out;
}
