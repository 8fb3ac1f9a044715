/**
 * `systemctl start|stop|restart|is-active UNIT`: drives the controllers a scenario
 * installed on the machine (flanneld.service). Starting one makes it do its work at once
 * (read the config, lease, program, watch); stopping one lets simulated time run until the
 * consequences have played out (its lease expires and every watcher has reacted), so a flow
 * that stops a daemon shows what the rest of the cluster does about it.
 */
import type { Process } from '../apps/process';
import { CommandError } from '../kernel/errors';
import { emit as emitEvent, type Emit } from '../kernel/emit';
import { SECOND_US } from '../kernel/timing';
import type { CommandContext, CommandResult } from './types';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'systemctl'> = emitEvent;

/** The units a controller can be started as, and the controller key prefix in World.controllers. */
const UNITS: Record<string, string> = { flanneld: 'flanneld', bird: 'bird' };

function unitName(arg: string): string {
  return arg.replace(/\.service$/, '');
}

/** A program that is already finished (systemctl returns as soon as the job is done). */
function finished(): Process {
  return {
    name: 'systemctl',
    start: () => {},
    done: true,
    outcome: { kind: 'ok' },
    output: [],
    deadlineUs: 0,
  };
}

/** Waits in simulated time until `at` (µs), then ends. */
function waitUntil(ctx: CommandContext, at: number, onDone: () => void): Process {
  const sched = ctx.world.sched;
  let done = false;
  return {
    name: 'systemctl',
    start() {
      sched.at(Math.max(0, at - sched.now) + 1, () => {
        onDone();
        done = true;
      });
    },
    get done() {
      return done;
    },
    get outcome() {
      return done ? { kind: 'ok' as const } : undefined;
    },
    output: [],
    deadlineUs: Math.max(0, at - sched.now) + 2 * SECOND_US,
  };
}

export function systemctl(ctx: CommandContext, argv: string[]): CommandResult {
  const args = argv.slice(1).filter((a) => !a.startsWith('-'));
  const verb = args[0];
  const unitArg = args[1];
  if (!verb || !unitArg) throw new CommandError('Too few arguments.', 1);
  const unit = unitName(unitArg);
  const key = UNITS[unit];
  const c = key ? ctx.world.controllers.get(`${key}@${ctx.machine.name}`) : undefined;
  if (!c) {
    if (verb === 'is-active') return { output: 'inactive' };
    throw new CommandError(`Failed to ${verb} ${unit}.service: Unit ${unit}.service not found.`, 5);
  }
  const where = { unit: `${unit}.service`, machine: ctx.machine.name };
  // A unit that plays itself out in simulated time (BIRD: sessions, UPDATEs, route changes) returns its own program.
  const own = (c as { systemctl?: (verb: string) => Process | undefined }).systemctl?.(verb);
  if (own) return { output: '', process: own };
  switch (verb) {
    case 'is-active':
      return { output: c.running ? 'active' : 'inactive' };
    case 'start':
    case 'restart': {
      if (verb === 'restart' && c.running) {
        emit(ctx.machine.root, { kind: 'control', code: 'systemctl.stop', args: where });
        c.stop();
      }
      if (c.running) return { output: '', process: finished() };
      emit(ctx.machine.root, { kind: 'control', code: 'systemctl.start', args: where });
      c.start();
      return { output: '', process: finished() };
    }
    case 'stop': {
      if (!c.running) return { output: '', process: finished() };
      emit(ctx.machine.root, { kind: 'control', code: 'systemctl.stop', args: where });
      const subnet = (c as { subnet?: string }).subnet ?? '';
      c.stop();
      const at = c.settleAt?.();
      if (at === undefined) return { output: '', process: finished() };
      const hours = Math.round(((at - ctx.world.sched.now) / SECOND_US / 3600) * 10) / 10;
      return {
        output: '',
        process: waitUntil(ctx, at, () =>
          emit(ctx.machine.root, { kind: 'control', code: 'systemctl.wait', args: { hours, subnet } }),
        ),
      };
    }
    default:
      throw new CommandError(`Unknown command verb ${verb}.`, 1);
  }
}
