import ELK from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import type { Box, CanvasLayout } from './layout';
import {
  alongSegment,
  anchorIndex,
  aspectBucket,
  FONT,
  textWidth,
  elkToLayout,
  ifaceId,
  netnsId,
  netnsLabelWidth,
  pointAlong,
  polylineLength,
  topologyKey,
  topologyToElkGraph,
} from './layout';
import { fixtureTopology, syntheticTopology } from './fixtures';
import type { Topology } from '../../engine/kernel/trace';

const inside = (inner: Box, outer: Box) =>
  inner.x >= outer.x - 0.5 &&
  inner.y >= outer.y - 0.5 &&
  inner.x + inner.width <= outer.x + outer.width + 0.5 &&
  inner.y + inner.height <= outer.y + outer.height + 0.5;

describe('topologyToElkGraph', () => {
  const g = topologyToElkGraph(fixtureTopology);

  it('lays out each machine on its own: machines > namespaces > interfaces, bridges contain their ports', () => {
    // The top level is arranged by arrange.ts, not by ELK: segments are not ELK nodes.
    expect(g.layoutOptions?.['elk.hierarchyHandling']).toBe('SEPARATE_CHILDREN');
    expect(g.children?.map((c) => c.id)).toEqual(['m:node1', 'm:node2']);
    const node1 = g.children![0]!;
    expect(node1.layoutOptions?.['elk.algorithm']).toBe('layered');
    expect(node1.layoutOptions?.['elk.hierarchyHandling']).toBe('INCLUDE_CHILDREN');
    // The pod first, the root namespace below it, then the sink that pulls the NICs down.
    expect(node1.children?.map((c) => c.id)).toEqual([netnsId('pod1'), netnsId('node1'), 'u:node1']);
    const root1 = node1.children![1]!;
    const cni0 = root1.children!.find((c) => c.id === ifaceId('node1', 'cni0'))!;
    expect(cni0.children?.map((c) => c.id)).toEqual([ifaceId('node1', 'veth1')]);
    expect(root1.children!.map((c) => c.id)).toContain(ifaceId('node1', 'flannel.1'));
    // Loopback is not drawn.
    expect(node1.children![0]!.children!.map((c) => c.id)).toEqual([ifaceId('pod1', 'eth0')]);
  });

  it('has one cable per veth pair inside its machine and one edge from each NIC to the sink', () => {
    const edges = g.children!.flatMap((m) => m.edges ?? []);
    const ids = edges.map((e) => e.id);
    expect(ids.filter((i) => i.startsWith('veth:'))).toHaveLength(2);
    expect(ids.filter((i) => i.startsWith('ether:'))).toHaveLength(2);
    const veth = g.children![0]!.edges!.find((e) => e.sources[0] === ifaceId('pod1', 'eth0'))!;
    expect(veth.targets).toEqual([ifaceId('node1', 'veth1')]);
    const nic = g.children![0]!.edges!.find((e) => e.sources[0] === ifaceId('node1', 'eth0'))!;
    expect(nic.targets).toEqual(['u:node1']);
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

const overlap = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** The distinct rows of machines (they are bottom-aligned in a row). */
const rowsOf = (l: CanvasLayout) => new Set(l.machines.map((m) => Math.round(m.y + m.height))).size;

describe('large topologies (rows of machines)', async () => {
  const elk = new ELK();
  const lay = async (t: Topology, aspect?: number) =>
    elkToLayout(t, await elk.layout(topologyToElkGraph(t)), aspect);
  const big = syntheticTopology(20, 4);
  // ELK once; the rows are arranged again for each view shape, as in the app.
  const bigGraph = await elk.layout(topologyToElkGraph(big));
  const layout = elkToLayout(big, bigGraph);

  it('wraps 20 machines into rows of a screen-like shape, without overlaps', () => {
    expect(rowsOf(layout)).toBeGreaterThan(1);
    expect(layout.width / layout.height).toBeLessThan(4);
    expect(layout.width / layout.height).toBeGreaterThan(0.75);
    for (const a of layout.machines) {
      for (const b of layout.machines)
        if (a !== b) expect(overlap(a, b), `${a.name} / ${b.name}`).toBe(false);
      for (const s of layout.segments) for (const bar of s.bars) expect(overlap(a, bar)).toBe(false);
      expect(a.x + a.width).toBeLessThanOrEqual(layout.width);
      expect(a.y + a.height).toBeLessThanOrEqual(layout.height);
    }
    // Everything stays inside its machine.
    for (const n of layout.netns)
      expect(
        inside(
          n,
          layout.machines.find((m) => m.name === n.machine)!,
        ),
      ).toBe(true);
  });

  it('draws the shared segment as one bar per row joined by a trunk, each NIC cabled to the bar below it', () => {
    const [lan] = layout.segments;
    expect(lan!.bars).toHaveLength(rowsOf(layout));
    expect(lan!.trunk).not.toBeNull();
    for (const bar of lan!.bars) {
      expect(bar.x).toBeCloseTo(lan!.trunk!.x, 5);
      expect(bar.y).toBeGreaterThanOrEqual(lan!.trunk!.y);
      expect(bar.y + bar.height).toBeLessThanOrEqual(lan!.trunk!.y + lan!.trunk!.height + 0.5);
    }
    for (const c of layout.cables.filter((k) => k.kind === 'ether')) {
      const nic = layout.ifaces.find((i) => i.id === c.from)!;
      const end = c.points[c.points.length - 1]!;
      expect(end.y).toBeGreaterThan(nic.y + nic.height);
      expect(
        lan!.bars.some((b) => Math.abs(b.y - end.y) < 0.5 && end.x >= b.x && end.x <= b.x + b.width),
      ).toBe(true);
      // Straight down, crossing no other machine.
      expect(end.x).toBeCloseTo(c.points[0]!.x, 5);
    }
  });

  it('moves the marker between rows along the trunk', () => {
    const idx = anchorIndex(layout);
    const a = idx.anchor('node1', 'eth0')!;
    const b = idx.anchor('node20', 'eth0')!;
    const path = idx.path(a.id, b.id);
    const trunkX = layout.segments[0]!.trunk!.x + layout.segments[0]!.trunk!.width / 2;
    expect(path.filter((p) => Math.abs(p.x - trunkX) < 0.5)).toHaveLength(2);
    expect(alongSegment(layout.segments[0]!, path[2]!, path[2]!)).toEqual([]);
  });

  it('makes more rows for a tall view than for a wide one', () => {
    expect(rowsOf(elkToLayout(big, bigGraph, 0.5))).toBeGreaterThan(rowsOf(elkToLayout(big, bigGraph, 4)));
  });

  it('keeps a few machines side by side in one row', async () => {
    for (const t of [fixtureTopology, syntheticTopology(3, 4), syntheticTopology(2, 2, true)]) {
      const l = await lay(t);
      expect(rowsOf(l)).toBe(1);
      expect(l.segments.every((s) => s.trunk === null && s.bars.length === 1)).toBe(true);
    }
  });

  it('puts two segments that share a NIC span on separate tracks, and ones side by side on one', async () => {
    const l = await lay(syntheticTopology(2, 1, true));
    const [lan, wan] = l.segments;
    // gw is cabled to both; lan spans node1..gw, wan spans gw..internet: they meet halfway, on one track.
    expect(lan!.bars[0]!.y).toBe(wan!.bars[0]!.y);
    expect(lan!.bars[0]!.x + lan!.bars[0]!.width).toBeLessThan(wan!.bars[0]!.x);
  });

  it("draws a namespace with only lo as a wide, short box that holds its label (veth-pair's host)", async () => {
    const t: Topology = {
      machines: [{ name: 'host' }],
      segments: [],
      netns: [
        {
          name: 'host',
          machine: 'host',
          root: true,
          interfaces: [
            {
              name: 'lo',
              ifindex: 1,
              kind: 'loopback',
              mac: '00:00:00:00:00:00',
              mtu: 65536,
              up: true,
              addrs: ['127.0.0.1/8'],
            },
          ],
        },
        {
          name: 'ns1',
          machine: 'host',
          root: false,
          interfaces: [
            {
              name: 'tap1',
              ifindex: 2,
              kind: 'veth',
              mac: '02:00:00:00:00:01',
              mtu: 1500,
              up: true,
              addrs: ['192.168.50.1/24'],
            },
          ],
        },
      ],
    };
    const l = await lay(t);
    const root = l.netns.find((n) => n.name === 'host')!;
    expect(root.width).toBeGreaterThanOrEqual(netnsLabelWidth({ name: 'host', root: true }) + 24);
    expect(root.width).toBeGreaterThan(root.height);
  });

  it('leaves room for the machine title and its role tag', async () => {
    const t = syntheticTopology(1, 1);
    t.machines[0] = { name: 'node1', title: 'a rather long title for this machine', role: 'internet' };
    const l = await lay(t);
    const m = l.machines[0]!;
    expect(m.width).toBeGreaterThanOrEqual(textWidth(m.title, FONT.machine) + textWidth('internet', 12) + 32);
  });
});

describe('aspectBucket', () => {
  it('rounds to half powers of two', () => {
    expect(aspectBucket(810, 358)).toBe(2);
    expect(aspectBucket(400, 400)).toBe(1);
    expect(aspectBucket(100, 1000)).toBe(0.5);
    expect(aspectBucket(0, 0)).toBeCloseTo(16 / 9);
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
