/**
 * Collision-avoiding placement on the canvas (pure geometry, no DOM): where the packet marker,
 * a drop's cross and the numbered hop badges sit so that they never cover a name. Names are
 * fitted inside their boxes (fitText), so keeping marks off the boxes that carry names, and off
 * the header strips where namespace, machine and segment names are written, keeps them off every
 * name. Each mark tries a ring of candidate spots around its device, nearest to where it would
 * naturally sit first, and takes the first one that touches no obstacle.
 */
import {
  FONT,
  MACHINE_HEADER,
  netnsLabelWidth,
  NS_HEADER,
  textWidth,
  type Box,
  type CanvasLayout,
  type IfaceBox,
  type Point,
} from './layout';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Half the size of the largest mark (the packet with two envelopes around it), plus a gap. */
export const MARK_RADIUS = 14;

export function intersects(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

export const around = (p: Point, r: number): Rect => ({
  x: p.x - r,
  y: p.y - r,
  width: 2 * r,
  height: 2 * r,
});

/** The header height of a bridge box (its name and addresses), as layout.ts sizes it. */
export function bridgeHeader(i: IfaceBox): number {
  return 10 + 16 + i.addrs.length * 13;
}

/**
 * What a mark must not touch: every interface box (a bridge only by its header, since its ports
 * sit inside it), and the name strips of namespaces, machines and segment bars.
 */
export function obstaclesOf(layout: CanvasLayout): Rect[] {
  const out: Rect[] = [];
  for (const i of layout.ifaces) {
    out.push(i.bridge ? { x: i.x, y: i.y, width: i.width, height: bridgeHeader(i) } : i);
  }
  return [...out, ...nameStrips(layout)];
}

/** The strips where names are written: namespace and machine headers, segment titles. */
export function nameStrips(layout: CanvasLayout): Rect[] {
  const out: Rect[] = [];
  for (const n of layout.netns) {
    out.push({ x: n.x, y: n.y, width: Math.min(n.width, netnsLabelWidth(n) + 20), height: NS_HEADER });
  }
  return [...out, ...namesUnderLines(layout)];
}

/**
 * The names drawn under the cables and the journey: machine headers and segment titles (interface
 * boxes, bridge headers and namespace names are drawn over the lines, so a line passes under them).
 */
export function namesUnderLines(layout: CanvasLayout): Rect[] {
  const out: Rect[] = [];
  for (const m of layout.machines) out.push({ x: m.x, y: m.y, width: m.width, height: MACHINE_HEADER });
  for (const s of layout.segments) {
    for (const b of s.bars) {
      const w = textWidth(s.title, FONT.title) + 16;
      out.push({ x: b.x + b.width / 2 - w / 2, y: b.y, width: w, height: b.height });
    }
  }
  return out;
}

/**
 * Candidate centres around a box, at distance `r` outside it: the preferred point first, then
 * spots along each side (and, for a large box such as a namespace, inside its free area).
 */
export function candidates(box: Box, preferred: Point, r: number, inner = false): Point[] {
  const out: Point[] = [preferred];
  const xs = [0.5, 0.2, 0.8, 0, 1].map((f) => box.x + f * box.width);
  const ys = [0.5, 0, 1].map((f) => box.y + f * box.height);
  for (const x of xs) out.push({ x, y: box.y - r }, { x, y: box.y + box.height + r });
  for (const y of ys) out.push({ x: box.x - r, y }, { x: box.x + box.width + r, y });
  for (const d of [2, 3, 4]) {
    for (const x of xs) out.push({ x, y: box.y - d * r }, { x, y: box.y + box.height + d * r });
    for (const y of ys) out.push({ x: box.x - d * r, y }, { x: box.x + box.width + d * r, y });
  }
  if (inner) {
    // A namespace's own events: anywhere in its free area, nearest its centre first.
    for (let y = box.y + NS_HEADER + r; y <= box.y + box.height - r; y += r)
      for (let x = box.x + r; x <= box.x + box.width - r; x += r) out.push({ x, y });
  }
  const dist = (p: Point) => Math.hypot(p.x - preferred.x, p.y - preferred.y);
  return [out[0]!, ...out.slice(1).sort((a, b) => dist(a) - dist(b))];
}

/**
 * The first candidate whose square of half-size `r` touches no obstacle and stays inside
 * `bounds`; the preferred point when every spot is taken (a crowded drawing keeps its mark).
 */
export function placeMark(
  box: Box,
  preferred: Point,
  obstacles: readonly Rect[],
  bounds: Rect,
  r = MARK_RADIUS,
  inner = false,
): Point {
  const within = (q: Rect) =>
    q.x >= bounds.x &&
    q.y >= bounds.y &&
    q.x + q.width <= bounds.x + bounds.width &&
    q.y + q.height <= bounds.y + bounds.height;
  for (const p of candidates(box, preferred, r, inner)) {
    const q = around(p, r);
    if (within(q) && !obstacles.some((o) => intersects(q, o))) return p;
  }
  return preferred;
}

/**
 * Where a cable leaves a box, moved `r` further along the cable (or straight out of the box),
 * so that the mark sits on the cable beside the box rather than over its name.
 */
export function outward(box: Box, plug: Point, r: number): Point {
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  if (Math.abs(plug.y - box.y) < 0.5) return { x: plug.x, y: box.y - r };
  if (Math.abs(plug.y - (box.y + box.height)) < 0.5) return { x: plug.x, y: box.y + box.height + r };
  if (Math.abs(plug.x - box.x) < 0.5) return { x: box.x - r, y: plug.y };
  if (Math.abs(plug.x - (box.x + box.width)) < 0.5) return { x: box.x + box.width + r, y: plug.y };
  return plug.y <= cy ? { x: cx, y: box.y - r } : { x: cx, y: box.y + box.height + r };
}

/** The placer handed to anchorIndex: marks around interfaces, inside namespaces, off every obstacle. */
export function markPlacer(layout: CanvasLayout): (box: Box, plug: Point | null) => Point {
  const obstacles = obstaclesOf(layout);
  const bounds = { x: 0, y: 0, width: layout.width, height: layout.height };
  return (box, plug) =>
    plug
      ? placeMark(box, outward(box, plug, MARK_RADIUS + 1), obstacles, bounds)
      : placeMark(
          box,
          { x: box.x + box.width / 2, y: box.y + box.height / 2 },
          obstacles,
          bounds,
          MARK_RADIUS,
          true,
        );
}

/** Whether the segment p–q passes through the inside of `r` (Liang–Barsky clipping). */
export function segmentHits(p: Point, q: Point, r: Rect): boolean {
  const dx = q.x - p.x;
  const dy = q.y - p.y;
  let t0 = 0;
  let t1 = 1;
  // Touching an edge is not crossing: clip against the rect shrunk by half a pixel.
  const sides: [number, number][] = [
    [-dx, p.x - (r.x + 0.5)],
    [dx, r.x + r.width - 0.5 - p.x],
    [-dy, p.y - (r.y + 0.5)],
    [dy, r.y + r.height - 0.5 - p.y],
  ];
  for (const [d, room] of sides) {
    if (d === 0) {
      if (room < 0) return false;
      continue;
    }
    const t = room / d;
    if (d < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return false;
  }
  return true;
}

/** How many obstacles a polyline passes through. */
export function crossings(pts: readonly Point[], obstacles: readonly Rect[]): number {
  let n = 0;
  for (const o of obstacles) {
    for (let i = 1; i < pts.length; i++) {
      if (segmentHits(pts[i - 1]!, pts[i]!, o)) {
        n++;
        break;
      }
    }
  }
  return n;
}

/** The gap a detour keeps from the obstacles it goes round. */
const DETOUR_GAP = 8;

/**
 * A path from `a` to `b` that goes round every obstacle (where names are written): straight when
 * nothing is in the way, else an L or a Z of horizontal and vertical legs, the legs placed in the
 * gaps beside the obstacles; the shortest such path, or the one crossing fewest when none is clear.
 * Packets move between devices along it, so it is also the line drawn for the journey.
 */
export function routeAround(a: Point, b: Point, obstacles: readonly Rect[]): Point[] {
  const lo = { x: Math.min(a.x, b.x) - 120, y: Math.min(a.y, b.y) - 120 };
  const hi = { x: Math.max(a.x, b.x) + 120, y: Math.max(a.y, b.y) + 120 };
  const near = obstacles.filter(
    (o) => o.x < hi.x && o.x + o.width > lo.x && o.y < hi.y && o.y + o.height > lo.y,
  );
  const ys = new Set([(a.y + b.y) / 2]);
  const xs = new Set([(a.x + b.x) / 2]);
  for (const o of near) {
    ys.add(o.y - DETOUR_GAP).add(o.y + o.height + DETOUR_GAP);
    xs.add(o.x - DETOUR_GAP).add(o.x + o.width + DETOUR_GAP);
  }
  const options: Point[][] = [
    [a, b],
    [a, { x: b.x, y: a.y }, b],
    [a, { x: a.x, y: b.y }, b],
  ];
  for (const y of ys) if (y >= lo.y && y <= hi.y) options.push([a, { x: a.x, y }, { x: b.x, y }, b]);
  for (const x of xs) if (x >= lo.x && x <= hi.x) options.push([a, { x, y: a.y }, { x, y: b.y }, b]);
  let best: Point[] = [a, b];
  let bestScore = Infinity;
  for (const pts of options) {
    // A bend costs a little length, a slanted leg more: the drawing is boxes in rows and columns,
    // and a line along them reads better than one across them.
    const length = pts.reduce(
      (s, p, i) => (i ? s + Math.hypot(p.x - pts[i - 1]!.x, p.y - pts[i - 1]!.y) : 0),
      0,
    );
    const slanted = pts.some((p, i) => i > 0 && p.x !== pts[i - 1]!.x && p.y !== pts[i - 1]!.y);
    const score = crossings(pts, near) * 1e6 + length + 12 * (pts.length - 2) + (slanted ? 200 : 0);
    if (score < bestScore) {
      bestScore = score;
      best = pts;
    }
  }
  // Drop the bends a straight or L path does not need (points on one line).
  return best.filter((p, i) => i === 0 || p.x !== best[i - 1]!.x || p.y !== best[i - 1]!.y);
}

/**
 * The router handed to anchorIndex: paths round this layout's names. Interface boxes are drawn over
 * the lines, so a path may pass under one (as a cable does); it goes round bridge headers and the
 * strips where namespace, machine and segment names are written.
 */
export function pathRouter(layout: CanvasLayout): (a: Point, b: Point) => Point[] {
  const obstacles = [
    ...layout.ifaces
      .filter((i) => i.bridge)
      .map((i) => ({ x: i.x, y: i.y, width: i.width, height: bridgeHeader(i) })),
    ...nameStrips(layout),
  ];
  return (a, b) => routeAround(a, b, obstacles);
}
