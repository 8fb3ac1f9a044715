import { describe, expect, it } from 'vitest';
import { FIT_MAX_SCALE, fitTransform } from './zoom';

describe('fitTransform', () => {
  it('fits a big drawing by its tighter side, centred', () => {
    const t = fitTransform({ width: 2000, height: 500 }, 1000, 800, 0);
    expect(t.k).toBe(0.5);
    expect(t.x).toBe(0);
    expect(t.y).toBe((800 - 250) / 2);
  });

  it('enlarges a small drawing, but no further than FIT_MAX_SCALE', () => {
    expect(fitTransform({ width: 400, height: 300 }, 1000, 800, 0).k).toBe(FIT_MAX_SCALE);
    expect(fitTransform({ width: 600, height: 300 }, 1000, 800, 0).k).toBeCloseTo(1000 / 600);
  });

  it('leaves the margin free on the tight side', () => {
    const t = fitTransform({ width: 1000, height: 100 }, 1000, 800, 16);
    expect(t.k).toBeCloseTo(968 / 1000);
    expect(t.x).toBeCloseTo(16);
  });
});
