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
  KERNEL_LAYERS,
  kernelUpwardEdges,
  loads,
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

  it('the sub-folders (kernel/stack, kernel/netfilter...) form no cycle', () => {
    expect(cycles(folderEdges(2))).toEqual([]);
  });

  it('the kernel core imports neither the stack nor a driver, and the stack no driver', () => {
    const inner = folderEdges(2);
    // The real graph: the drivers build on the stack, the stack and netfilter on the core.
    for (const [from, to] of [
      ['kernel/devices', 'kernel/stack'],
      ['kernel/stack', 'kernel'],
      ['kernel/netfilter', 'kernel'],
    ])
      expect(inner.some((e) => e.from === from && e.to === to)).toBe(true);
    expect(kernelUpwardEdges(inner).map((e) => `${e.from} -> ${e.to} (${e.where})`)).toEqual([]);
    // Every kernel folder has a layer: a new one must be placed.
    const kernelFolders = new Set(inner.flatMap((e) => [e.from, e.to]).filter((f) => f.startsWith('kernel')));
    expect([...kernelFolders].filter((f) => !KERNEL_LAYERS.flat().includes(f))).toEqual([]);
  });

  it('a sub-folder cycle, or a kernel arrow climbing back up, fails', () => {
    // The cycle this layering broke: World made lo and the wires, the drivers called
    // netif_receive_skb in the stack, and the stack called the bridge and tunnel drivers.
    const old = [
      { from: 'kernel', to: 'kernel/devices', where: 'world.ts' },
      { from: 'kernel/devices', to: 'kernel/stack', where: 'devices/veth.ts' },
      { from: 'kernel/stack', to: 'kernel/devices', where: 'stack/receive.ts' },
      { from: 'kernel/stack', to: 'kernel', where: 'stack/ip-input.ts' },
    ];
    expect(cycles(old)).toEqual([['kernel', 'kernel/devices', 'kernel/stack']]);
    expect(kernelUpwardEdges(old).map((e) => e.where)).toEqual(['world.ts', 'stack/receive.ts']);
    // Sideways: netfilter and the drivers do not know each other.
    const sideways = [{ from: 'kernel/netfilter', to: 'kernel/devices', where: 'a' }];
    expect(kernelUpwardEdges(sideways).map((e) => e.where)).toEqual(['a']);
    expect(cycles([...sideways, { from: 'kernel/devices', to: 'kernel/netfilter', where: 'b' }])).toEqual([
      ['kernel/devices', 'kernel/netfilter'],
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
