/** Loading catalog scenarios from disk and asking questions of their Traces. */
import { readFileSync } from 'node:fs';
import { buildWorld, loadScenario, traceFlow, type Capture, type Scenario, type Trace } from '../src/engine';
import type { Service } from '../src/engine/controllers/kube-proxy';
import type { EthLayer, IcmpLayer, Ipv4Layer, Layer } from '../src/engine/net/layers';

export function scenario(id: string): Scenario {
  const file = `scenarios/${id}.yaml`;
  return loadScenario(readFileSync(file, 'utf8'), file);
}

export function trace(id: string, flow: string, exec: string[] = []): Trace {
  return traceFlow(scenario(id), flow, {
    exec: exec.map((e) => {
      const i = e.indexOf(':');
      return { netns: e.slice(0, i).trim(), line: e.slice(i + 1).trim() };
    }),
  });
}

export function world(id: string) {
  return buildWorld(scenario(id));
}

export const eth = (c: Capture): EthLayer | undefined =>
  c.layers.find((l): l is EthLayer => l.proto === 'eth');
export const ipv4s = (c: Capture): Ipv4Layer[] => c.layers.filter((l): l is Ipv4Layer => l.proto === 'ipv4');
export const ip = (c: Capture): Ipv4Layer | undefined => ipv4s(c)[0];

function isIcmp(layers: Layer[], type: number): boolean {
  return layers.some((l) => l.proto === 'icmp' && (l as IcmpLayer).type === type);
}

/** Captures of ICMP echo requests (type 8) or replies (type 0) at one capture point. */
export function echoes(
  t: Trace,
  kind: 'request' | 'reply',
  netns: string,
  iface: string,
  dir: 'tx' | 'rx',
): Capture[] {
  return t.captures.filter(
    (c) =>
      c.netns === netns &&
      c.interface === iface &&
      c.direction === dir &&
      isIcmp(c.layers, kind === 'request' ? 8 : 0),
  );
}

export function arps(t: Trace, netns: string, iface: string, dir: 'tx' | 'rx'): Capture[] {
  return t.captures.filter(
    (c) =>
      c.netns === netns &&
      c.interface === iface &&
      c.direction === dir &&
      c.layers.some((l) => l.proto === 'arp'),
  );
}

export function macOf(t: Trace, netns: string, iface: string): string {
  const ns = t.topology.netns.find((n) => n.name === netns);
  const i = ns?.interfaces.find((x) => x.name === iface);
  if (!i) throw new Error(`no interface ${netns}/${iface} in topology`);
  return i.mac;
}

/** The rows of a table in a netns as they stood at the end of the trace. */
export function finalRows(t: Trace, netns: string, table: string): string[] {
  const versions = t.tables.filter((v) => v.netns === netns && v.table === table);
  return versions[versions.length - 1]?.rows ?? [];
}

/** The captures of ICMPv6 messages of one type on an interface, in one direction. */
export function icmp6(t: Trace, netns: string, iface: string, dir: 'tx' | 'rx', type: number): Capture[] {
  return t.captures.filter(
    (c) =>
      c.netns === netns &&
      c.interface === iface &&
      c.direction === dir &&
      c.layers.some((l) => l.proto === 'icmpv6' && l.type === type),
  );
}

/**
 * A catalog cluster with `n` more ClusterIP Services (svc-1..svc-n, 10.96.x.y:80), each with the
 * target port and endpoints given: the big-table tests' one recipe for a cluster at scale.
 */
export function withClusterIps(
  id: string,
  n: number,
  targetPort: (i: number) => number,
  endpoints: (i: number) => Service['endpoints'],
): Scenario {
  const s = scenario(id);
  const services: Service[] = [...(s.services ?? [])];
  for (let i = 1; i <= n; i++)
    services.push({
      name: `svc-${i}`,
      namespace: 'default',
      clusterIP: `10.96.${1 + (i >> 8)}.${i & 255}`,
      type: 'ClusterIP',
      externalTrafficPolicy: 'Cluster',
      ports: [{ name: 'http', port: 80, targetPort: targetPort(i), protocol: 'TCP' }],
      endpoints: endpoints(i),
    });
  return { ...s, services };
}
