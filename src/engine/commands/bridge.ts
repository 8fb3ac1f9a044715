/** The `bridge` tool: fdb add/append/replace/del/show and link show. */
import { CommandError } from '../kernel/errors';
import { Bridge } from '../kernel/devices/bridge';
import { Vxlan, type VxlanFdbEntry } from '../kernel/devices/vxlan';
import { parseIp } from '../net/ipv4';
import { parseIp6 } from '../net/ipv6';
import { fdbRows } from './show';
import type { CommandContext, CommandResult } from './types';
import { findDev, parseMacArg } from './device-ops';
import { Args, matches } from './words';

export function bridge(ctx: CommandContext, argv: string[]): CommandResult {
  const a = new Args(argv.slice(1), 'bridge');
  const obj = a.next();
  if (obj === undefined) throw new CommandError('Usage: bridge [ OPTIONS ] OBJECT { COMMAND | help }', 255);
  if (matches(obj, 'fdb')) return { output: fdb(ctx, a) };
  if (matches(obj, 'link')) return { output: link(ctx, a) };
  throw new CommandError(`Object "${obj}" is unknown, try "bridge help".`, 255);
}

function fdb(ctx: CommandContext, a: Args): string {
  const sub = a.next();
  if (sub === undefined || matches(sub, 'show') || matches(sub, 'list')) {
    let br: string | undefined;
    let dev: string | undefined;
    while (!a.done) {
      const w = a.next()!;
      if (w === 'br') br = a.value();
      else if (w === 'dev') dev = a.value();
    }
    if (br) findDev(ctx.ns, br);
    if (dev) findDev(ctx.ns, dev);
    // print_fdb leaves the device out when the dump is filtered by it (!filter_index).
    return fdbRows(ctx.ns)
      .rows.filter((r) => (!br || r.includes(` master ${br}`)) && (!dev || r.includes(` dev ${dev} `)))
      .map((r) => (dev ? r.replace(` dev ${dev} `, ' ') : r))
      .join('\n');
  }
  const verb = ['add', 'append', 'replace', 'del', 'delete'].find((v) => v === sub);
  if (!verb) throw new CommandError(`Command "${sub}" is unknown, try "bridge fdb help".`, 255);
  let mac: string | undefined;
  let devName: string | undefined;
  let self = false;
  let master = false;
  let dst: string | undefined;
  let port: number | undefined;
  let vni: number | undefined;
  while (!a.done) {
    const w = a.next()!;
    if (w === 'dev') devName = a.value();
    else if (w === 'self') self = true;
    else if (w === 'master') master = true;
    else if (w === 'dst') dst = a.value();
    else if (w === 'static' || w === 'permanent' || w === 'local' || w === 'dynamic') continue;
    else if (w === 'port') port = Number(a.value());
    else if (w === 'vni') vni = Number(a.value());
    else if (w === 'vlan' || w === 'via' || w === 'src_vni') a.value();
    else if (mac === undefined) mac = parseMacArg(w);
    else throw new CommandError(`Error: either "dev" is duplicate, or "${w}" is a garbage.`, 1);
  }
  if (!devName || !mac) throw new CommandError('Device and address are required arguments.', 255);
  const dev = findDev(ctx.ns, devName);
  if (dev instanceof Vxlan && !master) return vxlanFdb(ctx, dev, verb, mac, dst, port, vni);
  if (dst !== undefined || (!master && self) || (!master && !(dev.master instanceof Bridge))) {
    // `self` entries belong to the device's own FDB: only VXLAN devices keep remote destinations there.
    throw new CommandError('RTNETLINK answers: Operation not supported', 2);
  }
  const br = dev.master;
  if (!(br instanceof Bridge)) throw new CommandError('RTNETLINK answers: Operation not supported', 2);
  const existing = br.fdb.lookup(mac, ctx.world.sched.now);
  if (verb === 'del' || verb === 'delete') {
    if (!existing || existing.port !== dev || existing.local)
      throw new CommandError('RTNETLINK answers: No such file or directory', 2);
    br.fdb.delete(mac);
  } else {
    if (verb === 'add' && existing?.isStatic) throw new CommandError('RTNETLINK answers: File exists', 2);
    if (existing?.local) throw new CommandError('RTNETLINK answers: File exists', 2);
    br.fdb.set({
      mac,
      port: dev,
      local: false,
      isStatic: true,
      updated: ctx.world.sched.now,
      origin: ctx.origin,
    });
  }
  ctx.ns.changed('fdb');
  return '';
}

function link(ctx: CommandContext, a: Args): string {
  const sub = a.next();
  if (sub !== undefined && matches(sub, 'set')) {
    let devName: string | undefined;
    let hairpin: boolean | undefined;
    while (!a.done) {
      const w = a.next()!;
      if (w === 'dev') devName = a.value();
      else if (w === 'hairpin') {
        const v = a.value();
        if (v !== 'on' && v !== 'off')
          throw new CommandError(`Error: argument "${v}" is wrong: hairpin must be "on" or "off"`, 1);
        hairpin = v === 'on';
      } else if (
        [
          'cost',
          'priority',
          'state',
          'guard',
          'fastleave',
          'root_block',
          'learning',
          'flood',
          'isolated',
        ].includes(w)
      )
        a.value();
      else if (devName === undefined) devName = w;
    }
    if (!devName) throw new CommandError('Device is a required argument.', 255);
    const dev = findDev(ctx.ns, devName);
    const br = dev.master;
    if (!(br instanceof Bridge)) throw new CommandError('RTNETLINK answers: Operation not supported', 2);
    if (hairpin !== undefined) {
      if (hairpin) br.hairpin.add(dev);
      else br.hairpin.delete(dev);
      ctx.ns.changed('links');
    }
    return '';
  }
  if (sub !== undefined && !matches(sub, 'show') && !matches(sub, 'list')) {
    throw new CommandError(`Command "${sub}" is unknown, try "bridge link help".`, 255);
  }
  return ctx.ns
    .devicesInOrder()
    .filter((d) => d.master instanceof Bridge)
    .map((d) => {
      const state = d.operUp() ? 'forwarding' : 'disabled';
      const peer = d.kind === 'veth' ? `@if${d.iflink()}` : '';
      const hp = (d.master as Bridge).hairpin.has(d) ? ' hairpin on' : '';
      return `${d.ifindex}: ${d.name}${peer}: <${d.linkFlags().join(',')}> mtu ${d.mtu} master ${d.master!.name} state ${state} priority 32 cost 2${hp}`;
    })
    .join('\n');
}

/** The VXLAN device's own FDB (`self`): which VTEP a MAC lives behind. `append` adds another destination. */
function vxlanFdb(
  ctx: CommandContext,
  dev: Vxlan,
  verb: string,
  mac: string,
  dstText: string | undefined,
  port: number | undefined,
  vni: number | undefined,
): string {
  const dst =
    dstText === undefined ? undefined : dstText.includes(':') ? parseIp6(dstText) : parseIp(dstText);
  if (dstText !== undefined && dst === null) throw new CommandError(`Invalid address "${dstText}"`, 255);
  // vxlan_fdb_parse: a destination of the other family than the device's socket (measured).
  if (dst !== undefined && dst !== null && (typeof dst === 'bigint') !== dev.ipv6)
    throw new CommandError('RTNETLINK answers: Address family not supported by protocol', 255);
  const same = (e: VxlanFdbEntry): boolean =>
    e.mac === mac && (dst === undefined || dst === null || e.dst === dst);
  if (verb === 'del' || verb === 'delete') {
    const i = dev.fdb.findIndex(same);
    if (i < 0) throw new CommandError('RTNETLINK answers: No such file or directory', 2);
    dev.fdb.splice(i, 1);
  } else {
    if (dst === undefined || dst === null) throw new CommandError('RTNETLINK answers: Invalid argument', 2);
    const existing = dev.fdb.filter((e) => e.mac === mac);
    if (verb === 'add' && existing.length > 0) throw new CommandError('RTNETLINK answers: File exists', 2);
    if (verb === 'append' && existing.some((e) => e.dst === dst))
      throw new CommandError('RTNETLINK answers: File exists', 2);
    if (verb === 'replace') for (const e of existing) dev.fdb.splice(dev.fdb.indexOf(e), 1);
    const entry: VxlanFdbEntry = {
      mac,
      dst,
      state: 'permanent',
      updated: ctx.world.sched.now,
      origin: ctx.origin,
    };
    if (port !== undefined) entry.port = port;
    if (vni !== undefined) entry.vni = vni;
    dev.fdb.push(entry);
  }
  ctx.ns.changed('fdb');
  return '';
}
