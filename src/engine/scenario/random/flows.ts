/**
 * The flows of a random world (ping, curl, nc -z, nc -u from hosts and pods to the
 * world's addresses, a few to addresses nobody has), and traffic run during setup so that
 * a flow meets the state an earlier one left (neighbour entries, conntrack, NAT bindings).
 */
import { subnet, type Gen, type Target } from './world';

export interface GenFlow {
  id: string;
  netns: string;
  command: string;
}

function command(g: Gen, t: Target, big: boolean): string {
  const kinds: string[] = ['ping'];
  if (t.tcp) kinds.push('curl', 'nc');
  if (t.udp) kinds.push('udp');
  const kind = g.rng.pick(kinds);
  if (kind === 'curl') return `curl http://${t.addr}${t.tcp === 80 ? '' : `:${t.tcp}`}/`;
  if (kind === 'nc') return `nc -z -v -w 2 ${t.addr} ${t.tcp}`;
  if (kind === 'udp') {
    g.features.add('UDP flows');
    return `nc -u -w 2 ${t.addr} ${t.udp}`;
  }
  // -W 2 is written out: the model's ping waits 10 s without it (iputils' MAXWAIT) while the
  // lab bounds a bare ping at 2 s, so a ping to nobody ended before the kernel's neighbour
  // failure (3 s) on the kernel and after it in the Trace (seed 3009 f1).
  if (big) {
    g.features.add('large pings (DF / fragmentation)');
    return `ping -c 1 -W 2 -s ${g.rng.pick([1300, 1400, 1472])}${g.rng.chance(0.5) ? ' -M do' : ''} ${t.addr}`;
  }
  return `ping -c 1 -W 2 ${t.addr}`;
}

function sources(g: Gen): string[] {
  return [...g.hosts.keys(), ...g.pods.keys()];
}

function aims(g: Gen): Target[] {
  const nobody: Target[] = [
    { addr: `${subnet(g.rng.int(0, g.segments.length - 1))}.99` },
    { addr: '10.77.0.1', tcp: 80 },
  ];
  return [...g.targets, ...nobody];
}

export function addFlows(g: Gen): GenFlow[] {
  const flows: GenFlow[] = [];
  const n = g.rng.int(1, 3);
  for (let i = 0; i < n; i++) {
    const src = g.rng.pick(sources(g));
    const candidates = aims(g).filter((t) => t.netns !== src);
    const t = g.rng.pick(candidates);
    flows.push({ id: `f${i + 1}`, netns: src, command: command(g, t, g.rng.chance(0.15)) });
  }
  return flows;
}

/**
 * Traffic during setup, run by the last machine once every machine is configured: the
 * flows then meet its neighbour entries, conntrack entries and NAT bindings. Only machines'
 * own servers are up during setup (pods' servers start after it), so it aims at those.
 */
export function addPriorTraffic(g: Gen, last: string): void {
  if (!g.rng.chance(0.25)) return;
  g.features.add('traffic before the flows');
  const m = g.machines.get(last)!;
  const aims = g.targets.filter((x) => x.netns !== last && !g.pods.has(x.netns ?? ''));
  if (aims.length === 0) return;
  const t = g.rng.pick(aims);
  m.setup.push(
    t.tcp ? `curl -m 2 http://${t.addr}${t.tcp === 80 ? '' : `:${t.tcp}`}/` : `ping -c 1 -W 1 ${t.addr}`,
  );
}
