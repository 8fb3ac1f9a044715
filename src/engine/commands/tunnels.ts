/**
 * Tunnel devices from the command line: `ip link add ... type vxlan|ipip`, `ip tuntap`,
 * `ip tunnel add`, and the tunl0 fallback device the ipip module brings into every
 * namespace (`modprobe ipip`). GRE lives in ./gre.ts.
 */
import { formatIp, parseIp } from '../net/ipv4';
import { parseIp6 } from '../net/ipv6';
import { Gre } from '../kernel/devices/gre';
import { IpTunnel } from '../kernel/devices/ip-tunnel';
import { Ipip } from '../kernel/devices/ipip';
import { Tun } from '../kernel/devices/tun';
import { Vxlan, type VtepAddr, type VxlanParams } from '../kernel/devices/vxlan';
import { CommandError } from '../kernel/errors';
import type { Netns } from '../kernel/netns';
import type { World } from '../kernel/world';
import type { CommandContext, CommandResult } from './types';
import { checkIfname, findDev } from './device-ops';
import { Args, matches } from './words';
import { addGre, addGre0, ensureGreModule } from './gre';

interface Spec {
  name: string;
  mac?: string;
  mtu?: number;
}

function addr(v: string | undefined, what: string): number {
  const ip = v === undefined ? null : parseIp(v);
  if (ip === null) throw new CommandError(`Error: inet address is expected rather than "${v ?? ''}".`, 1);
  void what;
  return ip;
}

/**
 * iproute2's get_addr for vxlan's local/remote/group: either family, but once one address is
 * given the other must be of its family (iplink_vxlan.c passes the first's family along).
 */
function vtepAddr(v: string | undefined, other: VtepAddr | undefined): VtepAddr {
  const want6 = other === undefined ? v?.includes(':') : typeof other === 'bigint';
  if (!want6) return addr(v, 'address');
  const ip6 = v === undefined ? null : parseIp6(v);
  if (ip6 === null) throw new CommandError(`Error: inet6 address is expected rather than "${v ?? ''}".`, 1);
  return ip6;
}

function num(v: string | undefined, what: string, max: number): number {
  if (v === undefined || !/^\d+$/.test(v) || Number(v) > max)
    throw new CommandError(`Error: argument "${v ?? ''}" is wrong: invalid ${what}`, 1);
  return Number(v);
}

/** `type vxlan id VNI [dstport P] [local A] [remote A|group A] [dev D] [nolearning] [proxy] [l2miss] [l3miss] [ttl N]`. */
export function addVxlan(ctx: CommandContext, ns: Netns, spec: Spec, a: Args): CommandResult {
  let vni: number | undefined;
  let port: number | undefined;
  const p: Omit<VxlanParams, 'vni' | 'port'> = {
    learning: true,
    proxy: false,
    l2miss: false,
    l3miss: false,
    ttl: 0,
    udpCsum: true,
    udp6ZeroCsumTx: false,
    udp6ZeroCsumRx: false,
  };
  while (!a.done) {
    const w = a.next()!;
    if (w === 'id' || w === 'vni') vni = num(a.next(), 'id value', 0xffffff);
    else if (w === 'dstport') port = num(a.next(), 'dstport', 65535);
    else if (w === 'local') p.local = vtepAddr(a.next(), p.remote);
    else if (w === 'remote' || w === 'group') p.remote = vtepAddr(a.next(), p.local);
    else if (w === 'dev') p.dev = findDev(ns, a.value());
    else if (w === 'nolearning') p.learning = false;
    else if (w === 'learning') p.learning = true;
    else if (w === 'proxy') p.proxy = true;
    else if (w === 'l2miss') p.l2miss = true;
    else if (w === 'l3miss') p.l3miss = true;
    else if (w === 'ttl' || w === 'hoplimit') {
      const v = a.next();
      p.ttl = v === 'auto' || v === 'inherit' ? 0 : num(v, 'TTL', 255);
    } else if (w === 'tos' || w === 'ageing' || w === 'srcport' || w === 'maxaddress') {
      a.next();
      if (w === 'srcport') a.next();
    } else if (w === 'udpcsum') p.udpCsum = true;
    else if (w === 'noudpcsum') p.udpCsum = false;
    else if (w === 'udp6zerocsumtx' || w === 'noudp6zerocsumtx') p.udp6ZeroCsumTx = w === 'udp6zerocsumtx';
    else if (w === 'udp6zerocsumrx' || w === 'noudp6zerocsumrx') p.udp6ZeroCsumRx = w === 'udp6zerocsumrx';
    else if (w === 'nocsum' || w === 'external' || w === 'nolocalbypass') continue;
    else throw new CommandError(`vxlan: unknown command "${w}"?`, 1);
  }
  if (vni === undefined) throw new CommandError('vxlan: missing virtual network identifier', 1);
  let warning = '';
  if (port === undefined) {
    // iproute2 warns and the kernel uses its historical default, 8472 (the port flannel uses).
    warning = 'vxlan: destination port not specified\nWill use Linux kernel default (non-standard value)';
    port = 8472;
  }
  // vxlan_config_apply: the lower device's MTU less the headroom (50 bytes over IPv4, 70 over
  // IPv6) is the default and the cap; an asked-for MTU above it is lowered to it (measured).
  const lower = p.dev;
  const v6 = typeof p.local === 'bigint' || typeof p.remote === 'bigint';
  const max = lower ? lower.mtu - (v6 ? 70 : 50) : 65535;
  const mtu = Math.min(spec.mtu ?? (lower ? max : 1500), max);
  const dev = new Vxlan(
    ns,
    spec.name,
    ns.allocIfindex(),
    spec.mac ?? ns.world.allocMac(`${ns.name}/${spec.name}`),
    mtu,
    Object.assign({}, p, { vni, port }),
  );
  dev.macSet = spec.mac !== undefined;
  dev.origin = ctx.origin;
  ns.attach(dev);
  return { output: warning };
}

/** `type ipip [local A] [remote A] [ttl N] [dev D] [nopmtudisc]` (also `ip tunnel add NAME mode ipip ...`). */
export function addIpip(ctx: CommandContext, ns: Netns, spec: Spec, a: Args): CommandResult {
  ensureIpipModule(ctx.world, ctx.machine.name);
  const p = { ttl: 0, pmtudisc: true } as ConstructorParameters<typeof Ipip>[5];
  while (!a.done) {
    const w = a.next()!;
    if (w === 'local') p.local = a.peek() === 'any' ? (a.next(), undefined) : addr(a.next(), 'local');
    else if (w === 'remote') p.remote = a.peek() === 'any' ? (a.next(), undefined) : addr(a.next(), 'remote');
    else if (w === 'ttl') {
      const v = a.next();
      p.ttl = v === 'inherit' ? 0 : num(v, 'TTL', 255);
    } else if (w === 'dev') p.dev = findDev(ns, a.value());
    else if (w === 'nopmtudisc') p.pmtudisc = false;
    else if (w === 'pmtudisc') p.pmtudisc = true;
    else if (w === 'mode') {
      const m = a.next();
      if (m !== 'ipip')
        throw new CommandError(
          `Error: Unknown device type "${m ?? ''}": only gre and ipip tunnels are modelled.`,
          2,
        );
    } else if (w === 'tos' || w === 'encap') a.next();
    else throw new CommandError(`ipip: unknown command "${w}"?`, 1);
  }
  if (p.remote === undefined && p.local === undefined && ns.device('tunl0')) {
    // The fallback device already is the any-to-any ipip tunnel.
    throw new CommandError('add tunnel "tunl0" failed: File exists', 1);
  }
  const dev = new Ipip(ns, spec.name, ns.allocIfindex(), '00:00:00:00:00:00', spec.mtu ?? 1480, p);
  dev.origin = ctx.origin;
  ns.attach(dev);
  return { output: '' };
}

/** The ipip module is loaded on a machine: every namespace there has a tunl0 (down). */
export function ensureIpipModule(world: World, machine: string): void {
  const m = world.machines.get(machine);
  if (!m || m.modules.has('ipip')) return;
  m.modules.add('ipip');
  world.onNewNetns = addFallbackTunnels;
  for (const ns of world.netns.values()) if (ns.machine === machine) addTunl0(ns);
}

/**
 * A new namespace gets each loaded tunnel module's fallback device, in the order the modules
 * were loaded (their pernet init runs in registration order): tunl0 for ipip, gre0 for ip_gre.
 */
export function addFallbackTunnels(ns: Netns): void {
  for (const mod of ns.world.machines.get(ns.machine)?.modules ?? []) {
    if (mod === 'ipip') addTunl0(ns);
    else if (mod === 'ip_gre') addGre0(ns);
  }
}

export function addTunl0(ns: Netns): void {
  if (ns.device('tunl0')) return;
  // ip_tunnel_init_net creates the fallback from zeroed parameters: no DF of its own.
  const dev = new Ipip(ns, 'tunl0', ns.allocIfindex(), '00:00:00:00:00:00', 1480, {
    ttl: 0,
    pmtudisc: false,
  });
  dev.origin = 'kernel (ipip module)';
  dev.fallback = true;
  ns.attach(dev);
}

/** `modprobe MODULE`: the modules the model knows; others load as no-ops, as on a kernel that has them. */
export function modprobe(ctx: CommandContext, argv: string[]): CommandResult {
  const mods = argv.slice(1).filter((w) => !w.startsWith('-'));
  if (mods.length === 0) throw new CommandError('modprobe: ERROR: missing parameters. See -h.', 1);
  for (const m of mods) {
    if (m === 'ipip') ensureIpipModule(ctx.world, ctx.machine.name);
    else if (m === 'ip_gre') ensureGreModule(ctx.world, ctx.machine.name);
    else if (!/^[a-z0-9_]+$/.test(m))
      throw new CommandError(`modprobe: FATAL: Module ${m} not found in directory /lib/modules/6.1.0`, 1);
  }
  return { output: '' };
}

/** `ip tuntap add [dev] NAME mode tun|tap`, `ip tuntap del ...`, `ip tuntap [show]`. */
export function ipTuntap(ctx: CommandContext, a: Args): CommandResult {
  const sub = a.next();
  if (sub === undefined || matches(sub, 'show') || matches(sub, 'list')) {
    const rows = ctx.ns
      .devicesInOrder()
      .filter((d) => d instanceof Tun)
      .map((d) => `${d.name}: tun${(d as Tun).reader ? '' : ''}`);
    return { output: rows.join('\n') };
  }
  let name: string | undefined;
  let mode: string | undefined;
  while (!a.done) {
    const w = a.next()!;
    if (w === 'dev' || w === 'name') name = a.value();
    else if (w === 'mode') mode = a.value();
    else if (w === 'user' || w === 'group') a.value();
    else if (w === 'one_queue' || w === 'pi' || w === 'vnet_hdr' || w === 'multi_queue') continue;
    else if (name === undefined) name = w;
  }
  if (!name) throw new CommandError('Not enough information: "dev" argument is required.', 1);
  if (matches(sub, 'add')) {
    if (mode !== 'tun')
      throw new CommandError(
        mode === 'tap'
          ? 'ip: tap devices are not modelled; use mode tun'
          : 'You failed to specify a tunnel mode',
        1,
      );
    checkIfname(name);
    if (ctx.ns.device(name)) throw new CommandError('ioctl(TUNSETIFF): Device or resource busy', 1);
    const dev = new Tun(ctx.ns, name, ctx.ns.allocIfindex(), '00:00:00:00:00:00', 1500);
    dev.origin = ctx.origin;
    ctx.ns.attach(dev);
    return { output: '' };
  }
  if (matches(sub, 'delete')) {
    const dev = findDev(ctx.ns, name);
    if (!(dev instanceof Tun)) throw new CommandError(`ioctl(TUNSETIFF): Invalid argument`, 1);
    ctx.ns.removeDevice(dev);
    return { output: '' };
  }
  throw new CommandError(`Command "${sub}" is unknown, try "ip tuntap help".`, 255);
}

/** `ip tunnel add NAME mode ipip|gre remote A local B ttl N`. */
export function ipTunnel(ctx: CommandContext, a: Args): CommandResult {
  const sub = a.next();
  if (sub !== undefined && matches(sub, 'add')) {
    let name = a.next();
    if (name === 'name') name = a.next();
    if (!name) throw new CommandError('Not enough information: "name" argument is required.', 1);
    checkIfname(name);
    // iptunnel.c: the mode picks the driver (ipip when none is given), and the ioctl goes to
    // that driver's fallback device, which is the name its errors carry (tnl_add_ioctl).
    const rest = a.argv.slice(a.i);
    const i = rest.indexOf('mode');
    const gre = i >= 0 && rest[i + 1] === 'gre';
    if (ctx.ns.device(name))
      throw new CommandError(`add tunnel "${gre ? 'gre0' : 'tunl0'}" failed: File exists`, 1);
    if (gre) return addGre(ctx, ctx.ns, { name }, a, 'tunnel');
    return addIpip(ctx, ctx.ns, { name }, a);
  }
  if (sub !== undefined && matches(sub, 'delete')) return tunnelDel(ctx, a);
  if (sub === undefined || matches(sub, 'show') || matches(sub, 'list'))
    return { output: tunnelShow(ctx.ns) };
  throw new CommandError(`Command "${sub}" is unknown, try "ip tunnel help".`, 255);
}

/** SIOCDELTUNNEL on the named device: the fallback device cannot go (EPERM), nor a device that is no IP tunnel. */
function tunnelDel(ctx: CommandContext, a: Args): CommandResult {
  let name = a.next();
  if (name === 'name' || name === 'dev') name = a.next();
  if (!name) throw new CommandError('Not enough information: "name" argument is required.', 1);
  const d = ctx.ns.device(name);
  const fail = (why: string): CommandError => new CommandError(`delete tunnel "${name}" failed: ${why}`, 1);
  if (!d) throw fail('No such device');
  if (!(d instanceof IpTunnel)) throw fail('Operation not supported');
  if (d.fallback) throw fail('Operation not permitted');
  ctx.ns.removeDevice(d);
  return { output: '' };
}

/** iptunnel.c's print_tunnel for every IPv4 tunnel, in /proc/net/dev order. */
function tunnelShow(ns: Netns): string {
  const rows: string[] = [];
  for (const d of ns.devicesInOrder()) {
    if (!(d instanceof IpTunnel)) continue;
    const p = d.params;
    let s = `${d.name}: ${d instanceof Gre ? 'gre' : 'ip'}/ip remote ${p.remote !== undefined ? formatIp(p.remote) : 'any'} local ${p.local !== undefined ? formatIp(p.local) : 'any'}`;
    if (p.dev) s += ` dev ${p.dev.name}`;
    s += p.ttl ? ` ttl ${p.ttl}` : ' ttl inherit';
    if (!p.pmtudisc) s += ' nopmtudisc';
    if (d instanceof Gre) s += greKeys(d.params.ikey, d.params.okey);
    rows.push(s);
  }
  return rows.join('\n');
}

/** tnl_print_gre_flags: one `key` when both directions share it, else `ikey`/`okey`, in decimal. */
function greKeys(ikey: number | undefined, okey: number | undefined): string {
  if (ikey !== undefined && ikey === okey) return ` key ${ikey}`;
  return (ikey !== undefined ? ` ikey ${ikey}` : '') + (okey !== undefined ? ` okey ${okey}` : '');
}
