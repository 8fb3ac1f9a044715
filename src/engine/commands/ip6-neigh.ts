/**
 * `ip -6 neigh add|replace|change|del|show`: entries written by hand in nd_tbl (flanneld's
 * AddV6ARP is `ip -6 neigh replace ADDR lladdr MAC dev flannel-v6.1 nud permanent`). As for IPv4,
 * an entry added by hand is PERMANENT unless `nud` says otherwise.
 */
import { parseIp6 } from '../net/ipv6';
import { CommandError } from '../kernel/errors';
import type { NudState } from '../kernel/neigh';
import type { CommandContext } from './types';
import { findDev, parseMacArg } from './device-ops';
import { neigh6Show } from './ip6';
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

interface Neigh6Spec {
  ip?: bigint;
  mac?: string;
  dev?: string;
  nud?: NudState;
  router: boolean;
}

export function ip6Neigh(ctx: CommandContext, a: Args): string {
  const sub = a.peek();
  if (sub === undefined || matches(sub, 'show') || matches(sub, 'list')) {
    if (sub !== undefined) a.next();
    return neigh6Show(ctx, a);
  }
  a.next();
  if (matches(sub, 'add') || matches(sub, 'replace') || matches(sub, 'change')) return neigh6Add(ctx, a, sub);
  if (matches(sub, 'delete')) return neigh6Del(ctx, a);
  throw new CommandError(`Command "${sub}" is unknown, try "ip neigh help".`, 255);
}

function parseSpec(a: Args): Neigh6Spec {
  const s: Neigh6Spec = { router: false };
  while (!a.done) {
    const w = a.next()!;
    if (w === 'lladdr') s.mac = parseMacArg(a.value());
    else if (w === 'dev') s.dev = a.value();
    else if (w === 'nud') {
      const v = a.value();
      const n = NUD[v];
      if (!n) throw new CommandError(`Error: argument "${v}" is wrong: nud state is bad`, 1);
      s.nud = n;
    } else if (w === 'router') s.router = true;
    else if (w === 'to') s.ip = addr(a.value());
    else if (s.ip === undefined) s.ip = addr(w);
    else throw new CommandError(`Error: either "to" is duplicate, or "${w}" is a garbage.`, 1);
  }
  return s;
}

function addr(v: string): bigint {
  const ip = parseIp6(v);
  if (ip === null) throw new CommandError(`Error: inet6 address is expected rather than "${v}".`, 1);
  return ip;
}

function neigh6Add(ctx: CommandContext, a: Args, verb: string): string {
  const s = parseSpec(a);
  if (!s.dev || s.ip === undefined)
    throw new CommandError('Device and destination are required arguments.', 255);
  const dev = findDev(ctx.ns, s.dev);
  const existing = ctx.ns.neigh6.get(dev, s.ip);
  if (matches(verb, 'add') && existing) throw new CommandError('RTNETLINK answers: File exists', 2);
  if (matches(verb, 'change') && !existing)
    throw new CommandError('RTNETLINK answers: No such file or directory', 2);
  const state = s.nud ?? 'PERMANENT';
  if (!s.mac && state !== 'NOARP' && state !== 'INCOMPLETE' && state !== 'FAILED')
    throw new CommandError('RTNETLINK answers: Invalid argument', 2);
  existing?.timer?.cancel();
  const queued = existing?.queue ?? [];
  ctx.ns.neigh6.set({
    ip: s.ip,
    dev,
    ...(s.mac ? { mac: s.mac } : {}),
    state,
    router: s.router,
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

function neigh6Del(ctx: CommandContext, a: Args): string {
  const s = parseSpec(a);
  if (!s.dev || s.ip === undefined)
    throw new CommandError('Device and destination are required arguments.', 255);
  const dev = findDev(ctx.ns, s.dev);
  if (!ctx.ns.neigh6.delete(dev, s.ip))
    throw new CommandError('RTNETLINK answers: No such file or directory', 2);
  ctx.ns.changed('neigh');
  return '';
}
