import { readFileSync } from 'node:fs';
import ELK from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import { loadScenario, traceFlow } from '../../engine';
import { journeyOf } from './journey';
import { anchorIndex, DEFAULT_ASPECT, elkToLayout, topologyToElkGraph } from './layout';
import { crossings, markPlacer, namesUnderLines, pathRouter, routeAround, segmentHits } from './place';

describe('routeAround', () => {
  const box = { x: 40, y: 40, width: 20, height: 20 };

  it('tells a segment through a box from one beside or along it', () => {
    expect(segmentHits({ x: 0, y: 50 }, { x: 100, y: 50 }, box)).toBe(true);
    expect(segmentHits({ x: 0, y: 0 }, { x: 100, y: 100 }, box)).toBe(true);
    expect(segmentHits({ x: 0, y: 30 }, { x: 100, y: 30 }, box)).toBe(false);
    expect(segmentHits({ x: 0, y: 40 }, { x: 100, y: 40 }, box)).toBe(false);
    expect(segmentHits({ x: 0, y: 50 }, { x: 30, y: 50 }, box)).toBe(false);
  });

  it('goes straight or with one bend when nothing is in the way, round a box when one is', () => {
    expect(routeAround({ x: 0, y: 20 }, { x: 100, y: 20 }, [box])).toEqual([
      { x: 0, y: 20 },
      { x: 100, y: 20 },
    ]);
    // Along the rows and columns of the drawing rather than across them: one bend.
    expect(routeAround({ x: 0, y: 0 }, { x: 100, y: 20 }, [box])).toHaveLength(3);
    const p = routeAround({ x: 0, y: 50 }, { x: 100, y: 50 }, [box]);
    expect(crossings(p, [box])).toBe(0);
    expect(p[0]).toEqual({ x: 0, y: 50 });
    expect(p[p.length - 1]).toEqual({ x: 100, y: 50 });
    // Round it with horizontal and vertical legs only.
    for (let i = 1; i < p.length; i++) expect(p[i]!.x === p[i - 1]!.x || p[i]!.y === p[i - 1]!.y).toBe(true);
  });
});

describe('the journey drawn on a real layout', () => {
  const elk = new ELK();
  for (const [scenario, flow] of [
    ['docker-bridge', 'c1-to-web'],
    ['k8s-service-iptables', 'client-to-clusterip'],
    ['flannel-vxlan', 'pod-a-ping-pod-b'],
  ] as const) {
    it(`crosses no name drawn under it: ${scenario} ${flow}`, async () => {
      const file = `scenarios/${scenario}.yaml`;
      const trace = traceFlow(loadScenario(readFileSync(file, 'utf8'), file), flow);
      const layout = elkToLayout(
        trace.topology,
        await elk.layout(topologyToElkGraph(trace.topology)),
        DEFAULT_ASPECT,
      );
      const index = anchorIndex(layout, markPlacer(layout), pathRouter(layout));
      // Interfaces, bridge headers and namespace names are drawn over the journey.
      const obstacles = namesUnderLines(layout);
      const { pieces } = journeyOf(trace, index);
      expect(pieces.length).toBeGreaterThan(3);
      const crossing = pieces.filter((p) => crossings(p.points, obstacles) > 0);
      expect(crossing.map((p) => `hop ${p.hop} at event ${p.first}`)).toEqual([]);
    });
  }
});
