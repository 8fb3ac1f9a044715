import {
  familyOf,
  familyView,
  proxiedServices,
  RESTORE_COMMAND,
  userspaceModeWrites,
  type ProxyWrites,
} from '../controllers/kube-proxy';
import { ipvsModeWrites } from '../controllers/kube-proxy-ipvs';
import { iptablesModeWrites } from '../controllers/kube-proxy-iptables';
import { nftablesModeWrites } from '../controllers/kube-proxy-nftables';
import { startUserspaceProxy } from '../controllers/userspace-proxy';
import { formatIp } from '../net/ipv4';
import { formatIp6 } from '../net/ipv6';
import { ConfigError, Flanneld, type Exec } from '../controllers/flanneld';
import { Store } from '../controllers/store';
import type { CalicoExec } from '../controllers/calico/cni';
import { CalicoError } from '../controllers/calico/errors';
import { startCalicoNode } from '../controllers/calico/node';
import { CniError, runCniBridge } from '../controllers/cni-bridge';
import { DockerdError, startDockerd } from '../controllers/dockerd';
/**
 * Builds the World a scenario describes: machines and their NICs cabled to segments, then
 * every setup command run through the command language exactly as a learner would type
 * it, then the servers, then any extra commands (`--exec`). Every command's outcome is
 * logged, so the setup is part of the story.
 */
import type { Process } from '../apps/process';
import { runCommand } from '../commands';
import type { CommandContext } from '../commands/types';
import { Ether } from '../kernel/devices/ether';
import { emit as emitEvent, type Emit } from '../kernel/emit';
import { CommandError } from '../kernel/errors';
import type { Netns } from '../kernel/netns';
import type { Machine } from '../kernel/world';
import { World } from '../kernel/world';
import type { SetupLogEntry } from '../kernel/trace';
import { ScenarioError } from './errors';
import { asEngineError } from '../util/errors';
import type { Scenario, ScenarioController } from './load';
import type { Service } from '../controllers/kube-proxy';
import { startCoreDns } from '../controllers/coredns-server';
import { kubeletResolvConf } from '../apps/resolv-conf';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'controller'> = emitEvent;

export interface ExecCommand {
  netns: string;
  line: string;
}

export interface BuildOptions {
  /** Extra commands run after setup and servers, in order (the CLI's `--exec "netns: command"`). */
  exec?: ExecCommand[];
}

export interface BuiltWorld {
  world: World;
  setup: SetupLogEntry[];
  /** The devices each setup entry created (name and MAC at creation), by entry. */
  created: Map<SetupLogEntry, { name: string; mac: string; kind: string }[]>;
  /**
   * What a setup entry fed its command on stdin (kube-proxy's iptables-restore batch), by entry:
   * the kernel lab replays it; the Trace only names the command (the batch can be megabytes).
   */
  inputs: Map<SetupLogEntry, string>;
  /** True while setup and execs run: what controllers run then goes into the setup log. */
  building: boolean;
}

/** Steps a program started by a setup command runs to completion, at most (a loop guard). */
const SETUP_MAX_TASKS = 50_000;

/** The tool's message; anything but a CommandError is a bug in the model and propagates. */
function errorText(err: unknown): string {
  if (err instanceof CommandError) return err.message;
  throw err;
}

/** Runs a program a setup command started (e.g. a ping that warms the ARP cache) until it ends. */
function finish(world: World, p: Process): string[] {
  p.start();
  world.sched.run({
    until: () => p.done,
    maxTime: world.sched.now + p.deadlineUs + 1,
    maxTasks: world.sched.executed + SETUP_MAX_TASKS,
  });
  return p.output;
}

interface Attempt {
  ok: boolean;
  output: string;
}

function attempt(ctx: CommandContext, line: string): Attempt {
  try {
    const r = runCommand(ctx, line);
    const out = r.process
      ? [r.output, ...finish(ctx.world, r.process)].filter((s) => s !== '').join('\n')
      : r.output;
    return { ok: true, output: out };
  } catch (err) {
    return { ok: false, output: errorText(err) };
  }
}

/**
 * kubelet writes each pod's /etc/resolv.conf; CoreDNS starts in its pod. Pods made by the
 * cni-bridge controller have no Kubernetes namespace of their own: they live in "default".
 */
function startDns(
  world: World,
  machine: Machine,
  c: Extract<ScenarioController, { kind: 'coredns' | 'kubelet' }>,
  services: Service[],
  where: string,
): void {
  const pods = [...world.netns.values()].filter((ns) => ns.machine === machine.name && !ns.root);
  if (c.kind === 'kubelet') {
    for (const ns of pods)
      ns.files.set('/etc/resolv.conf', kubeletResolvConf(c.clusterDNS, 'default', c.clusterDomain));
    return;
  }
  const ns = pods.find((p) => p.name === c.pod);
  if (!ns)
    throw new ScenarioError(
      `${where} machines.${machine.name}.controllers: coredns: no pod "${c.pod}" on ${machine.name}; pods: ${pods.map((p) => p.name).join(', ') || 'none'}`,
    );
  startCoreDns(ns, services, { zone: c.clusterDomain, ttl: c.ttl, hosts: c.hosts, serial: c.serial });
}

/** The namespace called `name` and the machine that owns it. */
export function findNetns(world: World, name: string): { ns: Netns; machine: Machine } | undefined {
  const ns = world.netns.get(name);
  if (!ns) return undefined;
  const machine = world.machines.get(ns.machine);
  return machine ? { ns, machine } : undefined;
}

function noNetns(world: World, name: string): string {
  return `no netns "${name}"; netns: ${[...world.netns.keys()].join(', ')}`;
}

/**
 * Builds the scenario's world. A bug in the model (anything but a UserError) comes out as an
 * InternalError naming the setup command it was running.
 */
export function buildWorld(s: Scenario, opts: BuildOptions = {}): BuiltWorld {
  const at = { step: 'create the machines' };
  try {
    return buildSteps(s, opts, at);
  } catch (err) {
    throw asEngineError(err, { scenario: s.id, step: at.step });
  }
}

/** What every phase of a build shares. */
interface Build {
  s: Scenario;
  world: World;
  built: BuiltWorld;
  /** "file:line", for messages. */
  at: (line: number) => string;
  /** Runs a setup command and logs it (with what it created and any stdin). */
  run: (
    machine: Machine,
    ns: Netns,
    line: string,
    source: string,
    origin: string,
    by?: string,
    stdin?: string,
  ) => Attempt & { entry: SetupLogEntry };
}

type ScenarioMachineSpec = Scenario['machines'][number];
type ScenarioServerSpec = Scenario['servers'][number];

function buildSteps(s: Scenario, opts: BuildOptions, progress: { step: string }): BuiltWorld {
  const world = new World(s.id);
  world.ipv6 = s.ipv6 === true;
  const built: BuiltWorld = { world, setup: [], created: new Map(), inputs: new Map(), building: true };
  const b: Build = { s, world, built, at: (line) => `${s.file}:${line}`, run: setupRunner(built, progress) };

  cableMachines(b);
  // A machine's own servers run from boot, before its setup (which may already talk to
  // them); servers in namespaces the setup creates start once it has made them.
  s.servers.forEach((srv, i) => {
    if (isEarlyServer(world, srv)) startServer(b, srv, i);
  });
  for (const m of s.machines) setupMachine(b, m);

  // Controllers start after every machine is set up, in machine order; what they run is logged like setup.
  const store = new Store(world);
  for (const [k, v] of Object.entries(s.store ?? {})) store.seed(k, v);
  world.store = store;
  for (const m of s.machines) {
    const machine = world.machines.get(m.name)!;
    for (const c of m.controllers ?? []) startController(b, store, m, machine, c);
  }

  s.servers.forEach((srv, i) => {
    if (!isEarlyServer(world, srv)) startServer(b, srv, i);
  });
  s.flows.forEach((fl, i) => {
    if (!findNetns(world, fl.netns)) {
      throw new ScenarioError(`${b.at(fl.line)} flows[${i}].netns: ${noNetns(world, fl.netns)}`);
    }
  });

  for (const ex of opts.exec ?? []) applyExec(built, ex);
  built.building = false;
  return built;
}

/** Segments, then the machines and their NICs, in file order, all cabled before any command runs. */
function cableMachines({ s, world, at }: Build): void {
  for (const seg of s.segments) world.segment(seg.name, seg.title);
  for (const m of s.machines) {
    let machine: Machine;
    try {
      machine = world.addMachine(m.name, {
        role: m.role,
        ...(m.title !== undefined ? { title: m.title } : {}),
      });
    } catch (err) {
      throw new ScenarioError(`${at(m.line)} machines.${m.name}: ${errorText(err)}`);
    }
    const ns = machine.root;
    for (const n of m.nics) {
      const mac = n.mac ?? world.allocMac(`${m.name}/${n.name}`);
      const dev = new Ether(ns, n.name, ns.allocIfindex(), mac, 1500);
      dev.origin = `setup line ${n.line}`;
      ns.attach(dev);
      world.segment(n.segment).plug(dev);
    }
  }
}

/** The runner of setup commands: each is logged, with the devices it created and its stdin. */
function setupRunner(built: BuiltWorld, progress: { step: string }): Build['run'] {
  const { world, setup, created, inputs } = built;
  return (machine, ns, line, source, origin, by, stdin) => {
    const before = world.created.length;
    progress.step = `setup ${source}: ${ns.name}: ${line}`;
    const ctx: CommandContext = { world, machine, ns, origin };
    if (stdin !== undefined) ctx.stdin = stdin;
    const res = attempt(ctx, line);
    const entry: SetupLogEntry = {
      machine: machine.name,
      netns: ns.name,
      command: line,
      source,
      ok: res.ok,
      output: res.output,
    };
    if (by !== undefined) entry.by = by;
    setup.push(entry);
    if (stdin !== undefined) inputs.set(entry, stdin);
    if (world.created.length > before) created.set(entry, world.created.slice(before));
    return { ok: res.ok, output: res.output, entry };
  };
}

/** A server in a machine's own namespace starts before the setup. */
const isEarlyServer = (world: World, srv: ScenarioServerSpec): boolean => world.machines.has(srv.netns);

function startServer({ world, at }: Build, srv: ScenarioServerSpec, i: number): void {
  const found = findNetns(world, srv.netns);
  if (!found) throw new ScenarioError(`${at(srv.line)} servers[${i}].netns: ${noNetns(world, srv.netns)}`);
  found.ns.sockets.listen({
    proto: srv.proto,
    addr: 0,
    port: srv.port,
    process: srv.process,
    reply: srv.reply,
  });
  found.ns.changed('sockets');
}

/** A machine's NIC addresses and links, then its setup commands, each checked against what it expects. */
function setupMachine({ world, at, run }: Build, m: ScenarioMachineSpec): void {
  const machine = world.machines.get(m.name)!;
  m.nics.forEach((n, i) => {
    const where = `machines.${m.name}.nics[${i}]`;
    const source = `${at(n.line)} (nic ${n.name})`;
    const origin = `setup line ${n.line}`;
    const cmds = [
      ...(n.addr !== undefined ? [`ip addr add ${n.addr} dev ${n.name}`] : []),
      `ip link set ${n.name} up`,
    ];
    for (const cmd of cmds) {
      const r = run(machine, machine.root, cmd, source, origin);
      if (!r.ok) throw new ScenarioError(`${at(n.line)} ${where}: ${cmd}: ${r.output}`);
    }
  });
  m.setup.forEach((step, i) => {
    const origin = step.by !== undefined ? `${step.by} on ${m.name}` : `setup line ${step.line}`;
    const r = run(machine, machine.root, step.run, at(step.line), origin, step.by);
    const where = `${at(step.line)} machines.${m.name}.setup[${i}]`;
    if (step.expectFail) {
      r.entry.expectedFailure = true;
      if (r.ok) throw new ScenarioError(`${where}: expected to fail but succeeded: ${step.run}`);
    } else if (!r.ok) {
      throw new ScenarioError(`${where}: ${r.output}`);
    }
  });
}

/**
 * A controller's way to run commands: logged as setup while the world is being built; once
 * started later by a flow (`systemctl start flanneld`) the command is part of the journey.
 */
function controllerExec(b: Build, machine: Machine, c: ScenarioController): Exec {
  return (line, origin) => {
    if (!b.built.building) {
      emit(machine.root, { kind: 'control', code: 'controller.exec', args: { who: origin, line } });
      return attempt({ world: b.world, machine, ns: machine.root, origin }, line);
    }
    const r = b.run(machine, machine.root, line, `${b.at(c.line)} (${c.kind})`, origin, c.kind);
    return { ok: r.ok, output: r.output };
  };
}

/** Runs `start`, turning the controller's own error class into a ScenarioError at its line. */
function guarded(
  b: Build,
  m: ScenarioMachineSpec,
  c: ScenarioController,
  errorClass: new (...args: never[]) => Error,
  start: () => void,
): void {
  try {
    start();
  } catch (err) {
    if (err instanceof errorClass)
      throw new ScenarioError(`${b.at(c.line)} machines.${m.name}.controllers: ${c.kind}: ${err.message}`);
    throw err;
  }
}

function startController(
  b: Build,
  store: Store,
  m: ScenarioMachineSpec,
  machine: Machine,
  c: ScenarioController,
): void {
  const exec = controllerExec(b, machine, c);
  switch (c.kind) {
    case 'calico-node': {
      // Each command carries who ran it (calico-cni, felix, bird), not just "calico-node".
      const calicoExec: CalicoExec = (line, origin, by) => {
        if (!b.built.building) return exec(line, origin);
        const r = b.run(machine, machine.root, line, `${b.at(c.line)} (${by})`, origin, by);
        return { ok: r.ok, output: r.output };
      };
      return guarded(b, m, c, CalicoError, () => startCalicoNode(b.world, machine, store, c, calicoExec));
    }
    case 'dockerd':
      return guarded(b, m, c, DockerdError, () => startDockerd(b.world, machine, c, exec));
    case 'cni-bridge':
      return guarded(b, m, c, CniError, () => runCniBridge(m.name, c, exec));
    case 'coredns':
    case 'kubelet':
      return startDns(b.world, machine, c, b.s.services ?? [], b.at(c.line));
    case 'kube-proxy':
      return startKubeProxy(b, m, machine, c, exec);
    default:
      return startFlanneld(b, store, m, machine, c, exec);
  }
}

/** kube-proxy: the mode's rules for the scenario's Services, written as commands and batches. */
function startKubeProxy(
  b: Build,
  m: ScenarioMachineSpec,
  machine: Machine,
  c: Extract<ScenarioController, { kind: 'kube-proxy' }>,
  exec: Exec,
): void {
  // The Node's InternalIPs (kubelet --node-ip): one of each family when dual-stack.
  const [nodeIP4, nodeIP6] = c.nodeIP?.split(',') ?? [];
  const nodeIP =
    nodeIP4 ??
    formatIp(machine.root.allAddrs().find(({ dev, a }) => dev.kind === 'ether' && !a.secondary)?.a.addr ?? 0);
  // The IPv4 proxier sees each Service's IPv4 clusterIP and IPv4 EndpointSlices.
  const services = familyView(proxiedServices(b.s.services ?? []), 4);
  const o = {
    mode: c.mode,
    node: m.name,
    nodeIP,
    nodeIPs: machine.root.allAddrs().map(({ a }) => formatIp(a.addr)),
    ...(c.clusterCIDR ? { clusterCIDR: c.clusterCIDR } : {}),
    ...(c.detectLocal ? { detectLocal: c.detectLocal } : {}),
    masqueradeAll: c.masqueradeAll,
    // platformApplyDefaults (cmd/kube-proxy): nftables mode answers NodePorts on the primary
    // node IP unless --nodeport-addresses says otherwise; the other modes on every address.
    nodePortAddresses:
      c.nodePortAddresses.length === 0 && c.mode === 'nftables' ? ['primary'] : c.nodePortAddresses,
    localhostNodePorts: c.localhostNodePorts,
  };
  const writes: ProxyWrites[] = [
    c.mode === 'iptables'
      ? iptablesModeWrites(services, o)
      : c.mode === 'ipvs'
        ? ipvsModeWrites(services, o)
        : c.mode === 'nftables'
          ? nftablesModeWrites(services, o, serviceCIDRsOf(c.serviceCIDR, 4))
          : userspaceModeWrites(services, o),
  ];
  // In an IPv6 world kube-proxy runs dual-stack (NewDualStackProxier): a second proxier
  // writes the IPv6 family's rules (ip6tables, or table ip6 kube-proxy), from the Services'
  // IPv6 clusterIPs.
  if (b.s.ipv6 && c.mode === 'iptables')
    writes.push(
      iptablesModeWrites(
        familyView(proxiedServices(b.s.services ?? []), 6),
        ipv6Options(machine, o, nodeIP6),
      ),
    );
  if (b.s.ipv6 && c.mode === 'nftables')
    writes.push(
      nftablesModeWrites(
        familyView(proxiedServices(b.s.services ?? []), 6),
        ipv6Options(machine, o, nodeIP6),
        serviceCIDRsOf(c.serviceCIDR, 6),
      ),
    );
  const origin = `kube-proxy on ${m.name} (${c.mode} mode)`;
  const fail = (line: string, output: string): ScenarioError =>
    new ScenarioError(`${b.at(c.line)} machines.${m.name}.controllers: kube-proxy: ${line}: ${output}`);
  const batch = (command: string, stdin: string): void => {
    const r = b.run(
      machine,
      machine.root,
      command,
      `${b.at(c.line)} (kube-proxy)`,
      origin,
      'kube-proxy',
      stdin,
    );
    if (!r.ok) throw fail(command, r.output);
  };
  for (const w of writes) {
    for (const line of w.commands) {
      const r = exec(line, origin);
      if (!r.ok) throw fail(line, r.output);
    }
    for (const x of w.batches ?? []) batch(x.command, x.stdin);
    if (w.restore !== undefined) batch(w.restoreCommand ?? RESTORE_COMMAND, w.restore);
  }
  if (c.mode === 'userspace') startUserspaceProxy(b.world, machine.root, services);
}

/** OnServiceCIDRsChanged: each proxier keeps the service CIDRs of its own family, comma-joined. */
function serviceCIDRsOf(cidrs: string | undefined, family: 4 | 6): { serviceCIDRs?: string } {
  const mine = (cidrs ?? '')
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '' && familyOf(c.split('/')[0]!) === family);
  return mine.length > 0 ? { serviceCIDRs: mine.join(',') } : {};
}

/**
 * The IPv6 proxier's options: the node's global IPv6 addresses in place of its IPv4 ones, and
 * its IPv6 node IP the Node's IPv6 InternalIP when one is given, else the first address listed
 * (kubelet's default-route interface pick).
 */
function ipv6Options<O extends { nodeIP: string; nodeIPs: string[] }>(
  machine: Machine,
  o: O,
  nodeIP6: string | undefined,
): O & { ipFamily: 6 } {
  const ips = machine.root
    .devicesInOrder()
    .flatMap((d) => d.addrs6.filter((a) => a.scope === 'global').map((a) => formatIp6(a.addr)));
  return { ...o, ipFamily: 6, nodeIP: nodeIP6 ?? ips[0] ?? '::', nodeIPs: ips };
}

/** flanneld: registered as a systemd unit (a flow may start or stop it), started now if autostart. */
function startFlanneld(
  b: Build,
  store: Store,
  m: ScenarioMachineSpec,
  machine: Machine,
  c: Extract<ScenarioController, { kind: 'flanneld' }>,
  exec: Exec,
): void {
  const f = new Flanneld(
    b.world,
    machine,
    store,
    {
      iface: c.iface,
      forwardRules: c.forwardRules,
      ipMasq: c.ipMasq,
      kubeSubnetMgr: c.kubeSubnetMgr,
      ...(c.subnet ? { subnet: c.subnet } : {}),
      ...(c.vtepMac ? { vtepMac: c.vtepMac } : {}),
      ...(c.subnet6 ? { subnet6: c.subnet6 } : {}),
      ...(c.vtepMac6 ? { vtepMac6: c.vtepMac6 } : {}),
    },
    exec,
  );
  b.world.controllers.set(`flanneld@${m.name}`, {
    start: () => {
      try {
        f.start();
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        throw new CommandError(
          `Job for flanneld.service failed because the control process exited with error code.\nflanneld: ${err.message}`,
          1,
        );
      }
    },
    stop: () => f.stop(),
    get running() {
      return f.running;
    },
    settleAt: () => f.settleAt(),
    get subnet() {
      return f.subnet;
    },
  } as { start(): void; stop(): void; running: boolean; settleAt(): number | undefined });
  if (c.autostart) guarded(b, m, c, ConfigError, () => f.start());
}

/**
 * Runs one extra command (`--exec`, a terminal command) on a built world, logged as a build
 * with that exec would log it: a world built with execs E and then given X is the world
 * built with E + [X]. Throws ScenarioError when the command fails (the world is unchanged:
 * commands are atomic).
 */
export function applyExec(built: BuiltWorld, ex: ExecCommand): SetupLogEntry {
  const { world } = built;
  const label = `--exec "${ex.netns}: ${ex.line}"`;
  const found = findNetns(world, ex.netns);
  if (!found) throw new ScenarioError(`${label}: ${noNetns(world, ex.netns)}`);
  const before = world.created.length;
  const building = built.building;
  built.building = true;
  let res: Attempt;
  try {
    res = attempt({ world, machine: found.machine, ns: found.ns, origin: '--exec' }, ex.line);
  } finally {
    built.building = building;
  }
  if (!res.ok) throw new ScenarioError(`${label}: ${res.output}`);
  return logExec(built, ex, res.output, before);
}

/**
 * Logs an exec that ran on a built world (its output, and the devices it created since
 * `world.created` held `createdBefore`), as buildWorld logs one.
 */
export function logExec(
  built: BuiltWorld,
  ex: ExecCommand,
  output: string,
  createdBefore: number,
): SetupLogEntry {
  const { world } = built;
  const ns = world.netns.get(ex.netns)!;
  const entry: SetupLogEntry = {
    machine: ns.machine,
    netns: ns.name,
    command: ex.line,
    source: '--exec',
    ok: true,
    output,
  };
  built.setup.push(entry);
  if (world.created.length > createdBefore) built.created.set(entry, world.created.slice(createdBefore));
  return entry;
}
