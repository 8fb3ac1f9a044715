/**
 * A world built the way a learner builds one: namespaces, veths and addresses made with typed
 * commands in the root namespace of one machine, then commands run in any namespace (`sh`) and
 * programs (ping, curl...) run to the end with their events and captures recorded (`run`).
 * The kernel unit tests that need a few namespaces share it instead of each building its own.
 */
import { runCommand } from '../src/engine/commands/index';
import { World } from '../src/engine/kernel/world';
import { findNetns } from '../src/engine/scenario/build';
import { Recorder } from '../src/engine/sim/recorder';

export function commandLab(lines: string[], name = 'command-lab') {
  const world = new World(name);
  const machine = world.addMachine('h');
  for (const line of lines) runCommand({ world, machine, ns: machine.root, origin: 'test' }, line);
  /** A command in namespace `ns` (by its `ip netns` name); returns what it printed. */
  const sh = (ns: string, line: string): string =>
    runCommand({ world, machine, ns: world.netns.get(ns)!, origin: 'test' }, line).output;
  /** A program started in `ns` and run until it is done or its deadline passes. */
  const run = (ns: string, line: string) => {
    const found = findNetns(world, ns)!;
    const rec = new Recorder(() => world.sched.now);
    world.observers.push(rec);
    const p = runCommand({ world, machine, ns: found.ns, origin: 'test' }, line).process!;
    p.start();
    world.sched.run({
      until: () => p.done,
      maxTime: world.sched.now + p.deadlineUs + 1,
      maxTasks: world.sched.executed + 100_000,
    });
    world.observers.splice(world.observers.indexOf(rec), 1);
    return { p, output: p.output.join('\n'), events: rec.events, captures: rec.captures, tables: rec.tables };
  };
  return { world, machine, sh, run };
}
