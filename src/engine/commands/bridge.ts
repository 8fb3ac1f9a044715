/** The `bridge` tool: fdb add/append/replace/del/show and link show. */
import { CommandError } from '../kernel/errors';
import { Bridge } from '../kernel/devices/bridge';
import { fdbRows } from '../kernel/show';
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
    return fdbRows(ctx.ns)
      .rows.filter((r) => (!br || r.includes(` master ${br}`)) && (!dev || r.includes(` dev ${dev} `)))
      .join('\n');
  }
  const verb = ['add', 'append', 'replace', 'del', 'delete'].find((v) => v === sub);
  if (!verb) throw new CommandError(`Command "${sub}" is unknown, try "bridge fdb help".`, 255);
  let mac: string | undefined;
  let devName: string | undefined;
  let self = false;
  let master = false;
  let dst: string | undefined;
  while (!a.done) {
    const w = a.next()!;
    if (w === 'dev') devName = a.value();
    else if (w === 'self') self = true;
    else if (w === 'master') master = true;
    else if (w === 'dst') dst = a.value();
    else if (w === 'static' || w === 'permanent' || w === 'local' || w === 'dynamic') continue;
    else if (w === 'vlan' || w === 'vni' || w === 'port' || w === 'via' || w === 'src_vni') a.value();
    else if (mac === undefined) mac = parseMacArg(w);
    else throw new CommandError(`Error: either "dev" is duplicate, or "${w}" is a garbage.`, 1);
  }
  if (!devName || !mac) throw new CommandError('Device and address are required arguments.', 255);
  const dev = findDev(ctx.ns, devName);
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
  if (sub !== undefined && !matches(sub, 'show') && !matches(sub, 'list')) {
    throw new CommandError(`Command "${sub}" is unknown, try "bridge link help".`, 255);
  }
  return ctx.ns
    .devicesInOrder()
    .filter((d) => d.master instanceof Bridge)
    .map((d) => {
      const state = d.operUp() ? 'forwarding' : 'disabled';
      const peer = d.kind === 'veth' ? `@if${d.iflink()}` : '';
      return `${d.ifindex}: ${d.name}${peer}: <${d.linkFlags().join(',')}> mtu ${d.mtu} master ${d.master!.name} state ${state} priority 32 cost 2 `.trimEnd();
    })
    .join('\n');
}
