/**
 * The top level of the canvas: machines (already laid out inside by ELK) are placed in rows, and
 * each row is followed by a lane holding the bars of the segments its NICs are cabled to.
 *
 * One row is what a handful of machines look best in; twenty in one row would be a thin strip,
 * unreadable once fitted to the screen. So the number of rows is chosen to make the drawing fit a
 * view of a given aspect ratio at the largest scale. A segment that reaches several rows gets one
 * bar per row, joined by a vertical trunk in a gutter on the left: it stays one visible network.
 * Pure geometry, no DOM, no ELK.
 */
import type { Box, Point } from './layout';

/** A NIC, in its machine's coordinates (the machine's top-left corner is 0,0). */
export interface ArrangeNic {
  id: string;
  segment: string;
  x: number;
  width: number;
}
export interface ArrangeMachine {
  id: string;
  width: number;
  height: number;
  nics: ArrangeNic[];
}
export interface ArrangeSegment {
  id: string;
  /** Narrowest bar that still shows the title. */
  minWidth: number;
}
export interface SegmentPlan {
  /** One bar per row of machines the segment reaches, top to bottom. */
  bars: Box[];
  /** The vertical bar joining `bars` (null when there is a single bar). */
  trunk: Box | null;
}
export interface Arrangement {
  /** Top-left corner of each machine. */
  at: Map<string, Point>;
  segments: Map<string, SegmentPlan>;
  /** The bar each NIC is cabled to. */
  barOf: Map<string, Box>;
  rows: number;
  width: number;
  height: number;
}

export const PAD = 16;
export const MACHINE_GAP = 28;
/** From the bottom of a row's machines to its first segment bar (room for the NIC cables). */
export const LANE_GAP = 40;
export const BAR_HEIGHT = 30;
export const TRACK_GAP = 12;
/** From a lane (or a row without one) to the next row. */
export const ROW_GAP = 36;
export const TRUNK_WIDTH = 10;
export const TRUNK_PITCH = 22;
/** How far a bar reaches beyond the NICs at its ends (less where two bars share a track). */
const BAR_OVERHANG = 12;
/** The least room between the NICs of two bars sharing a track. */
const SHARED_TRACK_GAP = 16;
/**
 * Rows must make the drawing this much larger than one row to be chosen: a few machines read best
 * side by side above one bar per segment (no trunks), even if somewhat smaller.
 */
const ROWS_COST = 1.5;
/** Beyond this many segments in one lane, tracks follow model order instead of trying every order. */
const MAX_PERMUTED = 5;

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** Machines in model order, a new row whenever the next one would make the row wider than `limit`. */
export function fillRows(widths: readonly number[], limit: number): number[][] {
  const rows: number[][] = [];
  let row: number[] = [];
  let w = 0;
  widths.forEach((width, i) => {
    const next = row.length === 0 ? width : w + MACHINE_GAP + width;
    if (row.length > 0 && next > limit) {
      rows.push(row);
      row = [i];
      w = width;
    } else {
      row.push(i);
      w = next;
    }
  });
  if (row.length > 0) rows.push(row);
  return rows;
}

/** The most even split of the machines into at most `count` rows (the narrowest widest row). */
export function balancedRows(widths: readonly number[], count: number): number[][] {
  let lo = Math.max(0, ...widths);
  let hi = sum(widths) + MACHINE_GAP * Math.max(0, widths.length - 1);
  // Binary search on the row-width limit: 40 halvings are far below a pixel.
  for (let k = 0; k < 40 && hi - lo > 0.5; k++) {
    const mid = (lo + hi) / 2;
    if (fillRows(widths, mid).length <= count) hi = mid;
    else lo = mid;
  }
  return fillRows(widths, hi);
}

/** A segment's bar in one row's lane, before it gets a track. */
export interface LanePiece {
  segment: string;
  lo: number;
  hi: number;
  /** The part that cannot be trimmed (the NICs' span, or all of a widened or trunked bar). */
  coreLo: number;
  coreHi: number;
  /** Centres of the NICs cabled to this piece. */
  drops: number[];
}

function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [xs.slice()];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

const overlaps = (a: LanePiece, b: LanePiece) =>
  a.coreLo < b.coreHi + SHARED_TRACK_GAP && b.coreLo < a.coreHi + SHARED_TRACK_GAP;

/** First-fit tracks in the given order; returns the track of each piece (same order). */
function firstFit(order: readonly LanePiece[]): number[] {
  const tracks: LanePiece[][] = [];
  return order.map((p) => {
    let k = tracks.findIndex((t) => !t.some((q) => overlaps(p, q)));
    if (k < 0) k = tracks.push([]) - 1;
    tracks[k]!.push(p);
    return k;
  });
}

/** Cables that pass over a bar they do not belong to on their way down to a lower track. */
function crossings(order: readonly LanePiece[], tracks: readonly number[]): number {
  let n = 0;
  order.forEach((p, i) => {
    for (const x of p.drops) {
      order.forEach((q, j) => {
        if (tracks[j]! < tracks[i]! && x >= q.lo && x <= q.hi) n++;
      });
    }
  });
  return n;
}

/**
 * Tracks of one lane: overlapping bars go on separate tracks, ordered so that as few NIC cables as
 * possible cross another segment's bar (then as few tracks as possible).
 */
export function assignTracks(pieces: readonly LanePiece[]): Map<LanePiece, number> {
  const orders = pieces.length <= MAX_PERMUTED ? permutations(pieces) : [pieces.slice()];
  let best: { order: LanePiece[]; tracks: number[]; cost: number } | null = null;
  for (const order of orders) {
    const tracks = firstFit(order);
    // A crossing costs more than any number of extra tracks.
    const cost = crossings(order, tracks) * 1000 + Math.max(0, ...tracks);
    if (!best || cost < best.cost) best = { order, tracks, cost };
  }
  const out = new Map<LanePiece, number>();
  best?.order.forEach((p, i) => out.set(p, best.tracks[i]!));
  return out;
}

/** Bars side by side on a track give up their overhang where they would touch: they meet halfway. */
function trimShared(pieces: readonly LanePiece[], tracks: ReadonlyMap<LanePiece, number>): void {
  const byTrack = new Map<number, LanePiece[]>();
  for (const p of pieces) {
    const list = byTrack.get(tracks.get(p)!) ?? [];
    list.push(p);
    byTrack.set(tracks.get(p)!, list);
  }
  for (const list of byTrack.values()) {
    list.sort((a, b) => a.lo - b.lo);
    for (let i = 1; i < list.length; i++) {
      const a = list[i - 1]!;
      const b = list[i]!;
      if (a.hi + TRACK_GAP <= b.lo) continue;
      const mid = (a.coreHi + b.coreLo) / 2;
      a.hi = Math.max(a.coreHi, Math.min(a.hi, mid - TRACK_GAP / 2));
      b.lo = Math.min(b.coreLo, Math.max(b.lo, mid + TRACK_GAP / 2));
    }
  }
}

/** Segments cabled to machines in more than one row: they get a trunk, in model order. */
function trunked(rows: readonly ArrangeMachine[][], segments: readonly ArrangeSegment[]): string[] {
  const rowCount = new Map<string, number>();
  for (const row of rows) {
    const here = new Set(row.flatMap((m) => m.nics.map((n) => n.segment)));
    for (const s of here) rowCount.set(s, (rowCount.get(s) ?? 0) + 1);
  }
  return segments.filter((s) => (rowCount.get(s.id) ?? 0) > 1).map((s) => s.id);
}

/** The bars of one row's lane, before tracks are assigned. */
function lanePieces(
  row: readonly ArrangeMachine[],
  at: ReadonlyMap<string, Point>,
  segments: readonly ArrangeSegment[],
  trunkX: ReadonlyMap<string, number>,
  left: number,
): LanePiece[] {
  const pieces: LanePiece[] = [];
  for (const s of segments) {
    const nics = row.flatMap((m) =>
      m.nics.filter((n) => n.segment === s.id).map((n) => ({ x: at.get(m.id)!.x + n.x, width: n.width })),
    );
    if (nics.length === 0) continue;
    let coreLo = Math.min(...nics.map((n) => n.x));
    let coreHi = Math.max(...nics.map((n) => n.x + n.width));
    let lo = Math.max(left, coreLo - BAR_OVERHANG);
    let hi = coreHi + BAR_OVERHANG;
    if (hi - lo < s.minWidth) {
      // Widen around the NICs (not into the trunk gutter), all of it kept: the title needs it.
      lo = coreLo = Math.max(left, (lo + hi - s.minWidth) / 2);
      hi = coreHi = lo + s.minWidth;
    }
    const trunk = trunkX.get(s.id);
    if (trunk !== undefined) lo = coreLo = trunk;
    pieces.push({ segment: s.id, lo, hi, coreLo, coreHi, drops: nics.map((n) => n.x + n.width / 2) });
  }
  return pieces;
}

/** Place machines row by row (bottom-aligned in a row: their NICs sit at the bottom) and their lanes. */
export function placeRows(
  rows: readonly ArrangeMachine[][],
  segments: readonly ArrangeSegment[],
): Arrangement {
  const trunks = trunked(rows, segments);
  const trunkX = new Map(trunks.map((id, k) => [id, PAD + k * TRUNK_PITCH]));
  const left = PAD + trunks.length * TRUNK_PITCH;
  const at = new Map<string, Point>();
  const bars = new Map<string, Box[]>(segments.map((s) => [s.id, []]));
  const barOf = new Map<string, Box>();
  let right = left;
  let y = PAD;
  for (const row of rows) {
    const rowHeight = Math.max(...row.map((m) => m.height));
    let x = left;
    for (const m of row) {
      at.set(m.id, { x, y: y + rowHeight - m.height });
      x += m.width + MACHINE_GAP;
    }
    right = Math.max(right, x - MACHINE_GAP);
    const bottom = y + rowHeight;
    const pieces = lanePieces(row, at, segments, trunkX, left);
    const tracks = assignTracks(pieces);
    trimShared(pieces, tracks);
    let laneBottom = bottom;
    for (const p of pieces) {
      const bar: Box = {
        id: p.segment,
        x: p.lo,
        y: bottom + LANE_GAP + tracks.get(p)! * (BAR_HEIGHT + TRACK_GAP),
        width: p.hi - p.lo,
        height: BAR_HEIGHT,
      };
      bars.get(p.segment)!.push(bar);
      right = Math.max(right, p.hi);
      laneBottom = Math.max(laneBottom, bar.y + bar.height);
      for (const m of row) for (const n of m.nics) if (n.segment === p.segment) barOf.set(n.id, bar);
    }
    y = laneBottom + ROW_GAP;
  }
  // Segments without a NIC still appear: side by side below everything.
  let x = left;
  let spare = false;
  for (const s of segments) {
    if (bars.get(s.id)!.length > 0) continue;
    bars.get(s.id)!.push({ id: s.id, x, y, width: s.minWidth, height: BAR_HEIGHT });
    x += s.minWidth + MACHINE_GAP;
    right = Math.max(right, x - MACHINE_GAP);
    spare = true;
  }
  const height = (spare ? y + BAR_HEIGHT : y - ROW_GAP) + PAD;
  const plans = new Map<string, SegmentPlan>();
  for (const s of segments) {
    const list = bars.get(s.id)!;
    const tx = trunkX.get(s.id);
    const first = list[0]!;
    const last = list[list.length - 1]!;
    const trunk =
      tx === undefined
        ? null
        : { id: s.id, x: tx, y: first.y, width: TRUNK_WIDTH, height: last.y + last.height - first.y };
    plans.set(s.id, { bars: list, trunk });
  }
  return { at, segments: plans, barOf, rows: rows.length, width: right + PAD, height };
}

/** The scale at which the drawing fits a view of the given aspect ratio (up to a constant factor). */
export const fitScale = (a: Pick<Arrangement, 'width' | 'height'>, aspect: number) =>
  Math.min(aspect / a.width, 1 / a.height);

const score = (a: Arrangement, aspect: number) => fitScale(a, aspect) / (a.rows > 1 ? ROWS_COST : 1);

/** Rows chosen so that the drawing fits a view of `aspect` (width / height) as large as possible. */
export function arrange(
  machines: readonly ArrangeMachine[],
  segments: readonly ArrangeSegment[],
  aspect: number,
): Arrangement {
  if (machines.length === 0) return placeRows([], segments);
  const widths = machines.map((m) => m.width);
  let best: Arrangement | null = null;
  let tried = 0;
  for (let count = 1; count <= machines.length; count++) {
    const rows = balancedRows(widths, count);
    // Balancing may need fewer rows than allowed: that split was already tried.
    if (rows.length <= tried) continue;
    tried = rows.length;
    const plan = placeRows(
      rows.map((r) => r.map((i) => machines[i]!)),
      segments,
    );
    if (!best || score(plan, aspect) > score(best, aspect)) best = plan;
  }
  return best!;
}
