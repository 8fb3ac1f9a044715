/**
 * Traces one flow: build the scenario's world, subscribe a Recorder, run the flow's
 * command in its netns and let the scheduler play the packets out. The verdict comes
 * from how the program ended and, when it got nothing back, from the first drop.
 */
import type { Process } from '../apps/process';
import { runCommand } from '../commands';
import { CommandError } from '../kernel/errors';
import { Ether } from '../kernel/devices/ether';
import { Veth } from '../kernel/devices/veth';
import type { Netns } from '../kernel/netns';
import type { Machine, World } from '../kernel/world';
import { formatIp } from '../net/ipv4';
import { formatIp6 } from '../net/ipv6';
import { buildWorld, findNetns, type BuildOptions, type BuiltWorld } from '../scenario/build';
import { ScenarioError } from '../scenario/errors';
import { asEngineError } from '../util/errors';
import type { Scenario, ScenarioFlow } from '../scenario/load';
import { groupHops } from './hops';
import { Recorder } from './recorder';
import {
  TRACE_VERSION,
  type Topology,
  type TopologyInterface,
  type Trace,
  type TraceEvent,
  type Verdict,
} from '../kernel/trace';

/** The loop guard: a flow that needs more scheduler tasks than this is a loop or a storm. */
export const MAX_FLOW_TASKS = 50_000;
/** A flood can record many events per task: the Trace is capped too, so a storm cannot exhaust a browser. */
export const MAX_FLOW_EVENTS = 20_000;

export interface FlowInfo {
  id: string;
  netns: string;
  command: string;
  title: ScenarioFlow['title'];
  description?: ScenarioFlow['description'];
}

export function listFlows(s: Scenario): FlowInfo[] {
  return s.flows.map((f) => ({
    id: f.id,
    netns: f.netns,
    command: f.command,
    title: f.title,
    ...(f.description ? { description: f.description } : {}),
  }));
}

export function findFlow(s: Scenario, flowId: string): ScenarioFlow {
  const flow = s.flows.find((f) => f.id === flowId);
  if (!flow) {
    throw new ScenarioError(
      `unknown flow "${flowId}"; flows: ${s.flows.map((f) => f.id).join(', ') || '(none)'}`,
    );
  }
  return flow;
}

/** Machines, every netns with its interfaces, and the segments, as they are now. */
export function topologyOf(world: World): Topology {
  const machines = [...world.machines.values()].map((m) => ({
    name: m.name,
    ...(m.role !== undefined ? { role: m.role } : {}),
    ...(m.title !== undefined ? { title: m.title } : {}),
  }));
  const netns = [...world.netns.values()].map((ns) => ({
    name: ns.name,
    machine: ns.machine,
    root: ns.root,
    interfaces: ns.devicesInOrder().map((d) => {
      const i: TopologyInterface = {
        name: d.name,
        ifindex: d.ifindex,
        kind: d.kind,
        mac: d.mac,
        mtu: d.mtu,
        up: d.adminUp,
        // As `ip addr` lists them, inet before inet6; link-local addresses are left out of the drawing.
        addrs: [
          ...d.addrs.map((a) => `${formatIp(a.addr)}/${a.len}`),
          ...d.addrs6.filter((a) => a.scope === 'global').map((a) => `${formatIp6(a.addr)}/${a.len}`),
        ],
      };
      if (d.master) i.master = d.master.name;
      if (d instanceof Veth && d.peer) i.peer = { netns: d.peer.netns.name, interface: d.peer.name };
      if (d instanceof Ether && d.segment) i.segment = d.segment.name;
      return i;
    }),
  }));
  const segments = [...world.segments.values()].map((s) => ({
    name: s.name,
    ...(s.title !== undefined ? { title: s.title } : {}),
  }));
  return { machines, netns, segments };
}

function runFlow(world: World, p: Process, events: () => number, tailUs: number): 'done' | 'tasks' | 'other' {
  p.start();
  const why = world.sched.run({
    until: () => p.done || events() >= MAX_FLOW_EVENTS,
    maxTime: world.sched.now + p.deadlineUs + 1,
    maxTasks: world.sched.executed + MAX_FLOW_TASKS,
  });
  if (why === 'tasks' || (why === 'done' && !p.done)) return 'tasks';
  if (tailUs > 0 && p.done) {
    const tail = world.sched.run({
      until: () => events() >= MAX_FLOW_EVENTS,
      maxTime: world.sched.now + tailUs,
      maxTasks: world.sched.executed + MAX_FLOW_TASKS,
    });
    if (tail === 'done' || tail === 'tasks') return 'tasks';
  }
  return why === 'done' ? 'done' : 'other';
}

export interface TraceOptions extends BuildOptions {
  /**
   * Keep the world running this long after the program exits, recording what the kernel's
   * timers still send (a neighbour's last ARP probe): the kernel lab captures for 0.5 s after
   * the flow's command, and conformance compares the same stretch of time.
   */
  tailUs?: number;
  /**
   * Let the world run this long after the setup before the flow starts, unrecorded: the
   * kernel lab waits 1.5 s for links to come up, and the timers that setup traffic started
   * (a neighbour's DELAY probe) keep running meanwhile.
   */
  settleUs?: number;
}

/**
 * Build the world and trace one flow. The same input always gives byte-identical JSON.
 * Throws only EngineErrors: a bug in the model is an InternalError naming the step it broke at.
 */
export function traceFlow(s: Scenario, flowId: string, opts: TraceOptions = {}): Trace {
  const progress = { step: () => 'find the flow' };
  try {
    const flow = findFlow(s, flowId);
    progress.step = () => 'build the world';
    const built = buildWorld(s, { ...opts, exec: [...(flow.before ?? []), ...(opts.exec ?? [])] });
    if (opts.settleUs) settle(built.world, opts.settleUs);
    return traceSteps(s, flow.id, built, progress, opts.tailUs);
  } catch (err) {
    throw asEngineError(err, { scenario: s.id, flow: flowId, step: progress.step() });
  }
}

/** Time passes with nothing recorded: what setup programs left on the timers runs. */
function settle(world: BuiltWorld['world'], us: number): void {
  const until = world.sched.now + us;
  world.sched.run({ maxTime: until, maxTasks: world.sched.executed + MAX_FLOW_TASKS });
  world.sched.now = Math.max(world.sched.now, until);
}

/**
 * Trace one flow in a world already built from the scenario (and its changes): the world
 * is used up (the flow runs in it), but namespaces the journey never touched stay as
 * built, so it can still answer netnsTables for them. Throws only EngineErrors, as traceFlow.
 */
export function traceBuilt(s: Scenario, flowId: string, built: BuiltWorld): Trace {
  const progress = { step: () => 'find the flow' };
  try {
    return traceSteps(s, flowId, built, progress);
  } catch (err) {
    throw asEngineError(err, { scenario: s.id, flow: flowId, step: progress.step() });
  }
}

function traceSteps(
  s: Scenario,
  flowId: string,
  built: BuiltWorld,
  progress: { step: () => string },
  tailUs = 0,
): Trace {
  const flow = findFlow(s, flowId);
  const { world, setup } = built;
  if (flow.endpoint !== undefined) world.pinEndpoint = flow.endpoint;
  const found = findNetns(world, flow.netns);
  if (!found) throw new ScenarioError(`${s.file}:${flow.line} flow ${flow.id}: no netns "${flow.netns}"`);
  const { ns, machine } = found;

  const topology = topologyOf(world);
  // Trace time counts from the start of the flow, whatever setup programs ran before.
  const t0 = world.sched.now;
  const recorder = new Recorder(() => world.sched.now - t0);
  world.observers.push(recorder);
  progress.step = () => `event ${recorder.events.length}`;
  recorder.snapshotAll(world.netns.values());
  recorder.event({
    netns: ns,
    kind: 'command',
    explain: { code: 'command', args: { netns: ns.name, line: flow.command } },
  });
  const { verdict, reason, output } = runCommandOf(world, machine, ns, flow, recorder, tailUs);
  recorder.finish();

  return {
    version: TRACE_VERSION,
    scenario: s.id,
    flow: flow.id,
    command: { netns: flow.netns, line: flow.command },
    verdict,
    ...(reason !== undefined ? { reason } : {}),
    output,
    topology,
    setup,
    events: recorder.events,
    hops: groupHops(recorder.events, topology, flow.netns),
    captures: recorder.captures,
    tables: recorder.tables,
    tableNetns: recorder.recorded,
  };
}

/** How a flow ended: its verdict, why (when it did not deliver) and what its program printed. */
interface FlowEnd {
  verdict: Verdict;
  reason?: string;
  output: string;
}

/** Runs the flow's command and lets its packets play out; a command the shell refuses is an error verdict. */
function runCommandOf(
  world: World,
  machine: Machine,
  ns: Netns,
  flow: ScenarioFlow,
  recorder: Recorder,
  tailUs: number,
): FlowEnd {
  try {
    const res = runCommand({ world, machine, ns, origin: `flow ${flow.id}` }, flow.command);
    const p = res.process;
    if (!p)
      return {
        verdict: 'error',
        reason: `"${flow.command}" starts no program (a flow runs ping, curl or nc)`,
        output: res.output,
      };
    const why = runFlow(world, p, () => recorder.events.length, tailUs);
    const output = [...(res.output ? [res.output] : []), ...p.output].join('\n');
    if (why === 'tasks')
      return {
        verdict: 'error',
        reason: `stopped after ${recorder.events.length} events: a forwarding loop or a broadcast storm (a bridge loop without STP) never ends on its own`,
        output,
      };
    return { ...verdictOf(p, recorder.events), output };
  } catch (err) {
    if (!(err instanceof CommandError)) throw err;
    return { verdict: 'error', reason: err.message, output: err.message };
  }
}

/** The verdict of a program that ended: its outcome, or when nothing came back, the first drop. */
function verdictOf(p: Process, events: readonly TraceEvent[]): { verdict: Verdict; reason?: string } {
  switch (p.outcome?.kind) {
    case 'ok':
      return { verdict: 'delivered' };
    case 'refused':
      return { verdict: 'refused' };
    case 'unresolved':
      // Before any drop: a lookup that failed is the story, whatever the DNS packets met.
      return { verdict: 'unresolved', reason: `${p.outcome.host} did not resolve: ${p.outcome.why}` };
    case 'local-error':
      return { verdict: 'unreachable', reason: p.outcome.text };
  }
  // Nothing came back: the first drop, if any, says why.
  const drop = events.find((e) => e.kind === 'drop');
  if (!drop) return { verdict: 'timeout' };
  return {
    verdict: 'dropped',
    reason: `${drop.netns}${drop.interface !== undefined ? ' ' + drop.interface : ''}: ${drop.explanation}`,
  };
}

/** Every flow of the scenario, each in a freshly built world. */
export function traceAll(s: Scenario, opts: BuildOptions = {}): Trace[] {
  return s.flows.map((f) => traceFlow(s, f.id, opts));
}
