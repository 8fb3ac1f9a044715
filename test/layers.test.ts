/**
 * The engine's folders form layers: each may import only from the layers below it, so the
 * folder graph has no cycle and no arrow climbs back up (a packet walking from ipRcv never
 * leaves the kernel to reach netfilter). Read from the imports themselves, by the same code
 * as `npx tsx scripts/folder-graph.ts`, which prints the graph.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  cycles,
  ENGINE,
  folderEdges,
  KNOWN_INNER_CYCLES,
  loads,
  newInnerCycles,
  rank,
  upwardEdges,
} from '../scripts/folder-graph';

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

  it('the sub-folders (kernel/stack, kernel/netfilter...) form no cycle but the known one', () => {
    const inner = cycles(folderEdges(2));
    expect(newInnerCycles(inner)).toEqual([]);
    // The known one is still there: once broken, KNOWN_INNER_CYCLES must be emptied.
    expect(inner).toEqual(KNOWN_INNER_CYCLES);
  });

  it('a new sub-folder cycle, or the known one grown, fails', () => {
    const planted = [
      { from: 'kernel/netfilter', to: 'kernel/stack', where: 'a' },
      { from: 'kernel/stack', to: 'kernel/netfilter', where: 'b' },
    ];
    expect(newInnerCycles(cycles(planted))).toEqual([['kernel/netfilter', 'kernel/stack']]);
    const grown = [
      ...planted,
      { from: 'kernel', to: 'kernel/devices', where: 'c' },
      { from: 'kernel/devices', to: 'kernel/stack', where: 'd' },
      { from: 'kernel/stack', to: 'kernel', where: 'e' },
    ];
    expect(newInnerCycles(cycles(grown))).toEqual([
      ['kernel', 'kernel/devices', 'kernel/netfilter', 'kernel/stack'],
    ]);
  });

  it('whatever sends loads the protocols the core hands received frames to (inet_init)', () => {
    // netif_receive_skb finds ARP, IPv4 and IPv6 only in ptype_base, which the stack fills
    // when kernel/stack/inet-init.ts loads: the IPv4 and IPv6 output paths must load it.
    for (const sender of ['kernel/stack/output.ts', 'kernel/stack/ip6.ts'])
      expect(loads(sender, 'kernel/stack/inet-init.ts'), sender).toBe(true);
    expect(loads('kernel/receive.ts', 'kernel/stack/inet-init.ts')).toBe(false);
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
