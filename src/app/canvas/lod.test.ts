import { describe, expect, it } from 'vitest';
import type { Trace } from '../../engine/kernel/trace';
import { syntheticTopology } from './fixtures';
import { anchorIndex, type CanvasLayout } from './layout';
import { collapseTopology, COLLAPSE_OVER, journeyMachines, placeSummaries, withSummaries } from './lod';
import { findPlace, matchPlaces, placesOf } from './search';

const big = syntheticTopology(40, 3);

describe('collapseTopology', () => {
  it('draws a small world whole', () => {
    expect(collapseTopology(syntheticTopology(COLLAPSE_OVER, 2), ['node1'])).toBeNull();
  });

  it('keeps the journey machines in full and summarises the others with their namespaces', () => {
    const c = collapseTopology(big, ['node3', 'node30'])!;
    expect(c.kept).toEqual(['node3', 'node30']);
    expect(c.sub.machines.map((m) => m.name)).toEqual(['node3', 'node30']);
    expect(new Set(c.sub.netns.map((n) => n.machine))).toEqual(new Set(['node3', 'node30']));
    expect(c.collapsed).toHaveLength(38);
    const node1 = c.collapsed.find((m) => m.machine === 'node1')!;
    expect(node1.netns).toEqual(big.netns.filter((n) => n.machine === 'node1').map((n) => n.name));
  });
});

describe('journeyMachines', () => {
  it('takes the hops, not a broadcast heard on every machine', () => {
    const hop = (machine: string, netns: string, to?: string) => ({
      first: 0,
      last: 0,
      machine,
      netns,
      ...(to ? { to: { netns: to, interface: 'eth0' } } : {}),
    });
    const trace = {
      topology: big,
      hops: [hop('node3', 'node3', 'node30')],
      events: big.machines.map((m) => ({ machine: m.name })),
    } as unknown as Trace;
    expect(journeyMachines(trace).sort()).toEqual(['node3', 'node30']);
  });
});

describe('placeSummaries', () => {
  it('puts every summary below the full drawing, none overlapping, about as wide as the view is', () => {
    const c = collapseTopology(big, ['node1'])!;
    const g = placeSummaries(c.collapsed, 500, 300, 16 / 9);
    expect(Math.min(...g.boxes.map((b) => b.y))).toBeGreaterThan(500);
    for (const a of g.boxes)
      for (const b of g.boxes)
        if (a !== b)
          expect(
            a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y,
          ).toBe(true);
    expect(g.width / (g.height - 500)).toBeGreaterThan(1);
    expect(g.width / (g.height - 500)).toBeLessThan(4);
  });

  it('anchors an event on a summarised machine at its summary box', () => {
    const c = collapseTopology(big, ['node1'])!;
    const base: CanvasLayout = {
      key: 'k',
      topologyKey: 't',
      width: 400,
      height: 300,
      machines: [],
      netns: [],
      ifaces: [],
      segments: [],
      cables: [],
    };
    const l = withSummaries(base, c, 'full', 16 / 9);
    expect(l.focus).toMatchObject({ x: 0, y: 0, width: 400, height: 300 });
    const a = anchorIndex(l).anchor('node7', 'eth0');
    const box = l.summaries!.find((s) => s.machine === 'node7')!;
    expect(a?.box).toBe(box);
    expect(a!.point.x).toBeGreaterThan(box.x);
    expect(a!.point.x).toBeLessThan(box.x + box.width);
  });
});

describe('search', () => {
  const places = placesOf(big);
  it('finds machines, namespaces and netns/interface, the exact name first', () => {
    expect(findPlace(places, 'node1')).toMatchObject({ machine: 'node1', netns: null });
    expect(findPlace(places, 'NODE12/cni0')).toMatchObject({
      machine: 'node12',
      netns: 'node12',
      iface: 'cni0',
    });
    expect(matchPlaces(places, 'node1', 5).map((p) => p.label)).toEqual([
      'node1',
      'node10',
      'node11',
      'node12',
      'node13',
    ]);
    expect(findPlace(places, 'nowhere')).toBeNull();
  });
});
