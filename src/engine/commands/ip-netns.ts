/** `ip netns`: namespaces of the machine the command runs on. */
import { CommandError } from '../kernel/errors';
import type { CommandContext, CommandResult } from './types';
import { Args, matches } from './words';

export function ipNetns(
  ctx: CommandContext,
  a: Args,
  exec: (ctx: CommandContext, argv: string[]) => CommandResult,
): CommandResult {
  const sub = a.next();
  if (sub === undefined || matches(sub, 'list') || matches(sub, 'show')) {
    const names = [...ctx.world.netns.values()]
      .filter((n) => n.machine === ctx.machine.name && !n.root)
      .map((n) => n.name);
    return { output: names.reverse().join('\n') };
  }
  if (matches(sub, 'add')) {
    const name = a.value();
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) throw new CommandError(`Invalid netns name "${name}"`, 1);
    if (ctx.world.netns.has(name)) {
      throw new CommandError(`Cannot create namespace file "/var/run/netns/${name}": File exists`, 1);
    }
    ctx.world.createNetns(name, ctx.machine.name, false);
    return { output: '' };
  }
  if (matches(sub, 'delete')) {
    const name = a.value();
    const ns = ctx.world.netns.get(name);
    if (!ns || ns.root || ns.machine !== ctx.machine.name) {
      throw new CommandError(
        `Cannot remove namespace file "/var/run/netns/${name}": No such file or directory`,
        1,
      );
    }
    ctx.world.deleteNetns(ns);
    return { output: '' };
  }
  if (matches(sub, 'exec')) {
    const name = a.value();
    const ns = ctx.world.netns.get(name);
    if (!ns || ns.machine !== ctx.machine.name) {
      throw new CommandError(`Cannot open network namespace "${name}": No such file or directory`, 255);
    }
    const rest = a.argv.slice(a.i);
    if (rest.length === 0) throw new CommandError('No command specified', 255);
    return exec({ ...ctx, ns }, rest);
  }
  if (matches(sub, 'identify') || matches(sub, 'pids')) return { output: ctx.ns.root ? '' : ctx.ns.name };
  throw new CommandError(`Command "${sub}" is unknown, try "ip netns help".`, 255);
}
