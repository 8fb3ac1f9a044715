/**
 * GRE tunnels from the command line: `ip link add NAME type gre ...`, `ip tunnel add NAME mode
 * gre ...`, and the gre0 fallback device the ip_gre module brings into every namespace.
 * Options and messages follow iproute2's link_gre.c and iptunnel.c; the MTU is what
 * ip_tunnel_bind_dev gives a new tunnel.
 */
import { parseIp } from '../net/ipv4';
import { Gre, greHeaderLen, type GreParams } from '../kernel/devices/gre';
import { CommandError } from '../kernel/errors';
import type { Netns } from '../kernel/netns';
import type { World } from '../kernel/world';
import type { CommandContext, CommandResult } from './types';
import { findDev } from './device-ops';
import type { Args } from './words';

interface Spec {
  name: string;
  mtu?: number;
}

/** IPv4 header plus the fallback's 4-byte GRE header: gre0's MTU is 1500 - 24. */
const ETH_DATA_LEN = 1500;
const IPV4_MIN_MTU = 68;

function endpoint(a: Args, what: string): number | undefined {
  const v = a.next();
  if (v === 'any') return undefined;
  const ip = v === undefined ? null : parseIp(v);
  if (ip === null) throw new CommandError(`Error: inet address is expected rather than "${v ?? ''}".`, 1);
  void what;
  return ip;
}

/** tnl_parse_key: a dotted quad, or an unsigned integer in network order. */
function key(a: Args, name: string): number {
  const v = a.next() ?? '';
  if (v.includes('.')) {
    const ip = parseIp(v);
    if (ip === null) throw new CommandError(`Error: inet address is expected rather than "${v}".`, 1);
    return ip;
  }
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(v) || Number(v) > 0xffffffff)
    throw new CommandError(`invalid value for "${name}": "${v}"; it should be an unsigned integer`, 255);
  return Number(v);
}

function parseGre(ns: Netns, a: Args, via: 'link' | 'tunnel'): GreParams {
  const p: GreParams = { ttl: 0, pmtudisc: true };
  while (!a.done) {
    const w = a.next()!;
    if (w === 'remote') p.remote = endpoint(a, w);
    else if (w === 'local') p.local = endpoint(a, w);
    else if (w === 'dev') p.dev = findDev(ns, a.value());
    else if (w === 'ttl' || w === 'hoplimit') {
      const v = a.next() ?? '';
      if (v === 'inherit') p.ttl = 0;
      else if (/^\d+$/.test(v) && Number(v) <= 255) p.ttl = Number(v);
      else throw new CommandError(`Error: argument "${v}" is wrong: invalid TTL`, 1);
    } else if (w === 'key') p.ikey = p.okey = key(a, w);
    else if (w === 'ikey') p.ikey = key(a, w);
    else if (w === 'okey') p.okey = key(a, w);
    else if (w === 'nopmtudisc') p.pmtudisc = false;
    else if (w === 'pmtudisc') p.pmtudisc = true;
    else if (w === 'mode') {
      const m = a.next();
      if (m !== 'gre')
        throw new CommandError(
          `Error: Unknown device type "${m ?? ''}": only gre and ipip tunnels are modelled.`,
          2,
        );
    } else if (w === 'tos' || w === 'dsfield' || w === 'tclass') a.next();
    else if (['csum', 'icsum', 'ocsum', 'seq', 'iseq', 'oseq'].includes(w))
      throw new CommandError(`gre: "${w}" (GRE checksums and sequence numbers) is not modelled`, 2);
    else throw new CommandError(`gre: unknown command "${w}"?`, 1);
  }
  // iptunnel.c refuses the pair; the netlink path (`ip link add`) takes it.
  if (via === 'tunnel' && p.ttl !== 0 && !p.pmtudisc)
    throw new CommandError('ttl != 0 and nopmtudisc are incompatible', 255);
  return p;
}

/** ip_tunnel_bind_dev: the underlying device's MTU (a route to the remote, or `dev`) less the headers. */
function bindMtu(ns: Netns, p: GreParams): number {
  let mtu = ETH_DATA_LEN;
  const tdev = p.dev ?? (p.remote !== undefined ? ns.routes.lookup(p.remote)?.dev : undefined);
  if (tdev) mtu = tdev.mtu;
  return Math.max(IPV4_MIN_MTU, mtu - 20 - greHeaderLen(p));
}

/** ip_tunnel_find: a tunnel with the same ends, key and device already exists. */
function sameTunnel(ns: Netns, p: GreParams): Gre | undefined {
  return ns
    .devicesInOrder()
    .find(
      (d): d is Gre =>
        d instanceof Gre &&
        d.params.local === p.local &&
        d.params.remote === p.remote &&
        d.params.ikey === p.ikey &&
        d.params.dev === p.dev,
    );
}

/** `type gre [remote A] [local A] [dev D] [ttl N] [key K | ikey K okey K] [[no]pmtudisc]`. */
export function addGre(
  ctx: CommandContext,
  ns: Netns,
  spec: Spec,
  a: Args,
  via: 'link' | 'tunnel',
): CommandResult {
  ensureGreModule(ctx.world, ctx.machine.name);
  const p = parseGre(ns, a, via);
  if (sameTunnel(ns, p))
    throw new CommandError(
      via === 'tunnel' ? 'add tunnel "gre0" failed: File exists' : 'RTNETLINK answers: File exists',
      via === 'tunnel' ? 1 : 2,
    );
  const dev = new Gre(ns, spec.name, ns.allocIfindex(), '00:00:00:00:00:00', spec.mtu ?? bindMtu(ns, p), p);
  dev.origin = ctx.origin;
  ns.attach(dev);
  return { output: '' };
}

/** The ip_gre module is loaded on a machine (by `modprobe ip_gre` or the first gre link): gre0 everywhere. */
export function ensureGreModule(world: World, machine: string): void {
  const m = world.machines.get(machine);
  if (!m || m.modules.has('ip_gre')) return;
  m.modules.add('ip_gre');
  for (const ns of world.netns.values()) if (ns.machine === machine) addGre0(ns);
}

export function addGre0(ns: Netns): void {
  if (ns.device('gre0')) return;
  const dev = new Gre(ns, 'gre0', ns.allocIfindex(), '00:00:00:00:00:00', ETH_DATA_LEN - 24, {
    ttl: 0,
    // ip_tunnel_init_net creates the fallback from zeroed parameters: no DF of its own.
    pmtudisc: false,
  });
  dev.origin = 'kernel (ip_gre module)';
  dev.fallback = true;
  ns.attach(dev);
}
