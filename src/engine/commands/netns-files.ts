/**
 * Where a machine's network namespaces can be found in its file system. A namespace has no
 * name in the kernel: tools reach it through a file. `ip netns add NAME` bind-mounts it on
 * /run/netns/NAME (/var/run is a link to /run), dockerd on /run/docker/netns/<sandbox id>,
 * and every process shows its own at /proc/PID/ns/net. `ip netns list` reads /run/netns
 * only, which is why Docker's namespaces are not in it until someone links one there.
 *
 * Design: the scenario still names every namespace (the Trace's netns names, flows'
 * `netns:`, the per-netns terminal); this module is the user-space view of them. A
 * namespace nobody registered elsewhere lives at /run/netns/<its scenario name>, as
 * `ip netns add` made it; dockerd registers its own under /run/docker/netns.
 */
import type { Netns } from '../kernel/netns';
import type { Machine, World } from '../kernel/world';

export const NETNS_RUN_DIR = '/run/netns';

interface MachineFiles {
  /** Namespaces bound somewhere other than /run/netns/<name>, by path. */
  bound: Map<string, Netns>;
  /** Symbolic links (`ln -s TARGET PATH`), by path, newest last. */
  links: Map<string, string>;
  /** Directories made by hand (`mkdir -p /run/netns`) or by `ip netns add`. */
  dirs: Set<string>;
  /** Processes and the namespace each runs in (pid 1 is the machine's init). */
  pids: Map<number, Netns>;
}

const registry = new WeakMap<World, Map<string, MachineFiles>>();

function filesOf(world: World, machine: string): MachineFiles {
  let m = registry.get(world);
  if (!m) registry.set(world, (m = new Map()));
  let f = m.get(machine);
  if (!f) m.set(machine, (f = { bound: new Map(), links: new Map(), dirs: new Set(), pids: new Map() }));
  return f;
}

/** /var/run/x and /run/x are the same file; "a//b/" is "a/b". */
export function normalizePath(path: string): string {
  const p = path.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
  return p.startsWith('/var/run/') || p === '/var/run' ? p.slice(4) : p;
}

function boundPath(f: MachineFiles, ns: Netns): string | undefined {
  for (const [path, n] of f.bound) if (n === ns) return path;
  return undefined;
}

function alive(world: World, ns: Netns): boolean {
  return world.netns.get(ns.name) === ns;
}

/** dockerd (or anything else) bound `ns` on `path` instead of /run/netns/<name>. */
export function bindNetns(world: World, machine: string, path: string, ns: Netns): void {
  filesOf(world, machine).bound.set(normalizePath(path), ns);
}

/** The scenario name a namespace created on `path` gets: the one registered for it, or the file's name. */
export function pendingName(world: World, machine: string, path: string): string | undefined {
  return names.get(world)?.get(`${machine}:${normalizePath(path)}`);
}

const names = new WeakMap<World, Map<string, string>>();

/** dockerd says which scenario name the namespace it is about to create on `path` has. */
export function nameNetnsFile(world: World, machine: string, path: string, name: string): void {
  let m = names.get(world);
  if (!m) names.set(world, (m = new Map()));
  m.set(`${machine}:${normalizePath(path)}`, name);
}

export function registerPid(world: World, machine: string, pid: number, ns: Netns): void {
  filesOf(world, machine).pids.set(pid, ns);
}

export function pidsOf(world: World, machine: string): Map<number, Netns> {
  return filesOf(world, machine).pids;
}

/** Did `ip netns add` make `n` on this machine (not its root, not bound elsewhere)? */
function madeByIpNetns(machine: Machine, f: MachineFiles, n: Netns): boolean {
  if (n.machine !== machine.name || n.root) return false;
  for (const b of f.bound.values()) if (b === n) return false;
  return true;
}

/** The namespaces `ip netns add` made on this machine (those not bound elsewhere). */
function ipNetnsMade(world: World, machine: Machine, f: MachineFiles): Netns[] {
  return [...world.netns.values()].filter((n) => madeByIpNetns(machine, f, n));
}

/** The namespace a path names (following links), or undefined when there is no such file. */
export function netnsAt(world: World, machine: Machine, path: string, self?: Netns): Netns | undefined {
  const f = filesOf(world, machine.name);
  let p = normalizePath(path);
  for (let hops = 0; hops < 40; hops++) {
    const target = f.links.get(p);
    if (target === undefined) break;
    p = normalizePath(target);
  }
  const proc = /^\/proc\/(\d+|self)\/ns\/net$/.exec(p);
  if (proc) {
    if (proc[1] === 'self') return self ?? machine.root;
    const pid = Number(proc[1]);
    if (pid === 1) return machine.root;
    const ns = f.pids.get(pid);
    return ns && alive(world, ns) ? ns : undefined;
  }
  const bound = f.bound.get(p);
  if (bound) return alive(world, bound) ? bound : undefined;
  if (p.startsWith(`${NETNS_RUN_DIR}/`)) {
    // Scenario names are unique in the world: one lookup, not a scan of every namespace.
    const n = world.netns.get(p.slice(NETNS_RUN_DIR.length + 1));
    return n && madeByIpNetns(machine, f, n) ? n : undefined;
  }
  return undefined;
}

/** The file a namespace is bound on (/run/netns/<name> unless someone bound it elsewhere). */
export function netnsFile(world: World, ns: Netns): string {
  if (ns.root) return '/proc/1/ns/net';
  return boundPath(filesOf(world, ns.machine), ns) ?? `${NETNS_RUN_DIR}/${ns.name}`;
}

/** What `ls DIR` shows: file names in a directory of namespace files, newest first (tmpfs order). */
export function listDir(world: World, machine: Machine, dir: string): string[] | undefined {
  const f = filesOf(world, machine.name);
  const d = normalizePath(dir);
  const links = [...f.links.keys()].filter((p) => p.startsWith(`${d}/`)).map((p) => p.slice(d.length + 1));
  let files: string[];
  if (d === NETNS_RUN_DIR) files = ipNetnsMade(world, machine, f).map((n) => n.name);
  else
    files = [...f.bound.entries()]
      .filter(([p, n]) => p.startsWith(`${d}/`) && alive(world, n))
      .map(([p]) => p.slice(d.length + 1));
  if (files.length === 0 && links.length === 0 && !dirExists(world, machine, d)) return undefined;
  return [...links.reverse(), ...files.reverse()];
}

export function dirExists(world: World, machine: Machine, dir: string): boolean {
  const f = filesOf(world, machine.name);
  const d = normalizePath(dir);
  if (['/', '/run', '/proc', '/tmp', '/var', '/run/docker'].includes(d)) return true;
  if (f.dirs.has(d)) return true;
  if (d === NETNS_RUN_DIR) return ipNetnsMade(world, machine, f).length > 0;
  return [...f.bound.keys()].some((p) => p.startsWith(`${d}/`));
}

export function makeDir(world: World, machine: string, dir: string): void {
  filesOf(world, machine).dirs.add(normalizePath(dir));
}

export function fileExists(world: World, machine: Machine, path: string): boolean {
  const p = normalizePath(path);
  const f = filesOf(world, machine.name);
  return f.links.has(p) || netnsAt(world, machine, p) !== undefined || dirExists(world, machine, p);
}

export function addLink(world: World, machine: string, path: string, target: string): void {
  filesOf(world, machine).links.set(normalizePath(path), target);
}

export function removeLink(world: World, machine: string, path: string): boolean {
  return filesOf(world, machine).links.delete(normalizePath(path));
}

export function isLink(world: World, machine: string, path: string): boolean {
  return filesOf(world, machine).links.has(normalizePath(path));
}

/**
 * Every path that names a namespace of `machine`, to its scenario name: the files
 * namespaces are bound on and the /proc/PID/ns/net of known processes (the kernel lab
 * turns nsenter/unshare on them into its own named namespaces).
 */
export function namespacePaths(world: World, machine: string): Map<string, string> {
  const out = new Map<string, string>();
  const f = filesOf(world, machine);
  for (const [path, ns] of f.bound) if (alive(world, ns)) out.set(path, ns.name);
  for (const [pid, ns] of f.pids) if (alive(world, ns)) out.set(`/proc/${pid}/ns/net`, ns.name);
  return out;
}
