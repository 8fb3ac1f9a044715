/**
 * Level of detail for big worlds. A cluster of 300 machines drawn in full is a grid of boxes too
 * small to read at any scale that shows it whole, and ELK needs seconds for it. So when a world has
 * more than COLLAPSE_OVER machines, only the machines on the journey's path (and any the reader
 * opened) are drawn in full, laid out by ELK and arranged first; every other machine becomes a
 * summary box ("node-17 · 4 namespaces") in a plain grid below them, placed here without ELK.
 * Events on a summarised machine (an ARP broadcast reaching every node) mark its summary box.
 * Pure geometry, no DOM.
 */
import type { Topology, Trace } from '../../engine/kernel/trace';
import type { Box, CanvasLayout } from './layout';
import { FONT, textWidth } from './layout';

/** Worlds with more machines than this draw the machines off the journey's path as summaries. */
export const COLLAPSE_OVER = 16;

export interface SummaryBox extends Box {
  machine: string;
  title: string;
  /** The machine's namespaces (root included), for the marker and for search. */
  netns: string[];
}

export const SUMMARY_HEIGHT = 46;
const SUMMARY_MIN_WIDTH = 150;
const SUMMARY_GAP = 12;
/** Above the grid: room for its heading. */
export const SUMMARY_HEADING = 44;
const PAD = 16;

/** Every machine of the topology, in model order (a namespace's machine counts even when unlisted). */
export function machineNames(t: Topology): string[] {
  const names = t.machines.map((m) => m.name);
  const seen = new Set(names);
  for (const n of t.netns) {
    if (!seen.has(n.machine)) {
      seen.add(n.machine);
      names.push(n.machine);
    }
  }
  return names;
}

/**
 * The machines the journey passes through: those of its hops (where each hop happens, where it
 * comes from and goes to). Events outside the hops' machines (a broadcast heard everywhere) are
 * not the path. A Trace without hops falls back to its events' machines.
 */
export function journeyMachines(trace: Pick<Trace, 'hops' | 'events' | 'topology'>): string[] {
  const machineOf = new Map(trace.topology.netns.map((n) => [n.name, n.machine]));
  const out = new Set<string>();
  for (const h of trace.hops ?? []) {
    out.add(h.machine);
    for (const end of [h.from, h.to]) {
      const m = end && machineOf.get(end.netns);
      if (m) out.add(m);
    }
  }
  if (out.size === 0) for (const e of trace.events) out.add(e.machine);
  return [...out];
}

/** What is drawn in full and what is summarised; null when the world is small enough to draw whole. */
export interface Collapse {
  /** The topology of the machines drawn in full. */
  sub: Topology;
  /** The summarised machines, in model order. */
  collapsed: { machine: string; title: string; netns: string[] }[];
  /** The machines drawn in full, sorted (part of the layout's key). */
  kept: string[];
}

export function collapseTopology(t: Topology, keep: Iterable<string>): Collapse | null {
  const names = machineNames(t);
  if (names.length <= COLLAPSE_OVER) return null;
  const keepSet = new Set(keep);
  const kept = names.filter((m) => keepSet.has(m));
  if (kept.length === names.length) return null;
  const titleOf = new Map(t.machines.map((m) => [m.name, m.title ?? m.name]));
  const netnsOf = new Map<string, string[]>();
  for (const n of t.netns) {
    const list = netnsOf.get(n.machine) ?? [];
    list.push(n.name);
    netnsOf.set(n.machine, list);
  }
  const netns = t.netns.filter((n) => keepSet.has(n.machine));
  // Only the segments the kept machines are cabled to: a segment of summaries alone has no bar.
  const used = new Set(netns.flatMap((n) => n.interfaces.map((i) => i.segment ?? '')));
  const sub: Topology = {
    ...t,
    machines: t.machines.filter((m) => keepSet.has(m.name)),
    netns,
    segments: t.segments.filter((s) => used.has(s.name)),
  };
  const collapsed = names
    .filter((m) => !keepSet.has(m))
    .map((m) => ({ machine: m, title: titleOf.get(m) ?? m, netns: netnsOf.get(m) ?? [] }));
  return { sub, collapsed, kept: [...kept].sort() };
}

/**
 * The summaries in a grid below the full drawing: as many columns as make the whole fit a view of
 * `aspect` (width / height) at the largest scale, never narrower than the drawing above.
 */
export function placeSummaries(
  collapsed: Collapse['collapsed'],
  top: number,
  minWidth: number,
  aspect: number,
): { boxes: SummaryBox[]; width: number; height: number } {
  const cellW = Math.max(
    SUMMARY_MIN_WIDTH,
    ...collapsed.map((c) => Math.min(260, textWidth(c.title, FONT.machine) + 24)),
  );
  const pitchX = cellW + SUMMARY_GAP;
  const pitchY = SUMMARY_HEIGHT + SUMMARY_GAP;
  const n = collapsed.length;
  // cols * pitchX / (top + rows * pitchY) ≈ aspect, with rows = n / cols.
  const byAspect = Math.ceil(Math.sqrt((n * pitchY * aspect) / pitchX));
  const cols = Math.max(1, Math.min(n, Math.max(byAspect, Math.floor((minWidth - 2 * PAD) / pitchX))));
  const y0 = top + SUMMARY_HEADING;
  const boxes = collapsed.map((c, k) => ({
    id: `m:${c.machine}`,
    machine: c.machine,
    title: c.title,
    netns: c.netns,
    x: PAD + (k % cols) * pitchX,
    y: y0 + Math.floor(k / cols) * pitchY,
    width: cellW,
    height: SUMMARY_HEIGHT,
  }));
  const rows = Math.ceil(n / cols);
  return { boxes, width: 2 * PAD + cols * pitchX - SUMMARY_GAP, height: y0 + rows * pitchY + PAD };
}

/**
 * The full drawing of the kept machines with the summaries below it. `focus` is the full drawing's
 * extent: what "Fit to view" frames, at a scale where its names are legible.
 */
export function withSummaries(
  base: CanvasLayout,
  c: Collapse,
  topologyKey: string,
  aspect: number,
): CanvasLayout {
  const grid = placeSummaries(c.collapsed, base.height, base.width, aspect);
  return {
    ...base,
    key: `${base.key}|lod:${c.kept.join(',')}`,
    topologyKey,
    width: Math.max(base.width, grid.width),
    height: grid.height,
    summaries: grid.boxes,
    focus: { id: 'focus', x: 0, y: 0, width: base.width, height: base.height },
  };
}
