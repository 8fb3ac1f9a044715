/**
 * The engine's folders form layers: each may import only from the layers below it, so the
 * folder graph has no cycle and no arrow climbs back up (a packet walking from ipRcv never
 * leaves the kernel to reach netfilter). Read from the imports themselves, by the same code
 * as `npx tsx scripts/folder-graph.ts`, which prints the graph.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cycles, ENGINE, folderEdges, rank, upwardEdges } from '../scripts/folder-graph';

describe('engine folder layers', () => {
  const edges = folderEdges();

  it('reads a real import graph (the kernel imports net; the commands import the kernel)', () => {
    expect(edges.some((e) => e.from === 'kernel' && e.to === 'net')).toBe(true);
    expect(edges.some((e) => e.from === 'commands' && e.to === 'kernel')).toBe(true);
    // "../commands" is the folder's index.ts: an arrow to the folder, not to a file beside it.
    expect(edges.some((e) => e.from === 'sim' && e.to === 'commands')).toBe(true);
    expect(edges.filter((e) => !rank.has(e.to)).map((e) => e.to)).toEqual([]);
  });

  it('every engine folder has a layer', () => {
    const folders = readdirSync(ENGINE);
    expect(folders.filter((f) => !rank.has(f))).toEqual([]);
  });

  it('no import climbs back up or sideways, so the folder graph has no cycle', () => {
    expect(upwardEdges(edges).map((e) => `${e.from} -> ${e.to} (${e.where})`)).toEqual([]);
    expect(cycles(edges)).toEqual([]);
  });

  it('the checks see an upward arrow, a sideways one and a cycle', () => {
    const planted = [
      { from: 'kernel', to: 'sim', where: 'a' },
      { from: 'net', to: 'util', where: 'b' },
      { from: 'sim', to: 'kernel', where: 'c' },
    ];
    expect(upwardEdges(planted).map((e) => e.where)).toEqual(['a', 'b']);
    expect(cycles(planted)).toEqual([['kernel', 'sim']]);
  });
});
