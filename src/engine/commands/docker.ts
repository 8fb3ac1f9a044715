/**
 * The `docker` client: `docker ps`, `docker inspect` and `docker port`, answered from the
 * machine's dockerd (controllers/dockerd.ts registers it here: the client only knows the
 * daemon's API, as the real one only knows its socket). Output follows the Docker CLI:
 * `ps` is a tabwriter table (min width 10, padding 3), durations are go-units'
 * HumanDuration, `inspect -f` is a Go template over the inspect JSON.
 */
import { CommandError } from '../kernel/errors';
import type { Netns } from '../kernel/netns';
import type { World } from '../kernel/world';
import { renderTemplate } from './go-template';
import type { CommandContext, CommandResult } from './types';

export interface PortBinding {
  containerPort: number;
  proto: 'tcp' | 'udp';
  hostIp: string;
  hostPort: number;
}

/** A container as the daemon's inspect API describes it. */
export interface DockerContainer {
  /** 64 hex digits. */
  id: string;
  name: string;
  image: string;
  /** Entrypoint and arguments, as `docker ps` shows them. */
  command: string;
  /** World time (µs) it started at. */
  started: number;
  pid: number;
  /** HostConfig.NetworkMode: "default", "host", "none" or "container:<id>". */
  networkMode: string;
  /** Empty for a container that joined another's namespace (or the host's). */
  sandboxId: string;
  sandboxKey: string;
  /** On the default bridge network only. */
  bridge?: {
    ip: string;
    prefixLen: number;
    gateway: string;
    mac: string;
    endpointId: string;
    /** With daemon.json "ipv6": true. */
    ip6?: { addr: string; prefixLen: number; gateway: string };
  };
  ports: PortBinding[];
  netns: Netns;
}

export interface DockerEngine {
  containers(): DockerContainer[];
}

const engines = new WeakMap<World, Map<string, DockerEngine>>();

/** dockerd on `machine` answers the client from now on. */
export function registerDockerEngine(world: World, machine: string, engine: DockerEngine): void {
  let m = engines.get(world);
  if (!m) engines.set(world, (m = new Map()));
  m.set(machine, engine);
}

function engineOf(ctx: CommandContext): DockerEngine {
  const e = engines.get(ctx.world)?.get(ctx.machine.name);
  // The client talks to the daemon's socket in the root namespace's file system: from a
  // container's namespace (nsenter -n) the socket is still there, so no namespace check.
  if (!e)
    throw new CommandError(
      'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
      1,
    );
  return e;
}

/** docker's lookup: a full name, a full ID or a unique ID prefix. */
function find(e: DockerEngine, ref: string): DockerContainer | undefined {
  const all = e.containers();
  const byName = all.find((c) => c.name === ref.replace(/^\//, ''));
  if (byName) return byName;
  const byId = all.filter((c) => c.id.startsWith(ref));
  return byId.length === 1 ? byId[0] : undefined;
}

export function docker(ctx: CommandContext, argv: string[]): CommandResult {
  const sub = argv[1];
  const rest = argv.slice(2);
  if (sub === undefined || sub === '--help')
    throw new CommandError('Usage:  docker [OPTIONS] COMMAND\n\nCommands here: ps, inspect, port', 0);
  const e = engineOf(ctx);
  if (sub === 'ps' || (sub === 'container' && (rest[0] === 'ls' || rest[0] === 'ps')))
    return { output: dockerPs(ctx, e, sub === 'ps' ? rest : rest.slice(1)) };
  if (sub === 'inspect' || (sub === 'container' && rest[0] === 'inspect'))
    return { output: dockerInspect(e, sub === 'inspect' ? rest : rest.slice(1)) };
  if (sub === 'port' || (sub === 'container' && rest[0] === 'port'))
    return { output: dockerPort(e, sub === 'port' ? rest : rest.slice(1)) };
  throw new CommandError(
    `docker: '${sub}' is not a docker command here (the model answers ps, inspect and port).\nSee 'docker --help'`,
    1,
  );
}

/** go-units HumanDuration. */
export function humanDuration(us: number): string {
  const s = Math.floor(us / 1e6);
  if (s < 1) return 'Less than a second';
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  const m = Math.floor(s / 60);
  if (m === 1) return 'About a minute';
  if (m < 60) return `${m} minutes`;
  const h = Math.round(s / 3600);
  if (h === 1) return 'About an hour';
  return `${h} hours`;
}

/** The CLI's Ellipsis: at most `max` characters, the last one "…". */
function ellipsis(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

function portsColumn(c: DockerContainer): string {
  return c.ports.map((p) => `${p.hostIp}:${p.hostPort}->${p.containerPort}/${p.proto}`).join(', ');
}

/** text/tabwriter with minwidth 10, tabwidth 1, padding 3, as the CLI's table formatter uses. */
export function tabwrite(rows: string[][]): string {
  const cols = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: cols - 1 }, (_, i) =>
    Math.max(10, ...rows.map((r) => [...(r[i] ?? '')].length + 3)),
  );
  return rows
    .map((r) =>
      r
        .map((cell, i) => (i < cols - 1 ? cell + ' '.repeat(widths[i]! - [...cell].length) : cell))
        .join('')
        .trimEnd(),
    )
    .join('\n');
}

function dockerPs(ctx: CommandContext, e: DockerEngine, args: string[]): string {
  let quiet = false;
  let trunc = true;
  for (const a of args) {
    if (a === '-q' || a === '--quiet') quiet = true;
    else if (a === '--no-trunc') trunc = false;
    else if (a === '-a' || a === '--all' || a === '-aq' || a === '-qa') quiet ||= a.includes('q');
    else throw new CommandError(`unknown flag: ${a}\nSee 'docker ps --help'.`, 125);
  }
  const now = ctx.world.sched.now;
  // Newest first; containers started in the same instant, the last one first.
  const list = [...e.containers()].reverse().sort((a, b) => b.started - a.started);
  const id = (c: DockerContainer): string => (trunc ? c.id.slice(0, 12) : c.id);
  if (quiet) return list.map(id).join('\n');
  const rows = [['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES']];
  for (const c of list) {
    rows.push([
      id(c),
      c.image,
      JSON.stringify(trunc ? ellipsis(c.command, 20) : c.command),
      `${humanDuration(now - c.started)} ago`,
      `Up ${humanDuration(now - c.started)}`,
      portsColumn(c),
      c.name,
    ]);
  }
  return tabwrite(rows);
}

/** The part of `docker inspect`'s JSON the model knows, with Docker's field names. */
export function inspectJson(c: DockerContainer, all: DockerContainer[]): Record<string, unknown> {
  const ports: Record<string, { HostIp: string; HostPort: string }[] | null> = {};
  for (const p of c.ports)
    (ports[`${p.containerPort}/${p.proto}`] ??= []).push({ HostIp: p.hostIp, HostPort: String(p.hostPort) });
  const b = c.bridge;
  const networks: Record<string, unknown> = {};
  if (b)
    networks.bridge = {
      EndpointID: b.endpointId,
      Gateway: b.gateway,
      IPAddress: b.ip,
      IPPrefixLen: b.prefixLen,
      IPv6Gateway: b.ip6?.gateway ?? '',
      GlobalIPv6Address: b.ip6?.addr ?? '',
      GlobalIPv6PrefixLen: b.ip6?.prefixLen ?? 0,
      MacAddress: b.mac,
    };
  else if (c.networkMode === 'host' || c.networkMode === 'none') networks[c.networkMode] = { IPAddress: '' };
  const owner = c.networkMode.startsWith('container:')
    ? all.find((o) => o.id === c.networkMode.slice('container:'.length))
    : undefined;
  return {
    Id: c.id,
    Path: c.command.split(' ')[0],
    State: { Status: 'running', Running: true, Pid: c.pid },
    Image: c.image,
    Name: `/${c.name}`,
    HostConfig: {
      NetworkMode: c.networkMode,
      PortBindings: Object.fromEntries(
        Object.entries(ports).map(([k, v]) => [
          k,
          (v ?? []).map((x) => ({ HostIp: '', HostPort: x.HostPort })),
        ]),
      ),
    },
    Config: { Image: c.image },
    NetworkSettings: {
      SandboxID: c.sandboxId,
      SandboxKey: c.sandboxKey,
      Ports: ports,
      Gateway: b?.gateway ?? '',
      IPAddress: b?.ip ?? '',
      IPPrefixLen: b?.prefixLen ?? 0,
      IPv6Gateway: b?.ip6?.gateway ?? '',
      GlobalIPv6Address: b?.ip6?.addr ?? '',
      GlobalIPv6PrefixLen: b?.ip6?.prefixLen ?? 0,
      MacAddress: b?.mac ?? '',
      Networks: owner ? {} : networks,
    },
  };
}

function dockerInspect(e: DockerEngine, args: string[]): string {
  let format: string | undefined;
  const refs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-f' || a === '--format') format = args[++i];
    else if (a.startsWith('--format=')) format = a.slice('--format='.length);
    else if (a.startsWith('-f') && a.length > 2) format = a.slice(2);
    else if (a === '--type=container' || a === '-s' || a === '--size') continue;
    else if (a.startsWith('-'))
      throw new CommandError(`unknown flag: ${a}\nSee 'docker inspect --help'.`, 125);
    else refs.push(a);
  }
  if (format === undefined && args.some((a) => a === '-f' || a === '--format'))
    throw new CommandError(`flag needs an argument: 'f' in -f\nSee 'docker inspect --help'.`, 125);
  if (refs.length === 0)
    throw new CommandError(
      '"docker inspect" requires at least 1 argument.\nSee \'docker inspect --help\'.\n\nUsage:  docker inspect [OPTIONS] NAME|ID [NAME|ID...]\n\nReturn low-level information on Docker objects',
      1,
    );
  const all = e.containers();
  const found: Record<string, unknown>[] = [];
  const missing: string[] = [];
  for (const r of refs) {
    const c = find(e, r);
    if (c) found.push(inspectJson(c, all));
    else missing.push(r);
  }
  const out =
    format === undefined
      ? found.length > 0 || missing.length === 0
        ? JSON.stringify(found, null, 4)
        : '[]'
      : found.map((j) => renderTemplate(format!, j)).join('\n');
  if (missing.length > 0) {
    const err = missing.map((m) => `Error: No such object: ${m}`).join('\n');
    throw new CommandError(out !== '' && found.length > 0 ? `${out}\n${err}` : err, 1);
  }
  return out;
}

function dockerPort(e: DockerEngine, args: string[]): string {
  const [ref, want] = args;
  if (ref === undefined)
    throw new CommandError(
      '"docker port" requires at least 1 argument.\nSee \'docker port --help\'.\n\nUsage:  docker port CONTAINER [PRIVATE_PORT[/PROTO]]\n\nList port mappings or a specific mapping for the container',
      1,
    );
  const c = find(e, ref);
  if (!c) throw new CommandError(`Error response from daemon: No such container: ${ref}`, 1);
  // The model has no IPv6: Docker would also list the [::] binding of each port.
  if (want === undefined)
    return c.ports.map((p) => `${p.containerPort}/${p.proto} -> ${p.hostIp}:${p.hostPort}`).join('\n');
  const m = /^(\d+)(?:\/(tcp|udp|sctp))?$/.exec(want);
  if (!m) throw new CommandError(`Error: invalid port (${want}): must be PORT[/PROTO]`, 1);
  const proto = m[2] ?? 'tcp';
  const hits = c.ports.filter((p) => p.containerPort === Number(m[1]) && p.proto === proto);
  if (hits.length === 0)
    throw new CommandError(`Error: No public port '${m[1]}/${proto}' published for ${ref}`, 1);
  return hits.map((p) => `${p.hostIp}:${p.hostPort}`).join('\n');
}
