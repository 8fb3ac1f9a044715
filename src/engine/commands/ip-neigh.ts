/** `ip neigh`: add, replace, change, del, flush, show. Entries added by hand default to PERMANENT. */
import { inPrefix, parseIp } from '../net/ipv4';
import { CommandError } from '../kernel/errors';
import { NeighTable, type NudState } from '../kernel/neigh';
import type { CommandContext } from './types';
import { findDev, parseMacArg } from './device-ops';
import { parsePrefixArg } from './ip-addr';
import { Args, matches } from './words';

const NUD: Record<string, NudState> = {
  permanent: 'PERMANENT',
  reachable: 'REACHABLE',
  stale: 'STALE',
  noarp: 'NOARP',
  delay: 'DELAY',
  probe: 'PROBE',
  failed: 'FAILED',
  incomplete: 'INCOMPLETE',
};

export function ipNeigh(ctx: CommandContext, a: Args): string {
  const sub = a.next();
  if (sub === undefined || matches(sub, 'show') || matches(sub, 'list')) return neighShow(ctx, a);
  if (matches(sub, 'add') || matches(sub, 'replace') || matches(sub, 'change')) return neighAdd(ctx, a, sub);
  if (matches(sub, 'delete')) return neighDel(ctx, a);
  if (matches(sub, 'flush')) return neighFlush(ctx, a);
  throw new CommandError(`Command "${sub}" is unknown, try "ip neigh help".`, 255);
}

interface NeighSpec {
  ip?: number;
  mac?: string;
  dev?: string;
  nud?: NudState;
  proxy: boolean;
  /** show and flush select by prefix (get_prefix): "all", "any" and "default" select every entry. */
  pfx?: { addr: number; len: number };
}

function parseSpec(a: Args, byPrefix = false): NeighSpec {
  const s: NeighSpec = { proxy: false };
  const dst = (v: string): void => {
    if (!byPrefix) s.ip = parseAddr(v);
    else if (v === 'all' || v === 'any' || v === 'default') s.pfx = { addr: 0, len: 0 };
    else s.pfx = parsePrefixArg(v);
  };
  while (!a.done) {
    const w = a.next()!;
    if (w === 'lladdr') s.mac = parseMacArg(a.value());
    else if (w === 'dev') s.dev = a.value();
    else if (w === 'nud') {
      const v = a.value();
      const n = NUD[v];
      if (!n) throw new CommandError(`Error: argument "${v}" is wrong: nud state is bad`, 1);
      s.nud = n;
    } else if (w === 'proxy') {
      s.proxy = true;
      const v = a.value();
      s.ip = parseAddr(v);
    } else if (w === 'to') dst(a.value());
    else if (w === 'router' || w === 'extern_learn') continue;
    else if (s.ip === undefined && s.pfx === undefined) dst(w);
    else throw new CommandError(`Error: either "to" is duplicate, or "${w}" is a garbage.`, 1);
  }
  return s;
}

function parseAddr(v: string): number {
  const ip = parseIp(v);
  if (ip === null) throw new CommandError(`Error: inet address is expected rather than "${v}".`, 1);
  return ip;
}

function neighAdd(ctx: CommandContext, a: Args, verb: string): string {
  const s = parseSpec(a);
  if (!s.dev) throw new CommandError('Device and destination are required arguments.', 255);
  if (s.ip === undefined) throw new CommandError('Device and destination are required arguments.', 255);
  const dev = findDev(ctx.ns, s.dev);
  const existing = ctx.ns.neigh.get(dev, s.ip);
  if (matches(verb, 'add') && existing) throw new CommandError('RTNETLINK answers: File exists', 2);
  if (matches(verb, 'change') && !existing)
    throw new CommandError('RTNETLINK answers: No such file or directory', 2);
  if (s.proxy) {
    ctx.ns.neigh.set({
      ip: s.ip,
      dev,
      state: 'PERMANENT',
      queue: [],
      probes: 0,
      updated: ctx.world.sched.now,
      origin: ctx.origin,
      proxy: true,
    });
    ctx.ns.changed('neigh');
    return '';
  }
  const state = s.nud ?? 'PERMANENT';
  if (!s.mac && state !== 'NOARP' && state !== 'INCOMPLETE' && state !== 'FAILED') {
    throw new CommandError('RTNETLINK answers: Invalid argument', 2);
  }
  existing?.timer?.cancel();
  const queued = existing?.queue ?? [];
  ctx.ns.neigh.set({
    ip: s.ip,
    dev,
    mac: s.mac,
    state,
    queue: [],
    probes: 0,
    updated: ctx.world.sched.now,
    origin: ctx.origin,
  });
  ctx.ns.changed('neigh');
  // Packets that waited for resolution go out now that the address is known.
  if (s.mac) for (const q of queued) q.done(s.mac);
  return '';
}

function neighDel(ctx: CommandContext, a: Args): string {
  const s = parseSpec(a);
  if (!s.dev || s.ip === undefined)
    throw new CommandError('Device and destination are required arguments.', 255);
  const dev = findDev(ctx.ns, s.dev);
  if (!ctx.ns.neigh.get(dev, s.ip)) throw new CommandError('RTNETLINK answers: No such file or directory', 2);
  ctx.ns.neigh.delete(dev, s.ip);
  ctx.ns.changed('neigh');
  return '';
}

/** ipneigh.c's flush: what the selectors match, PERMANENT and NOARP entries kept by default. */
function neighFlush(ctx: CommandContext, a: Args): string {
  if (a.done) throw new CommandError('Flush requires arguments.', 1);
  const s = parseSpec(a, true);
  const dev = s.dev ? findDev(ctx.ns, s.dev) : undefined;
  for (const e of ctx.ns.neigh.list()) {
    if ((dev && e.dev !== dev) || e.state === 'PERMANENT' || e.state === 'NOARP') continue;
    if (s.pfx && !inPrefix(e.ip, s.pfx.addr, s.pfx.len)) continue;
    ctx.ns.neigh.delete(e.dev, e.ip);
  }
  ctx.ns.changed('neigh');
  return '';
}

function neighShow(ctx: CommandContext, a: Args): string {
  const s = parseSpec(a, true);
  const dev = s.dev ? findDev(ctx.ns, s.dev) : undefined;
  return ctx.ns.neigh
    .sorted()
    .filter(
      (e) =>
        (!dev || e.dev === dev) &&
        (s.ip === undefined || e.ip === s.ip) &&
        (!s.pfx || inPrefix(e.ip, s.pfx.addr, s.pfx.len)) &&
        (s.proxy ? e.proxy : !e.proxy),
    )
    .map((e) => NeighTable.format(e, !dev))
    .join('\n');
}
