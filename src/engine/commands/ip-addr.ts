/** `ip addr`: add, del, flush, show. */
import { broadcastOf, parseCidr, parseIp } from '../net/ipv4';
import type { Scope } from '../kernel/routes';
import { CommandError } from '../kernel/errors';
import { findAddr } from '../kernel/addr-index';
import type { CommandContext } from './types';
import { findDev } from './device-ops';
import type { IpFlags } from './ip-link';
import { printAddr } from './print';
import { Args, matches } from './words';

export function parsePrefixArg(v: string, defLen = 32): { addr: number; len: number } {
  const withLen = v.includes('/')
    ? parseCidr(v)
    : (() => {
        const ip = parseIp(v);
        return ip === null ? null : { addr: ip, len: defLen };
      })();
  if (!withLen) throw new CommandError(`Error: any valid prefix is expected rather than "${v}".`, 1);
  return withLen;
}

export function parseScope(v: string): Scope {
  if (v === 'global' || v === 'universe') return 'global';
  if (v === 'link') return 'link';
  if (v === 'host') return 'host';
  throw new CommandError(`Error: argument "${v}" is wrong: invalid scope value.`, 1);
}

export function ipAddr(ctx: CommandContext, a: Args, flags: IpFlags): string {
  const sub = a.next();
  if (sub === undefined || matches(sub, 'show') || matches(sub, 'list')) return addrShow(ctx, a, flags);
  if (matches(sub, 'add') || sub === 'replace') return addrAdd(ctx, a, sub === 'replace');
  if (matches(sub, 'delete')) return addrDel(ctx, a);
  if (matches(sub, 'flush')) return addrFlush(ctx, a);
  throw new CommandError(`Command "${sub}" is unknown, try "ip addr help".`, 255);
}

function addrShow(ctx: CommandContext, a: Args, flags: IpFlags): string {
  let only: string | undefined;
  while (!a.done) {
    const w = a.next()!;
    if (w === 'dev') only = a.value();
    else if (w === 'up' || w === 'scope' || w === 'label') {
      if (w !== 'up') a.value();
    } else only = w;
  }
  const devs = only ? [findDev(ctx.ns, only)] : ctx.ns.devicesInOrder();
  return devs.flatMap((d) => printAddr(d, flags.brief)).join('\n');
}

function addrAdd(ctx: CommandContext, a: Args, replace: boolean): string {
  let prefix: { addr: number; len: number } | undefined;
  let devName: string | undefined;
  let brd: string | undefined;
  let scope: Scope = 'global';
  let noprefix = false;
  while (!a.done) {
    const w = a.next()!;
    if (w === 'dev') devName = a.value();
    else if (w === 'local') prefix = parsePrefixArg(a.value());
    else if (matches(w, 'broadcast') || w === 'brd') brd = a.value();
    else if (w === 'scope') scope = parseScope(a.value());
    else if (w === 'label' || w === 'valid_lft' || w === 'preferred_lft') a.value();
    else if (w === 'noprefixroute') noprefix = true;
    else if (prefix === undefined) prefix = parsePrefixArg(w);
    else throw new CommandError(`Error: either "local" is duplicate, or "${w}" is a garbage.`, 1);
  }
  if (!devName) throw new CommandError('Not enough information: "dev" argument is required.', 1);
  if (!prefix) throw new CommandError('Not enough information: "local" argument is required.', 1);
  const dev = findDev(ctx.ns, devName);
  const existing = findAddr(dev, prefix.addr, prefix.len);
  if (existing) {
    if (replace) return '';
    throw new CommandError('Error: ipv4: Address already assigned.', 2);
  }
  let broadcast: number | undefined;
  if (brd === '+' || brd === undefined)
    broadcast = prefix.len < 31 ? broadcastOf(prefix.addr, prefix.len) : undefined;
  else if (brd !== '-') {
    const b = parseIp(brd);
    if (b === null) throw new CommandError(`Error: inet address is expected rather than "${brd}".`, 1);
    broadcast = b;
  }
  if (dev.kind === 'loopback' && prefix.addr >>> 24 === 127) scope = 'host';
  ctx.ns.addAddr(dev, {
    addr: prefix.addr,
    len: prefix.len,
    broadcast,
    scope,
    secondary: false,
    origin: ctx.origin,
  });
  if (noprefix)
    ctx.ns.routes.remove((r) => r.proto === 'kernel' && r.type === 'unicast' && r.src === prefix!.addr);
  return '';
}

function addrDel(ctx: CommandContext, a: Args): string {
  let prefix: { addr: number; len: number } | undefined;
  let devName: string | undefined;
  while (!a.done) {
    const w = a.next()!;
    if (w === 'dev') devName = a.value();
    else if (w === 'local') prefix = parsePrefixArg(a.value());
    else if (prefix === undefined) prefix = parsePrefixArg(w);
  }
  if (!devName) throw new CommandError('Not enough information: "dev" argument is required.', 1);
  if (!prefix) throw new CommandError('Not enough information: "local" argument is required.', 1);
  const dev = findDev(ctx.ns, devName);
  const hit = dev.addrs.find(
    (x) => x.addr === prefix!.addr && (x.len === prefix!.len || !a.argv.some((w) => w.includes('/'))),
  );
  if (!hit) throw new CommandError('Error: ipv4: Address not found.', 2);
  ctx.ns.delAddr(dev, hit);
  return '';
}

function addrFlush(ctx: CommandContext, a: Args): string {
  let devName = a.next();
  if (devName === 'dev') devName = a.next();
  if (!devName) throw new CommandError('Flush requires arguments.', 1);
  const dev = findDev(ctx.ns, devName);
  for (const x of dev.addrs.slice())
    if (x.origin !== 'kernel' || dev.kind !== 'loopback') ctx.ns.delAddr(dev, x);
  return '';
}
