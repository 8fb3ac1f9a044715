import ELK from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import type { Box } from './layout';
import {
  anchorIndex,
  FONT,
  textWidth,
  elkToLayout,
  ifaceId,
  netnsId,
  pointAlong,
  polylineLength,
  topologyKey,
  topologyToElkGraph,
} from './layout';
import { fixtureTopology } from './fixtures';

const inside = (inner: Box, outer: Box) =>
  inner.x >= outer.x - 0.5 &&
  inner.y >= outer.y - 0.5 &&
  inner.x + inner.width <= outer.x + outer.width + 0.5 &&
  inner.y + inner.height <= outer.y + outer.height + 0.5;

describe('topologyToElkGraph', () => {
  const g = topologyToElkGraph(fixtureTopology);

  it('nests machines > namespaces > interfaces, bridges contain their ports, segments at the top level', () => {
    expect(g.layoutOptions?.['elk.algorithm']).toBe('layered');
    expect(g.layoutOptions?.['elk.hierarchyHandling']).toBe('INCLUDE_CHILDREN');
    expect(g.children?.map((c) => c.id)).toEqual(['m:node1', 'm:node2', 's:lan']);
    const node1 = g.children![0]!;
    // The pod first, the root namespace below it.
    expect(node1.children?.map((c) => c.id)).toEqual([netnsId('pod1'), netnsId('node1')]);
    const root1 = node1.children![1]!;
    const cni0 = root1.children!.find((c) => c.id === ifaceId('node1', 'cni0'))!;
    expect(cni0.children?.map((c) => c.id)).toEqual([ifaceId('node1', 'veth1')]);
    expect(root1.children!.map((c) => c.id)).toContain(ifaceId('node1', 'flannel.1'));
    // Loopback is not drawn.
    expect(node1.children![0]!.children!.map((c) => c.id)).toEqual([ifaceId('pod1', 'eth0')]);
  });

  it('has one cable per veth pair and one per NIC', () => {
    const ids = g.edges!.map((e) => e.id);
    expect(ids.filter((i) => i.startsWith('veth:'))).toHaveLength(2);
    expect(ids.filter((i) => i.startsWith('ether:'))).toHaveLength(2);
    const veth = g.edges!.find((e) => e.sources[0] === ifaceId('pod1', 'eth0'))!;
    expect(veth.targets).toEqual([ifaceId('node1', 'veth1')]);
  });

  it('keys the topology so equal topologies share a layout', () => {
    expect(topologyKey(structuredClone(fixtureTopology))).toBe(topologyKey(fixtureTopology));
    const changed = structuredClone(fixtureTopology);
    changed.netns[0]!.interfaces[1]!.addrs = ['10.0.0.9/24'];
    expect(topologyKey(changed)).not.toBe(topologyKey(fixtureTopology));
  });
});

describe('elkToLayout (with elkjs)', async () => {
  const elk = new ELK();
  const layout = elkToLayout(fixtureTopology, await elk.layout(topologyToElkGraph(fixtureTopology)));

  it('gives absolute, nested boxes', () => {
    const m1 = layout.machines.find((m) => m.name === 'node1')!;
    const pod1 = layout.netns.find((n) => n.name === 'pod1')!;
    const root1 = layout.netns.find((n) => n.name === 'node1')!;
    const cni0 = layout.ifaces.find((i) => i.id === ifaceId('node1', 'cni0'))!;
    const veth1 = layout.ifaces.find((i) => i.id === ifaceId('node1', 'veth1'))!;
    expect(inside(pod1, m1)).toBe(true);
    expect(inside(root1, m1)).toBe(true);
    expect(inside(cni0, root1)).toBe(true);
    expect(inside(veth1, cni0)).toBe(true);
    expect(cni0.bridge).toBe(true);
    // Compound boxes are wide enough for their header (minimum sizes honoured) and not padded out.
    expect(cni0.width).toBeGreaterThanOrEqual(textWidth('cni0 bridge', FONT.name) + 40);
    expect(cni0.height).toBeLessThan(120);
    expect(pod1.width).toBeGreaterThanOrEqual(textWidth('pod1', FONT.title) + 24);
    // The pod sits above its host's root namespace.
    expect(pod1.y + pod1.height).toBeLessThanOrEqual(root1.y);
    // The machines are side by side, the segment below them and spanning both NICs.
    const m2 = layout.machines.find((m) => m.name === 'node2')!;
    const seg = layout.segments[0]!;
    expect(seg.y).toBeGreaterThanOrEqual(Math.max(m1.y + m1.height, m2.y + m2.height));
    for (const nic of layout.ifaces.filter((i) => i.kind === 'ether')) {
      expect(seg.x).toBeLessThanOrEqual(nic.x);
      expect(seg.x + seg.width).toBeGreaterThanOrEqual(nic.x + nic.width);
    }
    expect(layout.width).toBeGreaterThanOrEqual(seg.x + seg.width);
  });

  it('routes hops along cables and along the segment', () => {
    const idx = anchorIndex(layout);
    const a = idx.anchor('pod1', 'eth0')!;
    const b = idx.anchor('node1', 'veth1')!;
    const p = idx.path(a.id, b.id);
    expect(p[0]).toEqual(a.point);
    expect(p[p.length - 1]).toEqual(b.point);
    expect(p.length).toBeGreaterThan(3);
    const back = idx.path(b.id, a.id);
    expect(back[0]).toEqual(b.point);
    // Across the underlay: down to the segment and back up.
    const n1 = idx.anchor('node1', 'eth0')!;
    const n2 = idx.anchor('node2', 'eth0')!;
    const seg = layout.segments[0]!;
    const under = idx.path(n1.id, n2.id);
    expect(Math.max(...under.map((q) => q.y))).toBeCloseTo(seg.y, 5);
    // Unknown interface (lo) falls back to the namespace box.
    expect(idx.anchor('pod2', 'lo')!.id).toBe(netnsId('pod2'));
    expect(idx.anchor('nowhere', null)).toBeNull();
  });
});

describe('polyline helpers', () => {
  const pts = [
    { x: 0, y: 0 },
    { x: 10, y: 0 },
    { x: 10, y: 10 },
  ];
  it('measures and interpolates', () => {
    expect(polylineLength(pts)).toBe(20);
    expect(pointAlong(pts, 0.25)).toEqual({ x: 5, y: 0 });
    expect(pointAlong(pts, 0.75)).toEqual({ x: 10, y: 5 });
    expect(pointAlong(pts, 1)).toEqual({ x: 10, y: 10 });
    expect(pointAlong([], 0.5)).toEqual({ x: 0, y: 0 });
  });
});
