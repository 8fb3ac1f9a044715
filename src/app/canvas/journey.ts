/**
 * The journey drawn on the canvas (pure, no DOM): the move hops of the Trace, joined end to end,
 * split into the part travelled at a step and the part still to come, with where each numbered
 * badge sits. The canvas never computes a hop: the pieces come from trace.hops.
 */
import type { Trace } from '../../engine/kernel/trace';
import { anchorIndex, polylineLength, pointAlong, type AnchorIndex, type Point } from './layout';
import { around, intersects, MARK_RADIUS, type Rect } from './place';

export interface Piece {
  /** Index of the hop in trace.hops (its badge shows this + 1); null for the stretch inside a namespace. */
  hop: number | null;
  /** The first event of the hop: the piece counts as travelled once playback reaches it. */
  first: number;
  reply: boolean;
  points: Point[];
}

export interface Journey {
  pieces: Piece[];
  source: Point | null;
  destination: Point | null;
}

type Place = { netns: string; interface: string };
type Index = Pick<ReturnType<typeof anchorIndex>, 'anchor' | 'path'>;

function pathBetween(index: Index, a: Place, b: Place): Point[] {
  const from = index.anchor(a.netns, a.interface);
  const to = index.anchor(b.netns, b.interface);
  return from && to ? index.path(from.id, to.id) : [];
}

/** The pieces of the journey, in order: each move hop, and the stretch joining one to the next. */
export function journeyOf(trace: Pick<Trace, 'hops'>, index: Index): Journey {
  const pieces: Piece[] = [];
  let last: Place | null = null;
  let source: Point | null = null;
  let destination: Point | null = null;
  (trace.hops ?? []).forEach((h, i) => {
    if (h.kind !== 'move' || !h.from || !h.to) return;
    if (last && (last.netns !== h.from.netns || last.interface !== h.from.interface)) {
      const join = pathBetween(index, last, h.from);
      if (join.length > 1) pieces.push({ hop: null, first: h.first, reply: h.reply, points: join });
    }
    const points = pathBetween(index, h.from, h.to);
    if (points.length > 1) pieces.push({ hop: i, first: h.first, reply: h.reply, points });
    source ??= index.anchor(h.from.netns, h.from.interface)?.point ?? null;
    if (!h.reply) destination = index.anchor(h.to.netns, h.to.interface)?.point ?? destination;
    last = h.to;
  });
  return { pieces, source, destination };
}

export const BADGE_RADIUS = 9;

/**
 * Where each hop's badge sits: along its piece (middle first, then towards either end), off every
 * obstacle and every badge placed before it. A badge with no free spot is left out: a crowded
 * drawing shows fewer numbers rather than numbers over names.
 */
export function placeBadges(pieces: readonly Piece[], obstacles: readonly Rect[]): Map<number, Point> {
  const taken: Rect[] = [...obstacles];
  const out = new Map<number, Point>();
  for (const p of pieces) {
    if (p.hop === null || polylineLength(p.points) < 1) continue;
    for (const t of [0.5, 0.35, 0.65, 0.2, 0.8]) {
      const at = pointAlong(p.points, t);
      const box = around(at, BADGE_RADIUS + 1);
      if (taken.some((o) => intersects(box, o))) continue;
      taken.push(box);
      out.set(p.hop, at);
      break;
    }
  }
  return out;
}

/** The squares every place the marker can take occupies (badges keep off them). */
export function markerSpots(trace: Pick<Trace, 'events'>, index: AnchorIndex): Rect[] {
  const seen = new Set<string>();
  const out: Rect[] = [];
  for (const e of trace.events) {
    const a = index.anchor(e.netns, e.interface ?? null);
    if (!a || seen.has(a.id)) continue;
    seen.add(a.id);
    out.push(around(a.point, MARK_RADIUS));
  }
  return out;
}
