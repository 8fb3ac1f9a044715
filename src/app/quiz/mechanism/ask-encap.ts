/**
 * "Which device adds the outer header, and which port does it use?": the device the route sent the
 * packet into (VXLAN, IPIP, GRE, or flanneld's TUN in user space) and the outer UDP destination port.
 * Distractors: the same device with another tunnel port, and the namespace's other devices.
 */
import type { Trace, TraceEvent } from '../../types';
import { arrange, msg } from './build';
import type { MChoice, MQuestion } from './types';
import { ipOf, interfaceOf } from './world';

/** The well-known tunnel ports a learner meets. */
const PORTS = [8472, 4789, 8285] as const;

type Tunnel =
  | { type: 'vxlan'; dev: string; port: number }
  | { type: 'ipip'; dev: string }
  | { type: 'gre'; dev: string }
  | { type: 'user'; dev: string; port: number };

function tunnelOf(trace: Trace, e: TraceEvent): Tunnel | null {
  const a = e.explain.args;
  if (e.explain.code.startsWith('vxlan.') && e.kind === 'encap')
    return { type: 'vxlan', dev: String(a.dev), port: Number(a.port) };
  if (e.explain.code === 'ipip.encap') return { type: 'ipip', dev: String(a.dev) };
  if (e.explain.code === 'gre.encap') return { type: 'gre', dev: String(a.dev) };
  if (e.explain.code === 'flanneld.udp-send') {
    // flanneld read the packet from its TUN device just before.
    for (let j = e.step - 1; j >= 0; j--) {
      const p = trace.events[j]!;
      if (p.explain.code === 'tun.read' && typeof p.explain.args.dev === 'string')
        return { type: 'user', dev: p.explain.args.dev, port: Number(a.port) };
    }
  }
  return null;
}

function whyRight(t: Tunnel, e: TraceEvent): MChoice['why'] {
  const a = e.explain.args;
  if (t.type === 'vxlan')
    return msg('w.encap.right-vxlan', {
      dev: t.dev,
      row: e.decidedBy?.row ?? '',
      vtep: a.vtep ?? '',
      vni: a.vni ?? '',
      port: t.port,
      src: a.src ?? '',
    });
  if (t.type === 'ipip' || t.type === 'gre')
    return msg(`w.encap.right-${t.type}`, { dev: t.dev, src: a.src ?? '', remote: a.remote ?? '' });
  return msg('w.encap.right-user', { dev: t.dev, port: t.port, node: a.node ?? '' });
}

function label(t: Tunnel, kind: string): MChoice['text'] {
  if (t.type === 'ipip' || t.type === 'gre') return msg(`c.encap-${t.type}`, { dev: t.dev });
  if (t.type === 'user') return msg('c.encap-user', { dev: t.dev, port: t.port });
  return msg('c.encap-udp', { dev: t.dev, kind, port: t.port });
}

/** IPIP and GRE put no UDP header in front: there is no port to ask about. */
const portless = (t: Tunnel): t is Extract<Tunnel, { type: 'ipip' | 'gre' }> =>
  t.type === 'ipip' || t.type === 'gre';
const idOf = (t: Tunnel) => `${t.type}|${t.dev}|${portless(t) ? '' : t.port}`;

export function askEncap(trace: Trace, e: TraceEvent, seed: string): Omit<MQuestion, 'step'> | null {
  const t = tunnelOf(trace, e);
  const ip = ipOf(e);
  if (!t || !ip) return null;
  const right: MChoice = { id: idOf(t), text: label(t, 'VXLAN'), why: whyRight(t, e) };
  const rightPort = portless(t) ? 0 : t.port;
  const pool: MChoice[] = [];
  // The same device with another well-known port.
  for (const port of PORTS) {
    if (port === rightPort) continue;
    const other: Tunnel = { type: 'vxlan', dev: t.dev, port };
    const why = portless(t)
      ? msg(`w.encap.no-udp-${t.type}`, { dev: t.dev })
      : t.type === 'user'
        ? msg('w.encap.kernel', { dev: t.dev })
        : msg('w.encap.port', { port, about: `@port.${port}`, right: rightPort });
    pool.push({
      id: idOf(other),
      text: label(other, portless(t) ? t.type.toUpperCase() : t.type === 'user' ? 'TUN' : 'VXLAN'),
      why,
    });
    if (pool.length >= 1) break;
  }
  // The namespace's other devices, with the right port: the underlay NIC and the bridge are the tempting ones.
  const ns = trace.topology.netns.find((n) => n.name === e.netns);
  const devs = (ns?.interfaces ?? []).filter(
    (i) => i.kind !== 'loopback' && i.kind !== 'veth' && i.name !== t.dev,
  );
  devs.sort((a, b) => Number(b.segment !== undefined) - Number(a.segment !== undefined));
  for (const d of devs) {
    const why =
      d.segment !== undefined
        ? msg('w.encap.underlay', { dev: d.name })
        : d.kind === 'bridge'
          ? msg('w.encap.bridge', { dev: d.name })
          : msg('w.encap.device', { dev: d.name, kind: d.kind });
    const port = rightPort || 4789;
    pool.push({
      id: `dev|${d.name}|${port}`,
      text: msg('c.encap-udp', {
        dev: d.name,
        kind: interfaceOf(trace, e.netns, d.name)?.kind ?? d.kind,
        port,
      }),
      why,
    });
  }
  const c = arrange(right, pool, seed);
  if (!c) return null;
  return {
    kind: 'encap',
    event: e.step,
    netns: e.netns,
    prompt: msg('p.encap', { netns: e.netns, dst: ip.dst }),
    ...c,
    ...(e.decidedBy ? { decided: e.decidedBy } : {}),
  };
}
