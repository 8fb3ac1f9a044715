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

export function ip(
  ctx: CommandContext,
  argv: string[],
  exec: (ctx: CommandContext, argv: string[]) => CommandResult,
): CommandResult {
  const a = new Args(argv.slice(1));
  const flags: IpFlags = { brief: false, details: false };
  let c = ctx;
  while (!a.done && a.peek()!.startsWith('-')) {
    const o = a.next()!;
    if (o === '-n' || o === '-netns') {
      const ns = switchNetns(ctx, a.value());
      c = { ...c, ns };
    } else if (o === '-br' || o === '-brief') flags.brief = true;
    else if (o === '-d' || o === '-details') flags.details = true;
    else if (o === '-4' || o === '-s' || o === '-c' || o === '-color' || o === '-o' || o === '-oneline')
      continue;
    else if (o === '-j' || o === '-json')
      throw new CommandError('ip: JSON output is not supported here; use the plain listing.', 1);
    else throw new CommandError(`Option "${o}" is unknown, try "ip -help".`, 255);
  }
  const obj = a.next();
  if (obj === undefined) throw new CommandError('Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }', 255);
  if (matches(obj, 'address')) return { output: ipAddr(c, a, flags) };
  if (matches(obj, 'route')) return { output: ipRoute(c, a) };
  if (matches(obj, 'rule')) return { output: ipRule(c, a) };
  if (matches(obj, 'link')) return { output: ipLink(c, a, flags) };
  if (matches(obj, 'neighbour') || matches(obj, 'neighbor')) return { output: ipNeigh(c, a) };
  if (obj === 'netns') return ipNetns(c, a, exec);
  if (obj === 'tuntap') return ipTuntap(c, a);
  if (matches(obj, 'tunnel')) return ipTunnel(c, a);
  throw new CommandError(`Object "${obj}" is unknown, try "ip help".`, 255);
}
