/** The `ip` tool: global options, then the object (link, addr, route, rule, neigh, netns). */
import { CommandError } from '../kernel/errors';
import type { CommandContext, CommandResult } from './types';
import { ipAddr } from './ip-addr';
import { ipLink, type IpFlags } from './ip-link';
import { ipNeigh } from './ip-neigh';
import { ipNetns, switchNetns } from './ip-netns';
import { ipRoute } from './ip-route';
import { ipRule } from './ip-rule';
import { ipTunnel, ipTuntap } from './tunnels';
import { Args, matches } from './words';
import { addr6Add, addr6Del, addr6Show, ip6Route, looksIpv6 } from './ip6';

/** `ip addr add|del` of an IPv6 address: iproute2 takes the family from the address. */
function isV6Change(a: Args): boolean {
  const sub = a.peek();
  return (matches(sub, 'add') || matches(sub, 'delete')) && a.argv.some((w) => looksIpv6(w));
}

function ipAddr6(c: CommandContext, a: Args, flags: IpFlags): string {
  const sub = a.next();
  if (sub === undefined || matches(sub, 'show') || matches(sub, 'list')) return addr6Show(c, a, flags.brief);
  if (matches(sub, 'add') || sub === 'replace') return addr6Add(c, a);
  if (matches(sub, 'delete')) return addr6Del(c, a);
  throw new CommandError(`Command "${sub}" is unknown, try "ip addr help".`, 255);
}

/**
 * `ip -batch -`: one ip command a line on stdin (what kube-proxy's netlink calls amount to),
 * run in order with the global options given before -batch; iproute2's do_batch stops at the
 * first failure (unless -force) and names its line, "Command failed -:N".
 */
function ipBatch(
  ctx: CommandContext,
  file: string,
  force: boolean,
  global: string[],
  exec: (ctx: CommandContext, argv: string[]) => CommandResult,
): CommandResult {
  if (file !== '-' || ctx.stdin === undefined)
    throw new CommandError(`Cannot open file "${file}" for batch.`, 1);
  const inner: CommandContext = { world: ctx.world, machine: ctx.machine, ns: ctx.ns, origin: ctx.origin };
  const out: string[] = [];
  const lines = ctx.stdin.split('\n');
  let failed = false;
  for (let k = 0; k < lines.length; k++) {
    const words = lines[k]!.trim()
      .split(/\s+/)
      .filter((w) => w !== '');
    if (words.length === 0 || words[0]!.startsWith('#')) continue;
    try {
      const r = ip(inner, ['ip', ...global, ...words], exec);
      if (r.output) out.push(r.output);
    } catch (e) {
      if (!(e instanceof CommandError)) throw e;
      if (!force) throw new CommandError(`${e.message}\nCommand failed -:${k + 1}`, 1);
      out.push(`${e.message}\nCommand failed -:${k + 1}`);
      failed = true;
    }
  }
  if (failed) throw new CommandError(out.join('\n'), 1);
  return { output: out.join('\n') };
}

export function ip(
  ctx: CommandContext,
  argv: string[],
  exec: (ctx: CommandContext, argv: string[]) => CommandResult,
): CommandResult {
  const a = new Args(argv.slice(1));
  const flags: IpFlags = { brief: false, details: false };
  let family: 4 | 6 | undefined;
  let c = ctx;
  let batch: string | undefined;
  let force = false;
  const global: string[] = [];
  while (!a.done && a.peek()!.startsWith('-')) {
    const o = a.next()!;
    if (o === '-b' || o === '-batch') {
      batch = a.value();
      continue;
    }
    if (o === '-force') {
      force = true;
      continue;
    }
    if (o !== '-n' && o !== '-netns') global.push(o);
    if (o === '-n' || o === '-netns') {
      const ns = switchNetns(ctx, a.value());
      c = { ...c, ns };
    } else if (o === '-br' || o === '-brief') flags.brief = true;
    else if (o === '-d' || o === '-details') flags.details = true;
    else if (o === '-6' || o === '-family=inet6') family = 6;
    else if (o === '-4') family = 4;
    else if (o === '-s' || o === '-c' || o === '-color' || o === '-o' || o === '-oneline') continue;
    else if (o === '-j' || o === '-json')
      throw new CommandError('ip: JSON output is not supported here; use the plain listing.', 1);
    else throw new CommandError(`Option "${o}" is unknown, try "ip -help".`, 255);
  }
  if (batch !== undefined) return ipBatch(c, batch, force, global, exec);
  const obj = a.next();
  if (obj === undefined) throw new CommandError('Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }', 255);
  if (matches(obj, 'address')) {
    if (family === 6 || (family === undefined && isV6Change(a))) return { output: ipAddr6(c, a, flags) };
    return { output: ipAddr(c, a, flags) };
  }
  // iproute2 takes the family from the first IPv6 address when no -4/-6 was given.
  const v6 = family === 6 || (family === undefined && a.argv.some((w) => looksIpv6(w)));
  if (matches(obj, 'route')) return { output: v6 ? ip6Route(c, a) : ipRoute(c, a) };
  if (matches(obj, 'rule')) return { output: ipRule(c, a, v6 ? 6 : 4) };
  if (matches(obj, 'link')) return { output: ipLink(c, a, flags) };
  if (matches(obj, 'neighbour') || matches(obj, 'neighbor'))
    return { output: v6 ? ipNeigh(c, a, 6) : ipNeigh(c, a) };
  if (obj === 'netns') return ipNetns(c, a, exec);
  if (obj === 'tuntap') return ipTuntap(c, a);
  if (matches(obj, 'tunnel')) return ipTunnel(c, a);
  throw new CommandError(`Object "${obj}" is unknown, try "ip help".`, 255);
}
