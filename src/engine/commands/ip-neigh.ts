/**
 * `ip neigh` and `ip -6 neigh`: add, replace, change, del, flush, show. One command over both
 * neighbour tables, as ipneigh.c is one code whose family picks the kernel's table (arp_tbl or
 * nd_tbl). Entries added by hand default to PERMANENT (flanneld's AddV6ARP is
 * `ip -6 neigh replace ADDR lladdr MAC dev flannel-v6.1 nud permanent`).
 */
import { inPrefix, parseIp } from '../net/ipv4';
import { inPrefix6, parseCidr6, parseIp6 } from '../net/ipv6';
import { CommandError } from '../kernel/errors';
import type { Device } from '../kernel/device';
import { NeighTable, type NeighEntry, type NudState } from '../kernel/neigh';
import { Neigh6Table, type Neigh6Entry } from '../kernel/neigh6';
import type { Netns } from '../kernel/netns';
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

type Addr = number | bigint;
type Entry = NeighEntry | Neigh6Entry;
interface Prefix {
  addr: Addr;
  len: number;
}

/** What the command needs of either table (method parameters: each table takes its own address). */
interface FamilyTable {
  get(dev: Device, ip: Addr): Entry | undefined;
  set(e: Entry): void;
  delete(dev: Device, ip: Addr): boolean;
  sorted(): Entry[];
}

/** What differs between the families: the address, the table, and what an entry records. */
interface NeighFamily {
  /** iproute2's name of the family in "inet address is expected". */
  name: 'inet' | 'inet6';
  parse(v: string): Addr | null;
  prefix(v: string): Prefix;
  inPrefix(ip: Addr, p: Prefix): boolean;
  table(ns: Netns): FamilyTable;
  format(e: Entry, withDev: boolean): string;
  /** nd_tbl keeps NTF_ROUTER (`router`); arp_tbl has no use for it. */
  router: boolean;
}

const INET: NeighFamily = {
  name: 'inet',
  parse: parseIp,
  prefix: (v) => parsePrefixArg(v),
  inPrefix: (ip, p) => inPrefix(ip as number, p.addr as number, p.len),
  table: (ns) => ns.neigh,
  format: (e, withDev) => NeighTable.format(e as NeighEntry, withDev),
  router: false,
};

const INET6: NeighFamily = {
  name: 'inet6',
  parse: parseIp6,
  prefix: (v) => {
    const p = parseCidr6(v);
    // get_prefix with the family given (-6) names it, where plain `ip neigh` says "any valid".
    if (!p) throw new CommandError(`Error: inet6 prefix is expected rather than "${v}".`, 1);
    return p;
  },
  inPrefix: (ip, p) => inPrefix6(ip as bigint, p.addr as bigint, p.len),
  table: (ns) => ns.neigh6,
  format: (e, withDev) => {
    const row = Neigh6Table.format(e as Neigh6Entry);
    return withDev ? row : row.replace(` dev ${e.dev.name}`, '');
  },
  router: true,
};

export function ipNeigh(ctx: CommandContext, a: Args, family: 4 | 6 = 4): string {
  const f = family === 6 ? INET6 : INET;
  const sub = a.next();
  if (sub === undefined || matches(sub, 'show') || matches(sub, 'list')) return neighShow(ctx, a, f);
  if (matches(sub, 'add') || matches(sub, 'replace') || matches(sub, 'change'))
    return neighAdd(ctx, a, f, sub);
  if (matches(sub, 'delete')) return neighDel(ctx, a, f);
  if (matches(sub, 'flush')) return neighFlush(ctx, a, f);
  throw new CommandError(`Command "${sub}" is unknown, try "ip neigh help".`, 255);
}

interface NeighSpec {
  ip?: Addr;
  mac?: string;
  dev?: string;
  nud?: NudState;
  proxy: boolean;
  router: boolean;
  /** show and flush select by prefix (get_prefix): "all", "any" and "default" select every entry. */
  pfx?: Prefix;
}

function parseSpec(a: Args, f: NeighFamily, byPrefix = false): NeighSpec {
  const s: NeighSpec = { proxy: false, router: false };
  const dst = (v: string): void => {
    if (!byPrefix) s.ip = parseAddr(f, v);
    else if (v === 'all' || v === 'any' || v === 'default')
      s.pfx = { addr: f.name === 'inet' ? 0 : 0n, len: 0 };
    else s.pfx = f.prefix(v);
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
      s.ip = parseAddr(f, a.value());
    } else if (w === 'to') dst(a.value());
    else if (w === 'router') s.router = true;
    else if (w === 'extern_learn') continue;
    else if (s.ip === undefined && s.pfx === undefined) dst(w);
    else throw new CommandError(`Error: either "to" is duplicate, or "${w}" is a garbage.`, 1);
  }
  return s;
}

function parseAddr(f: NeighFamily, v: string): Addr {
  const ip = f.parse(v);
  if (ip === null) throw new CommandError(`Error: ${f.name} address is expected rather than "${v}".`, 1);
  return ip;
}

/** The entry `add`/`replace`/`change` writes: a proxy entry (pneigh) or a neighbour with its state. */
function handEntry(ctx: CommandContext, f: NeighFamily, s: NeighSpec, dev: Device): Entry {
  const base = { ip: s.ip!, dev, queue: [], probes: 0, updated: ctx.world.sched.now, origin: ctx.origin };
  if (s.proxy) return { ...base, ip: s.ip as number, state: 'PERMANENT', proxy: true };
  const state = s.nud ?? 'PERMANENT';
  if (!s.mac && state !== 'NOARP' && state !== 'INCOMPLETE' && state !== 'FAILED')
    throw new CommandError('RTNETLINK answers: Invalid argument', 2);
  const mac = s.mac ? { mac: s.mac } : {};
  if (f.router) return { ...base, ip: s.ip as bigint, ...mac, state, router: s.router };
  return { ...base, ip: s.ip as number, ...mac, state };
}

function neighAdd(ctx: CommandContext, a: Args, f: NeighFamily, verb: string): string {
  const s = parseSpec(a, f);
  if (!s.dev || s.ip === undefined)
    throw new CommandError('Device and destination are required arguments.', 255);
  if (s.proxy && f.name === 'inet6')
    throw new CommandError('ip -6 neigh add proxy: IPv6 proxy entries are not modelled', 2);
  const dev = findDev(ctx.ns, s.dev);
  const table = f.table(ctx.ns);
  const existing = table.get(dev, s.ip);
  if (matches(verb, 'add') && existing) throw new CommandError('RTNETLINK answers: File exists', 2);
  if (matches(verb, 'change') && !existing)
    throw new CommandError('RTNETLINK answers: No such file or directory', 2);
  const e = handEntry(ctx, f, s, dev);
  if (!s.proxy) existing?.timer?.cancel();
  table.set(e);
  ctx.ns.changed('neigh');
  // Packets that waited for resolution go out now that the address is known.
  if (!s.proxy && s.mac) for (const q of existing?.queue ?? []) q.done(s.mac);
  return '';
}

function neighDel(ctx: CommandContext, a: Args, f: NeighFamily): string {
  const s = parseSpec(a, f);
  if (!s.dev || s.ip === undefined)
    throw new CommandError('Device and destination are required arguments.', 255);
  const dev = findDev(ctx.ns, s.dev);
  if (!f.table(ctx.ns).delete(dev, s.ip))
    throw new CommandError('RTNETLINK answers: No such file or directory', 2);
  ctx.ns.changed('neigh');
  return '';
}

/** ipneigh.c's flush: what the selectors match, PERMANENT and NOARP entries kept by default. */
function neighFlush(ctx: CommandContext, a: Args, f: NeighFamily): string {
  if (a.done) throw new CommandError('Flush requires arguments.', 1);
  const s = parseSpec(a, f, true);
  const dev = s.dev ? findDev(ctx.ns, s.dev) : undefined;
  const table = f.table(ctx.ns);
  for (const e of table.sorted()) {
    if ((dev && e.dev !== dev) || e.state === 'PERMANENT' || e.state === 'NOARP') continue;
    if (s.pfx && !f.inPrefix(e.ip, s.pfx)) continue;
    table.delete(e.dev, e.ip);
  }
  ctx.ns.changed('neigh');
  return '';
}

/** `ip neigh show [SELECTORS]`: with a device named, the rows leave out "dev DEV" (print_neigh). */
function neighShow(ctx: CommandContext, a: Args, f: NeighFamily): string {
  const s = parseSpec(a, f, true);
  const dev = s.dev ? findDev(ctx.ns, s.dev) : undefined;
  return f
    .table(ctx.ns)
    .sorted()
    .filter(
      (e) =>
        (!dev || e.dev === dev) &&
        (s.ip === undefined || e.ip === s.ip) &&
        (!s.pfx || f.inPrefix(e.ip, s.pfx)) &&
        (s.proxy ? 'proxy' in e && e.proxy : !('proxy' in e && e.proxy)),
    )
    .map((e) => f.format(e, !dev))
    .join('\n');
}
