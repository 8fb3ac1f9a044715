import { describe, expect, it } from 'vitest';
import {
  arrange,
  assignTracks,
  balancedRows,
  fillRows,
  MACHINE_GAP,
  type ArrangeMachine,
  type LanePiece,
} from './arrange';

const machine = (id: string, width: number, nics: [segment: string, x: number][] = []): ArrangeMachine => ({
  id,
  width,
  height: 100,
  nics: nics.map(([segment, x], k) => ({ id: `${id}/${k}`, segment, x, width: 40 })),
});

describe('rows', () => {
  it('fills rows in model order up to a width', () => {
    expect(fillRows([100, 100, 100], 100 * 2 + MACHINE_GAP)).toEqual([[0, 1], [2]]);
    expect(fillRows([300, 100], 200)).toEqual([[0], [1]]);
  });
  it('balances rows: the narrowest widest row for a number of rows', () => {
    expect(balancedRows([100, 100, 100, 100], 2)).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(balancedRows([300, 100, 100, 100], 2)).toEqual([[0], [1, 2, 3]]);
    expect(balancedRows([100, 100], 1)).toEqual([[0, 1]]);
  });
  it('chooses more rows for a taller view', () => {
    const ms = Array.from({ length: 12 }, (_, i) => machine(`m${i}`, 200, [['lan', 80]]));
    const segs = [{ id: 'lan', minWidth: 160 }];
    expect(arrange(ms, segs, 4).rows).toBeLessThan(arrange(ms, segs, 0.5).rows);
    expect(arrange([], segs, 2).segments.get('lan')!.bars).toHaveLength(1);
  });
});

describe('lane tracks', () => {
  const piece = (segment: string, lo: number, hi: number, drops: number[]): LanePiece => ({
    segment,
    lo,
    hi,
    coreLo: lo,
    coreHi: hi,
    drops,
  });
  it('orders overlapping bars so that fewer NIC cables cross a bar that is not theirs', () => {
    // wide spans everything with NICs at both ends and one in the middle; short covers the middle.
    const wide = piece('wide', 0, 1000, [20, 500, 980]);
    const short = piece('short', 300, 700, [320, 680]);
    const tracks = assignTracks([wide, short]);
    // short on top: only wide's middle NIC crosses it (1); the other way round both of short's would (2).
    expect(tracks.get(short)).toBe(0);
    expect(tracks.get(wide)).toBe(1);
  });
  it('shares a track between bars that do not overlap', () => {
    const a = piece('a', 0, 100, [50]);
    const b = piece('b', 200, 300, [250]);
    const tracks = assignTracks([a, b]);
    expect(tracks.get(a)).toBe(0);
    expect(tracks.get(b)).toBe(0);
  });
});
