import { describe, expect, it } from 'vitest';
import { cameraBox, CONTROLS_BAND, focusTransform, minScale } from './camera';
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
  it('keeps the band the controls cover free: a box that fits is centred below it', () => {
    const t = focusTransform({ x: 0, y: 0, width: 400, height: 300 }, 1248, 648, 0, { top: CONTROLS_BAND });
    expect(t.y).toBeGreaterThanOrEqual(CONTROLS_BAND);
    expect(t.y + 150 * t.k).toBeCloseTo((CONTROLS_BAND + 24 + 648 - 24) / 2, 5);
  });
  it("a box too big for presenter mode's scale shows its top (the machine's title) below the controls", () => {
    const box = { x: 0, y: 0, width: 500, height: 600 };
    const t = focusTransform(box, 1280, 530, 1.8, { top: CONTROLS_BAND, focus: { x: 250, y: 150 } });
    expect(t.k).toBeCloseTo(1.8, 5);
    expect(t.y).toBeCloseTo(CONTROLS_BAND + 24, 5);
  });
  it('unless the packet would fall out of view: then the packet is centred', () => {
    const box = { x: 0, y: 0, width: 500, height: 600 };
    const t = focusTransform(box, 1280, 530, 1.8, { top: CONTROLS_BAND, focus: { x: 250, y: 560 } });
    const py = t.y + 560 * t.k;
    expect(py).toBeGreaterThan(CONTROLS_BAND);
    expect(py).toBeLessThan(530);
  });
});
