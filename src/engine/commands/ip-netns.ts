/**
 * `ip netns`: the namespaces bound under /run/netns on the machine the command runs on.
 * Namespaces bound elsewhere (Docker's, under /run/docker/netns) are not listed and cannot
 * be named here until a link to them is made in /run/netns (see netns-files.ts).
 */
import { CommandError } from '../kernel/errors';
import type { Netns } from '../kernel/netns';
import { isLink, listDir, makeDir, netnsAt, NETNS_RUN_DIR, removeLink } from './netns-files';
import type { CommandContext, CommandResult } from './types';
import { Args, matches } from './words';

/** netns_switch(): `ip netns exec NAME` and `ip -n NAME` open /run/netns/NAME and nothing else. */
export function switchNetns(ctx: CommandContext, name: string): Netns {
  const ns = name.includes('/') ? undefined : netnsAt(ctx.world, ctx.machine, `${NETNS_RUN_DIR}/${name}`);
  if (!ns) throw new CommandError(`Cannot open network namespace "${name}": No such file or directory`, 255);
  return ns;
}

export function ipNetns(
  ctx: CommandContext,
  a: Args,
  exec: (ctx: CommandContext, argv: string[]) => CommandResult,
): CommandResult {
  const { world, machine } = ctx;
  const sub = a.next();
  if (sub === undefined || matches(sub, 'list') || matches(sub, 'show')) {
    return { output: (listDir(world, machine, NETNS_RUN_DIR) ?? []).join('\n') };
  }
  if (matches(sub, 'add')) {
    const name = a.value();
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) throw new CommandError(`Invalid netns name "${name}"`, 1);
    if (world.netns.has(name) || isLink(world, machine.name, `${NETNS_RUN_DIR}/${name}`)) {
      throw new CommandError(`Cannot create namespace file "/var/run/netns/${name}": File exists`, 1);
    }
    makeDir(world, machine.name, NETNS_RUN_DIR);
    world.createNetns(name, machine.name, false);
    return { output: '' };
  }
  if (matches(sub, 'delete')) {
    const name = a.value();
    // A link someone made to another namespace file: unlinking it leaves that namespace alone.
    if (!name.includes('/') && removeLink(world, machine.name, `${NETNS_RUN_DIR}/${name}`))
      return { output: '' };
    const ns = name.includes('/') ? undefined : netnsAt(world, machine, `${NETNS_RUN_DIR}/${name}`);
    if (!ns || ns.root) {
      throw new CommandError(
        `Cannot remove namespace file "/var/run/netns/${name}": No such file or directory`,
        1,
      );
    }
    world.deleteNetns(ns);
    return { output: '' };
  }
  if (matches(sub, 'exec')) {
    const ns = switchNetns(ctx, a.value());
    const rest = a.argv.slice(a.i);
    if (rest.length === 0) throw new CommandError('No command specified', 255);
    return exec({ ...ctx, ns }, rest);
  }
  if (matches(sub, 'identify') || matches(sub, 'pids')) return { output: ctx.ns.root ? '' : ctx.ns.name };
  throw new CommandError(`Command "${sub}" is unknown, try "ip netns help".`, 255);
}
