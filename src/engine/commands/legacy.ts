/**
 * net-tools and bridge-utils, as the notes use them: ifconfig, route, brctl, arp.
 * They drive the same kernel objects as iproute2 and print in their own formats.
 */
import { broadcastOf, formatIp, maskOf, netmaskToLen, parseIp } from '../net/ipv4';
import { CommandError } from '../kernel/errors';
import { Bridge } from '../kernel/devices/bridge';
import { TABLE_MAIN } from '../kernel/routes';
import type { CommandContext, CommandResult } from './types';
import { checkIfname, isBridge, newBridge, parseMacArg } from './device-ops';
import { buildRoute, type RouteSpec } from './ip-route';

export function ifconfig(ctx: CommandContext, argv: string[]): CommandResult {
  const args = argv.slice(1).filter((w) => w !== '-a');
  if (args.length === 0)
    return {
      output: ctx.ns
        .devicesInOrder()
        .filter((d) => d.adminUp || argv.includes('-a'))
        .map(ifconfigBlock)
        .join('\n\n'),
    };
  const dev = ctx.ns.device(args[0]!);
  if (!dev) throw new CommandError(`${args[0]}: error fetching interface information: Device not found`, 1);
  if (args.length === 1) return { output: ifconfigBlock(dev) };
  let addr: number | undefined;
  let len: number | undefined;
  let updown: 'up' | 'down' | undefined;
  let mtu: number | undefined;
  let mac: string | undefined;
  for (let i = 1; i < args.length; i++) {
    const w = args[i]!;
    if (w === 'up' || w === 'down') updown = w;
    else if (w === 'netmask') {
      const m = args[++i] ?? '';
      const l = netmaskToLen(m);
      if (l === null) throw new CommandError(`SIOCSIFNETMASK: Invalid argument`, 1);
      len = l;
    } else if (w === 'mtu') mtu = Number(args[++i]);
    else if (w === 'hw') {
      i++;
      mac = parseMacArg(args[++i] ?? '');
    } else if (w === 'broadcast') i++;
    else {
      const [ipPart, lenPart] = w.split('/');
      const ip = parseIp(ipPart ?? '');
      if (ip === null)
        throw new CommandError(`${w}: Unknown host\nifconfig: \`--help' gives usage information.`, 1);
      addr = ip;
      if (lenPart !== undefined) len = Number(lenPart);
    }
  }
  if (mac) dev.mac = mac;
  if (mtu) dev.mtu = mtu;
  if (addr !== undefined) {
    // SIOCSIFADDR replaces the primary address; the netmask defaults to the classful one.
    const l = len ?? (addr >>> 24 < 128 ? 8 : addr >>> 24 < 192 ? 16 : 24);
    for (const a of dev.addrs.filter((x) => !x.secondary)) ctx.ns.delAddr(dev, a);
    ctx.ns.addAddr(dev, {
      addr,
      len: l,
      broadcast: l < 31 ? broadcastOf(addr, l) : undefined,
      scope: 'global',
      secondary: false,
      origin: ctx.origin,
    });
    if (updown === undefined) updown = 'up';
  }
  if (updown === 'up') ctx.ns.setUp(dev);
  if (updown === 'down') ctx.ns.setDown(dev);
  return { output: '' };
}

function ifconfigBlock(d: import('../kernel/device').Device): string {
  const flags = d.linkFlags().filter((f) => f !== 'LOWER_UP' && f !== 'NO-CARRIER');
  const lines = [
    `${d.name}: flags=${flagValue(d)}<${[...flags, ...(d.operUp() ? ['RUNNING'] : [])].join(',')}>  mtu ${d.mtu}`,
  ];
  for (const a of d.addrs) {
    const brd = a.broadcast !== undefined ? `  broadcast ${formatIp(a.broadcast)}` : '';
    lines.push(`        inet ${formatIp(a.addr)}  netmask ${formatIp(maskOf(a.len))}${brd}`);
  }
  if (d.kind === 'loopback') lines.push('        loop  txqueuelen 1000  (Local Loopback)');
  else lines.push(`        ether ${d.mac}  txqueuelen 1000  (Ethernet)`);
  return lines.join('\n');
}

function flagValue(d: import('../kernel/device').Device): number {
  let v = 0;
  if (d.adminUp) v |= 0x1;
  if (d.kind === 'loopback') v |= 0x8;
  else v |= 0x2 | 0x1000;
  if (d.operUp()) v |= 0x40;
  return v;
}

/** route add|del [-net|-host] TARGET [netmask M] [gw G] [metric N] [dev D]; route -n. */
export function route(ctx: CommandContext, argv: string[]): CommandResult {
  const args = argv.slice(1);
  if (args.length === 0 || args.every((w) => w === '-n' || w === '-e' || w === '-ee'))
    return { output: routeTable(ctx) };
  const verb = args[0];
  if (verb !== 'add' && verb !== 'del')
    throw new CommandError(`route: bogus command "${verb}"\nUsage: route [-nNvee] [-FC] [<AF>]`, 1);
  let host = false;
  let target: string | undefined;
  let mask: number | undefined;
  const spec: RouteSpec = { type: 'unicast', onlink: false, table: TABLE_MAIN };
  for (let i = 1; i < args.length; i++) {
    const w = args[i]!;
    if (w === '-net') host = false;
    else if (w === '-host') host = true;
    else if (w === 'netmask') {
      const l = netmaskToLen(args[++i] ?? '');
      if (l === null) throw new CommandError("route: netmask doesn't match route address", 1);
      mask = l;
    } else if (w === 'gw' || w === 'gateway') {
      const g = parseIp(args[++i] ?? '');
      if (g === null) throw new CommandError(`${args[i]}: Unknown host`, 1);
      spec.gateway = g;
    } else if (w === 'metric') spec.metric = Number(args[++i]);
    else if (w === 'dev') spec.dev = findRouteDev(ctx, args[++i] ?? '');
    else if (w === 'reject') spec.type = 'unreachable';
    else if (target === undefined) target = w;
    else spec.dev = findRouteDev(ctx, w);
  }
  if (!target) throw new CommandError('Usage: route [-nNvee] [-FC] [<AF>]', 1);
  let addr: number;
  let len: number;
  if (target === 'default') {
    addr = 0;
    len = 0;
  } else {
    const [ipPart, lenPart] = target.split('/');
    const ip = parseIp(ipPart ?? '');
    if (ip === null) throw new CommandError(`${target}: Unknown host`, 1);
    addr = ip;
    len = host ? 32 : lenPart !== undefined ? Number(lenPart) : (mask ?? 32);
    if (mask !== undefined && (addr & ~maskOf(len)) !== 0)
      throw new CommandError("route: netmask doesn't match route address", 1);
  }
  spec.dst = { addr, len };
  if (verb === 'del') {
    const victim = ctx.ns.routes.routes.find(
      (r) =>
        r.table === TABLE_MAIN &&
        r.dst === addr >>> 0 &&
        r.len === len &&
        (spec.gateway === undefined || r.gateway === spec.gateway),
    );
    if (!victim) throw new CommandError('SIOCDELRT: No such process', 7);
    ctx.ns.routes.remove((r) => r === victim);
    ctx.ns.changed('routes');
    return { output: '' };
  }
  let r;
  try {
    r = buildRoute(ctx.ns, spec, ctx.origin);
  } catch (e) {
    if (e instanceof CommandError) {
      // The ioctl interface reports errno only: an unreachable gateway is ENETUNREACH.
      const text = /gateway|nexthop/i.test(e.message)
        ? 'Network is unreachable'
        : e.message.replace(/^Error: /, '').replace(/\.$/, '');
      throw new CommandError(`SIOCADDRT: ${text}`, 7);
    }
    throw e;
  }
  if (ctx.ns.routes.findSame(r)) throw new CommandError('SIOCADDRT: File exists', 7);
  ctx.ns.routes.add(r);
  ctx.ns.changed('routes');
  return { output: '' };
}

function findRouteDev(ctx: CommandContext, name: string) {
  const d = ctx.ns.device(name);
  if (!d) throw new CommandError('SIOCADDRT: No such device', 7);
  return d;
}

function routeTable(ctx: CommandContext): string {
  const lines = [
    'Kernel IP routing table',
    'Destination     Gateway         Genmask         Flags Metric Ref    Use Iface',
  ];
  for (const r of ctx.ns.routes.table(TABLE_MAIN)) {
    const flags =
      'U' +
      (r.gateway !== undefined ? 'G' : '') +
      (r.len === 32 ? 'H' : '') +
      (r.type === 'unreachable' || r.type === 'blackhole' ? '!' : '');
    lines.push(
      `${formatIp(r.dst).padEnd(16)}${formatIp(r.gateway ?? 0).padEnd(16)}${formatIp(maskOf(r.len)).padEnd(16)}${flags.padEnd(6)}${String(r.metric).padEnd(7)}0        0 ${r.dev?.name ?? '*'}`,
    );
  }
  return lines.join('\n');
}

/** brctl addbr|delbr|addif|delif|show. */
export function brctl(ctx: CommandContext, argv: string[]): CommandResult {
  const [, cmd, br, ifname] = argv;
  if (cmd === undefined || cmd === 'show') {
    const lines = ['bridge name\tbridge id\t\tSTP enabled\tinterfaces'];
    for (const d of ctx.ns.devicesInOrder()) {
      if (!(d instanceof Bridge)) continue;
      const ports = d.ports().map((p) => p.name);
      lines.push(
        `${d.name}\t\t8000.${d.mac.replace(/:/g, '')}\t${d.stp ? 'yes' : 'no'}\t\t${ports[0] ?? ''}`,
      );
      for (const p of ports.slice(1)) lines.push(`\t\t\t\t\t\t\t${p}`);
    }
    return { output: lines.join('\n') };
  }
  if (!br) throw new CommandError(`Incorrect number of arguments for command`, 1);
  if (cmd === 'addbr') {
    checkIfname(br);
    if (ctx.ns.device(br))
      throw new CommandError(`device ${br} already exists; can't create bridge with the same name`, 1);
    newBridge(ctx.ns, br, undefined, ctx.origin);
    return { output: '' };
  }
  const b = ctx.ns.device(br);
  if (!isBridge(b))
    throw new CommandError(
      `bridge ${br} doesn't exist; can't ${cmd === 'delbr' ? 'delete it' : `${cmd === 'addif' ? 'add' : 'delete'} ${ifname ?? ''}`}`,
      1,
    );
  if (cmd === 'delbr') {
    if (b.adminUp) throw new CommandError(`bridge ${br} is still up; can't delete it`, 1);
    ctx.ns.removeDevice(b);
    return { output: '' };
  }
  if (!ifname) throw new CommandError('Incorrect number of arguments for command', 1);
  const dev = ctx.ns.device(ifname);
  if (!dev) throw new CommandError(`interface ${ifname} does not exist!`, 1);
  if (cmd === 'addif') {
    if (dev.master)
      throw new CommandError(
        `device ${ifname} is already a member of a bridge; can't enslave it to bridge ${br}.`,
        1,
      );
    ctx.ns.setMaster(dev, b);
    return { output: '' };
  }
  if (cmd === 'delif') {
    if (dev.master !== b) throw new CommandError(`device ${ifname} is not a slave of ${br}`, 1);
    ctx.ns.setMaster(dev, undefined);
    return { output: '' };
  }
  throw new CommandError(`never heard of command [${cmd}]`, 1);
}

/** arp -n (the neighbour table in net-tools' columns) and arp -s IP MAC. */
export function arp(ctx: CommandContext, argv: string[]): CommandResult {
  const args = argv.slice(1);
  const si = args.indexOf('-s');
  if (si >= 0) {
    const ip = parseIp(args[si + 1] ?? '');
    const mac = parseMacArg(args[si + 2] ?? '');
    if (ip === null) throw new CommandError(`${args[si + 1]}: Unknown host`, 1);
    const rt = ctx.ns.routes.lookup(ip);
    const dev = rt?.dev;
    if (!dev) throw new CommandError('SIOCSARP: Network is unreachable', 1);
    ctx.ns.neigh.set({
      ip,
      dev,
      mac,
      state: 'PERMANENT',
      queue: [],
      probes: 0,
      updated: ctx.world.sched.now,
      origin: ctx.origin,
    });
    ctx.ns.changed('neigh');
    return { output: '' };
  }
  const lines = ['Address                  HWtype  HWaddress           Flags Mask            Iface'];
  for (const e of ctx.ns.neigh.sorted()) {
    if (e.proxy) continue;
    const addr = formatIp(e.ip).padEnd(25);
    if (!e.mac || e.state === 'INCOMPLETE' || e.state === 'FAILED')
      lines.push(`${addr}        (incomplete)                              ${e.dev.name}`);
    else
      lines.push(
        `${addr}ether   ${e.mac}   ${e.state === 'PERMANENT' ? 'CM' : 'C '}                    ${e.dev.name}`,
      );
  }
  return { output: lines.join('\n') };
}
