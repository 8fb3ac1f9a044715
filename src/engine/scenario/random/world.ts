/**
 * The skeleton of a random world: L2 segments in a chain with a router between each pair,
 * hosts on every segment with default and static routes (some missing, some with metrics),
 * and the addresses flows can aim at. Features (pods, filters, NAT, VXLAN...) are added on
 * top of it by features.ts.
 */
import type { Rng } from './rng';

export interface GenMachine {
  role: 'host' | 'router';
  nics: { name: string; segment: string; addr: string; mac?: string }[];
  setup: string[];
}

/** Something a flow can be aimed at. */
export interface Target {
  addr: string;
  /** The netns that owns it (undefined for an address nobody has). */
  netns?: string;
  tcp?: number;
  udp?: number;
}

export interface Gen {
  rng: Rng;
  seed: number;
  segments: string[];
  machines: Map<string, GenMachine>;
  /** Machine name -> segment index, for hosts. */
  hosts: Map<string, number>;
  /** Netns names (pods) -> the machine they live on. */
  pods: Map<string, string>;
  servers: { netns: string; listen: string; process: string; reply: number }[];
  targets: Target[];
  /** Which features this world uses (named in the scenario's description and the campaign summary). */
  features: Set<string>;
}

export const subnet = (k: number): string => `10.${10 + k}.0`;
/** Router r_i joins s_{i-1} (its eth0, .1 there) and s_i (its eth1, .2 there). */
export const rightGw = (k: number): string => `${subnet(k)}.1`;
export const leftGw = (k: number): string => `${subnet(k)}.2`;

export function newGen(rng: Rng, seed: number): Gen {
  return {
    rng,
    seed,
    segments: [],
    machines: new Map(),
    hosts: new Map(),
    pods: new Map(),
    servers: [],
    targets: [],
    features: new Set(),
  };
}

function mac(g: Gen, a: number, b: number): string | undefined {
  if (!g.rng.chance(0.3)) return undefined;
  g.features.add('pinned MACs');
  const h = (n: number): string => n.toString(16).padStart(2, '0');
  return `02:${h(g.seed & 0xff)}:${h((g.seed >> 8) & 0xff)}:00:${h(a)}:${h(b)}`;
}

/** A route line, in `ip route` or in net-tools' `route` words. */
function route(g: Gen, net: string, via: string, extra = ''): string {
  if (extra === '' && g.rng.chance(0.2)) {
    g.features.add('route (net-tools)');
    return `route add -net ${net}.0 netmask 255.255.255.0 gw ${via}`;
  }
  return `ip route add ${net}.0/24 via ${via}${extra}`;
}

export function buildSkeleton(g: Gen): void {
  const n = g.rng.chance(0.5) ? 3 : 2;
  for (let k = 0; k < n; k++) g.segments.push(`s${k}`);
  for (let i = 1; i < n; i++) addRouter(g, i, n);
  for (let k = 0; k < n; k++) {
    const count = k === 0 || k === n - 1 ? g.rng.int(1, 2) : g.rng.int(0, 1);
    for (let j = 0; j < count; j++) addHost(g, k, j, n);
  }
}

function addRouter(g: Gen, i: number, n: number): void {
  const setup: string[] = [];
  if (g.rng.chance(0.93)) setup.push('sysctl -w net.ipv4.ip_forward=1');
  else g.features.add('router without ip_forward');
  for (let j = 0; j < n; j++) {
    if (j === i || j === i - 1 || g.rng.chance(0.08)) continue;
    setup.push(route(g, subnet(j), j < i - 1 ? leftGw(i - 1) : rightGw(i)));
  }
  if (g.rng.chance(0.15)) {
    g.features.add('rp_filter');
    setup.push(`sysctl -w net.ipv4.conf.all.rp_filter=${g.rng.pick([1, 2])}`);
  }
  g.machines.set(`r${i}`, {
    role: 'router',
    nics: [
      { name: 'eth0', segment: `s${i - 1}`, addr: `${rightGw(i - 1)}/24`, ...opt(mac(g, i, 0)) },
      { name: 'eth1', segment: `s${i}`, addr: `${leftGw(i)}/24`, ...opt(mac(g, i, 1)) },
    ],
    setup,
  });
  g.targets.push({ addr: rightGw(i - 1), netns: `r${i}` }, { addr: leftGw(i), netns: `r${i}` });
}

const opt = (m: string | undefined): { mac?: string } => (m ? { mac: m } : {});

function addHost(g: Gen, k: number, j: number, n: number): void {
  const name = `h${k}${String.fromCharCode(97 + j)}`;
  const addr = `${subnet(k)}.${10 + j}`;
  const gws: { gw: string; side: 'left' | 'right' }[] = [];
  if (k > 0) gws.push({ gw: leftGw(k), side: 'left' });
  if (k < n - 1) gws.push({ gw: rightGw(k), side: 'right' });
  const setup: string[] = [];
  const def = g.rng.pick(gws);
  if (g.rng.chance(0.93)) setup.push(`ip route add default via ${def.gw}`);
  else g.features.add('missing default route');
  for (let o = 0; o < n; o++) {
    if (o === k) continue;
    const side = o < k ? 'left' : 'right';
    if (side === def.side || g.rng.chance(0.1)) continue;
    const gw = side === 'left' ? leftGw(k) : rightGw(k);
    if (g.rng.chance(0.2)) {
      // Two routes to one prefix: the lower metric wins; the other is a wrong turn.
      g.features.add('route metrics');
      setup.push(route(g, subnet(o), gw, ' metric 100'), route(g, subnet(o), def.gw, ' metric 200'));
    } else if (g.rng.chance(0.15)) {
      // On-link: the host ARPs for every address, and the router's proxy ARP answers.
      g.features.add('proxy ARP');
      setup.push(`ip route add ${subnet(o)}.0/24 dev eth0`);
      const r = g.machines.get(side === 'left' ? `r${k}` : `r${k + 1}`)!;
      const nic = side === 'left' ? 'eth1' : 'eth0';
      const line = `sysctl -w net.ipv4.conf.${nic}.proxy_arp=1`;
      if (!r.setup.includes(line)) r.setup.push(line);
    } else setup.push(route(g, subnet(o), gw));
  }
  g.machines.set(name, {
    role: 'host',
    nics: [{ name: 'eth0', segment: `s${k}`, addr: `${addr}/24`, ...opt(mac(g, 10 + k, j)) }],
    setup,
  });
  g.hosts.set(name, k);
  const t: Target = { addr, netns: name };
  if (g.rng.chance(0.6)) {
    t.tcp = 80;
    g.servers.push({ netns: name, listen: 'tcp/80', process: 'nginx', reply: g.rng.int(20, 900) });
  }
  if (g.rng.chance(0.3)) {
    t.udp = 53;
    g.servers.push({ netns: name, listen: 'udp/53', process: 'dnsmasq', reply: 0 });
  }
  g.targets.push(t);
}
