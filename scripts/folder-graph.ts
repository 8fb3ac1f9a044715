/**
 * The engine's folder import graph, read from the imports themselves: prints each folder's
 * arrows (with how many imports make them) in layer order, then the same graph one level
 * down (kernel/stack, kernel/netfilter, commands/iptables...), and exits 1 when an arrow
 * between folders climbs back up a layer or sideways, or when the folder graph has a cycle.
 * The layers are the top folders; one level down (kernel/stack, kernel/netfilter...) the
 * sub-folders must form no cycle either, and the kernel's own folders keep its layers
 * (KERNEL_LAYERS: the core below the stack, the stack below netfilter and the drivers).
 * Usage: tsx scripts/folder-graph.ts   (test/layers.test.ts runs the same checks)
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ENGINE = resolve(import.meta.dirname, '../src/engine');

/** Lowest first; a folder may import only from a strictly lower rank (same rank: neither imports the other). */
export const LAYERS: string[][] = [
  ['net', 'util'],
  ['kernel'],
  ['apps'],
  ['commands'],
  ['controllers'],
  ['scenario'],
  ['sim'],
  ['lab'],
  ['index.ts'],
];
/**
 * The kernel's own layers, lowest first, as in Linux: the core (net/core: netif_receive_skb,
 * dev_queue_xmit, net_device, the namespaces and the world's wires) knows neither the protocols
 * nor the drivers; the stack (net/ipv4, net/ipv6) builds on the core; netfilter and the drivers
 * (bridge, tunnels, veth) build on both and not on each other. A lower layer reaches a higher
 * one only through what registers itself with it: ptype_base, a port's rx_handler,
 * inet_protos, a UDP tunnel's encap_rcv, Netns.netfilter.
 */
export const KERNEL_LAYERS: string[][] = [
  ['kernel'],
  ['kernel/stack'],
  ['kernel/devices', 'kernel/netfilter'],
];

const kernelRank = new Map(KERNEL_LAYERS.flatMap((names, i) => names.map((n) => [n, i] as const)));

/** Arrows between two of the kernel's folders (at depth 2) that do not go strictly down KERNEL_LAYERS. */
export function kernelUpwardEdges(edges: Edge[]): Edge[] {
  return edges.filter((e) => {
    const from = kernelRank.get(e.from);
    const to = kernelRank.get(e.to);
    return from !== undefined && to !== undefined && !(from > to);
  });
}

export const rank = new Map(LAYERS.flatMap((names, i) => names.map((n) => [n, i] as const)));

export interface Edge {
  from: string;
  to: string;
  /** The importing file and the specifier, for the message. */
  where: string;
}

function engineFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return engineFiles(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

/**
 * The folder a path lies in, `depth` levels below src/engine ("kernel", or "kernel/stack" at
 * depth 2); a file directly in a folder counts as that folder ("kernel/world.ts" is "kernel").
 */
export function folderOf(p: string, depth = 1): string {
  const parts = relative(ENGINE, p).split(sep);
  const dirs = parts.slice(0, -1);
  return dirs.length === 0 ? parts[0]! : dirs.slice(0, depth).join('/');
}

/** The file an import specifier names: "./x" is x.ts, or x/index.ts for a folder. */
function moduleFile(target: string): string {
  if (target.endsWith('.ts')) return target;
  return existsSync(`${target}.ts`) ? `${target}.ts` : join(target, 'index.ts');
}

/** A file's relative import specifiers (`import type` and side-effect imports included). */
function specifiers(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  return [...src.matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)].map((m) => m[1]!);
}

/**
 * Whether loading engine file `from` (a path under src/engine) loads `to` too, through any
 * chain of imports: a module that registers itself on load is there once `from` is.
 */
export function loads(from: string, to: string): boolean {
  const seen = new Set<string>();
  const todo = [resolve(ENGINE, from)];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of specifiers(file)) todo.push(moduleFile(resolve(dirname(file), spec)));
  }
  return seen.has(resolve(ENGINE, to));
}

/** Every import between two different folders (at `depth`), outside src/engine named as such. */
export function folderEdges(depth = 1): Edge[] {
  const edges: Edge[] = [];
  for (const file of engineFiles(ENGINE)) {
    for (const spec of specifiers(file)) {
      const target = resolve(dirname(file), spec);
      const from = folderOf(file, depth);
      if (relative(ENGINE, target).startsWith('..'))
        edges.push({ from, to: 'outside src/engine', where: relative(ENGINE, file) });
      else {
        const to = folderOf(moduleFile(target), depth);
        if (from !== to) edges.push({ from, to, where: `${relative(ENGINE, file)}: ${spec}` });
      }
    }
  }
  return edges;
}

/** Arrows that do not go strictly down the layers (by the top folder of each end). */
export function upwardEdges(edges: Edge[]): Edge[] {
  const top = (f: string): string => f.split('/')[0]!;
  return edges.filter((e) => !(rank.get(top(e.from))! > (rank.get(top(e.to)) ?? Infinity)));
}

/** The graph's cycles, as its strongly connected components of more than one folder (Tarjan). */
export function cycles(edges: Edge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    if (!next.has(e.from)) next.set(e.from, new Set());
    next.get(e.from)!.add(e.to);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return out;
}

/** "from -> to (n)" lines, lowest layer first, then by name. */
function printGraph(edges: Edge[]): string[] {
  const count = new Map<string, number>();
  for (const e of edges) count.set(`${e.from}\0${e.to}`, (count.get(`${e.from}\0${e.to}`) ?? 0) + 1);
  const order = (f: string): number => rank.get(f.split('/')[0]!) ?? 99;
  const froms = [...new Set(edges.map((e) => e.from))].sort(
    (a, b) => order(a) - order(b) || a.localeCompare(b),
  );
  return froms.map((f) => {
    const tos = [...count.keys()]
      .filter((k) => k.startsWith(`${f}\0`))
      .map((k) => k.split('\0')[1]!)
      .sort((a, b) => order(b) - order(a) || a.localeCompare(b));
    return `  ${f} -> ${tos.map((t) => `${t} (${count.get(`${f}\0${t}`)})`).join(', ')}`;
  });
}

function main(): number {
  console.log(`layers, lowest first: ${LAYERS.map((l) => l.join(' ')).join(' < ')}`);
  const edges = folderEdges(1);
  console.log('\nfolders (A -> B: A imports from B; how many imports):');
  for (const line of printGraph(edges)) console.log(line);
  const up = upwardEdges(edges);
  const loops = cycles(edges);
  for (const e of up) console.log(`UPWARD: ${e.from} -> ${e.to} (${e.where})`);
  for (const c of loops) console.log(`CYCLE: ${c.join(' <-> ')}`);
  if (up.length === 0 && loops.length === 0) console.log('no cycle, no upward arrow');
  const inner = folderEdges(2);
  console.log('\nsubfolders (files directly in a folder count as the folder):');
  for (const line of printGraph(inner)) console.log(line);
  const innerUp = kernelUpwardEdges(inner);
  const innerLoops = cycles(inner);
  for (const e of innerUp) console.log(`UPWARD: ${e.from} -> ${e.to} (${e.where})`);
  for (const c of innerLoops) console.log(`CYCLE: ${c.join(' <-> ')}`);
  if (innerUp.length === 0 && innerLoops.length === 0) console.log('no cycle, no upward arrow in the kernel');
  return up.length > 0 || loops.length > 0 || innerUp.length > 0 || innerLoops.length > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exit(main());
