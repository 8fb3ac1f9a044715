/**
 * The engine's folders form layers: each may import only from the layers below it, so the
 * folder graph has no cycle and no arrow climbs back up (a packet walking from ipRcv never
 * leaves the kernel to reach netfilter). Read from the imports themselves.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ENGINE = resolve(__dirname, '../src/engine');

/** Lowest first; a folder may import from a strictly lower rank (same rank: neither imports the other). */
const LAYERS: string[][] = [
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
const rank = new Map(LAYERS.flatMap((names, i) => names.map((n) => [n, i] as const)));

function engineFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return engineFiles(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

/** The engine folder (or "index.ts") a path lies in. */
const folderOf = (p: string): string => relative(ENGINE, p).split(/[\\/]/)[0]!;

/** Every cross-folder import as "from -> to (file: specifier)". */
function folderEdges(): { from: string; to: string; where: string }[] {
  const edges: { from: string; to: string; where: string }[] = [];
  for (const file of engineFiles(ENGINE)) {
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)) {
      const target = resolve(dirname(file), m[1]!);
      const from = folderOf(file);
      const to = folderOf(target);
      if (to.startsWith('..')) edges.push({ from, to: 'outside src/engine', where: relative(ENGINE, file) });
      else if (from !== to) edges.push({ from, to, where: `${relative(ENGINE, file)}: ${m[1]}` });
    }
  }
  return edges;
}

describe('engine folder layers', () => {
  const edges = folderEdges();

  it('reads a real import graph (the kernel imports net; the commands import the kernel)', () => {
    expect(edges.some((e) => e.from === 'kernel' && e.to === 'net')).toBe(true);
    expect(edges.some((e) => e.from === 'commands' && e.to === 'kernel')).toBe(true);
  });

  it('every engine folder has a layer', () => {
    const folders = readdirSync(ENGINE);
    expect(folders.filter((f) => !rank.has(f))).toEqual([]);
  });

  it('no import climbs back up or sideways, so the folder graph has no cycle', () => {
    const bad = edges
      .filter((e) => !(rank.get(e.from)! > (rank.get(e.to) ?? Infinity)))
      .map((e) => `${e.from} -> ${e.to} (${e.where})`);
    expect(bad).toEqual([]);
  });
});
