import { describe, expect, it } from 'vitest';
import { cameraBox, focusTransform, minScale } from './camera';
import type { CanvasLayout } from './layout';

const layout = {
  machines: [
    { id: 'm:a', name: 'a', x: 0, y: 0, width: 400, height: 300 },
    { id: 'm:b', name: 'b', x: 500, y: 0, width: 400, height: 300 },
  ],
  netns: [
    { id: 'n:a', name: 'a', machine: 'a', x: 10, y: 40, width: 380, height: 250, root: true },
    { id: 'n:pa', name: 'pa', machine: 'a', x: 10, y: 40, width: 100, height: 50, root: false },
    { id: 'n:b', name: 'b', machine: 'b', x: 510, y: 40, width: 380, height: 250, root: true },
  ],
} as unknown as CanvasLayout;

describe('cameraBox', () => {
  it('frames the machine the packet is in', () => {
    expect(cameraBox(layout, 'pa', 'a')).toMatchObject({ x: 0, width: 400 });
  });
  it('pulls back to both machines for a hop between them', () => {
    expect(cameraBox(layout, 'b', 'a')).toEqual({ x: 0, y: 0, width: 900, height: 300 });
  });
  it('knows nothing of an unknown namespace', () => {
    expect(cameraBox(layout, 'nope', null)).toBeNull();
  });
});

describe('focusTransform', () => {
  it('centres the box and fits it', () => {
    const t = focusTransform({ x: 0, y: 0, width: 400, height: 300 }, 1248, 648, 0);
    expect(t.k).toBeCloseTo(2, 5);
    expect(t.x + 200 * t.k).toBeCloseTo(624, 5);
    expect(t.y + 150 * t.k).toBeCloseTo(324, 5);
  });
  it("never goes below presenter mode's scale, where 10 px text renders at 18 px", () => {
    const t = focusTransform({ x: 0, y: 0, width: 900, height: 300 }, 1280, 600, minScale(true));
    expect(t.k * 10).toBeGreaterThanOrEqual(18);
  });
});
