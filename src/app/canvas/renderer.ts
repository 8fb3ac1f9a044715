/**
 * D3 drawing of the canvas, wrapped in small factories that return {update, destroy} and are
 * owned by one React effect. The static drawing (boxes, cables, labels) is redrawn only when the
 * layout changes; a step only moves the marker and toggles a few highlight classes.
 */
import { select, type Selection } from 'd3';
import {
  anchorIndex,
  IFACE_LINE,
  IFACE_LINE_1,
  machineTag,
  MACHINE_HEADER,
  NS_HEADER,
  type AnchorIndex,
  type CanvasLayout,
  type IfaceBox,
  type Point,
  type SegmentBox,
} from './layout';
import type { Trace } from '../../engine/kernel/trace';
import { BADGE_RADIUS, journeyOf, markerSpots, placeBadges } from './journey';
import type { MarkerState } from './model';
import { createDrops, type DropMark } from './drops';
import { createHighlights } from './highlight';
import { createPacketMarker } from './marker';
import { fitElement } from './fit';
import { bridgeHeader, markPlacer, obstaclesOf, pathRouter } from './place';
import { ifaceTags, roleLabel, type Wording } from './words';

export type { DropMark } from './drops';

export interface RenderState {
  /** The Trace's hops and events: the journey drawn under the marker. */
  trace: Pick<Trace, 'hops' | 'events'>;
  step: number;
  marker: MarkerState | null;
  /** Where the packet of this step was before (from the Trace): the start of the hop. */
  from: { netns: string; interface: string | null } | null;
  /** Drops at or before the current step (earlier ones are drawn faint). */
  drops: DropMark[];
  selectedNetns: string | null;
  reducedMotion: boolean;
  /** The page's language: the static drawing is redrawn when it changes. */
  words: Wording;
}

export interface CanvasRenderer {
  /** Draw a step; returns where the marker ends up (content coordinates), if anywhere. */
  update(layout: CanvasLayout, state: RenderState): Point | null;
  setOnSelectNetns(fn: ((netns: string) => void) | undefined): void;
  /** A click on a summarised machine (lod.ts): draw it in full. */
  setOnOpenMachine(fn: ((machine: string) => void) | undefined): void;
  destroy(): void;
}

type G = Selection<SVGGElement, unknown, null, undefined>;

function ifaceClass(i: IfaceBox): string {
  const tunnel = ['vxlan', 'ipip', 'gre', 'tun', 'dummy'].includes(i.kind) ? ' pj-if--tunnel' : '';
  return `pj-if pj-if--${i.kind}${tunnel}${i.up ? '' : ' pj-if--down'}`;
}

/**
 * A segment: its bars (one per row of machines) and the trunk joining them. Every outline is drawn
 * before any fill, so that where bars meet the trunk they read as one shape.
 */
function drawSegment(parent: G, s: SegmentBox) {
  const g = parent.append('g').attr('class', 'pj-segment');
  const parts = s.trunk ? [s.trunk, ...s.bars] : s.bars;
  for (const cls of ['pj-segment-outline', 'pj-segment-box']) {
    for (const b of parts) {
      g.append('rect')
        .attr('class', cls)
        .attr('x', b.x)
        .attr('y', b.y)
        .attr('width', b.width)
        .attr('height', b.height)
        .attr('rx', b === s.trunk ? 3 : 6);
    }
  }
  for (const b of s.bars) {
    const text = g
      .append('text')
      .attr('class', 'pj-segment-label')
      .attr('x', b.x + b.width / 2)
      .attr('y', b.y + b.height / 2 + 4)
      .attr('text-anchor', 'middle')
      .text(s.title);
    fitLine(g, [text.node()!], b.width - 16);
  }
}

type Measured = SVGTextContentElement & { getComputedTextLength?: () => number };
const lengthOf = (e: Measured) =>
  typeof e.getComputedTextLength === 'function' ? e.getComputedTextLength() : 0;

/**
 * Fit one line of a label into `max` px as drawn: its secondary parts (a role or kind tag) go
 * first, then its first part is shortened in the middle. The full text becomes the tooltip.
 */
function fitLine(owner: G, parts: Measured[], max: number, gap = 6): void {
  const full = parts.map((p) => p.textContent).join(' ');
  const width = () => parts.reduce((w, p) => w + lengthOf(p), 0) + gap * (parts.length - 1);
  if (width() <= max) return;
  while (parts.length > 1 && width() > max) parts.pop()!.remove();
  fitElement(parts[0]!, max);
  if (owner.select(':scope > title').empty()) owner.append('title').text(full);
}

/** The static drawing's layers, bottom to top (a later layer is drawn over an earlier one). */
function staticLayers(root: G) {
  root.selectAll('*').remove();
  const layer = (name: string) => root.append('g').attr('class', `pj-l-${name}`);
  return {
    machines: layer('machines'),
    // A big world's machines off the journey's path (lod.ts), below everything drawn in full.
    summaries: layer('summaries'),
    segments: layer('segments'),
    netns: layer('netns'),
    // Bridges below the cables, ports and other interfaces above them.
    bridges: layer('bridges'),
    cables: layer('cables'),
    // The journey goes over the cables and under the interfaces: it never hides an interface's name.
    journey: layer('journey'),
    // A bridge's header (its name, addresses and switch glyph) over both: the cables to its ports
    // and the journey pass under it, never through its name.
    bridgeHeads: layer('bridge-heads'),
    // Namespace names too: a cable into a namespace, or the journey, passes under its name, which a
    // halo in the namespace's colour keeps legible.
    nsHeads: layer('ns-heads'),
    ifaces: layer('ifaces'),
  };
}
type Layers = ReturnType<typeof staticLayers>;

function drawMachines(into: G, layout: CanvasLayout, w: Wording): void {
  for (const m of layout.machines) {
    const role = m.role && m.role !== 'host' ? m.role : null;
    const g = into.append('g').attr('class', `pj-machine${role ? ` pj-machine--${role}` : ''}`);
    g.append('rect')
      .attr('class', 'pj-machine-box')
      .attr('x', m.x)
      .attr('y', m.y)
      .attr('width', m.width)
      .attr('height', m.height)
      .attr('rx', role === 'internet' ? 22 : 10);
    const t = g
      .append('text')
      .attr('class', 'pj-machine-label')
      .attr('x', m.x + 12)
      .attr('y', m.y + MACHINE_HEADER - 10);
    const parts: Measured[] = [t.append('tspan').text(m.title).node()!];
    const tag = machineTag(m);
    if (tag)
      parts.push(t.append('tspan').attr('class', 'pj-role').attr('dx', 8).text(roleLabel(tag, w)).node()!);
    fitLine(g, parts, m.width - 24, 8);
  }
}

/**
 * The summarised machines (lod.ts): a heading, then per machine its name and how many namespaces
 * it holds. Not measured text by text: 300 boxes must draw in a few milliseconds, and every title
 * was given room for its estimated width.
 */
function drawSummaries(
  into: G,
  layout: CanvasLayout,
  open_: (machine: string) => void,
  w: Wording,
): Map<string, SVGGElement> {
  const out = new Map<string, SVGGElement>();
  const list = layout.summaries ?? [];
  if (list.length === 0) return out;
  const first = list[0]!;
  into
    .append('text')
    .attr('class', 'pj-summary-heading')
    .attr('x', first.x)
    .attr('y', first.y - 16)
    .text(w.t('canvas.summary.heading', { n: list.length }));
  for (const s of list) {
    const g = into
      .append('g')
      .attr('class', 'pj-summary')
      .attr('data-machine', s.machine)
      .on('click', () => open_(s.machine));
    g.append('title').text(s.title);
    g.append('rect')
      .attr('class', 'pj-summary-box')
      .attr('x', s.x)
      .attr('y', s.y)
      .attr('width', s.width)
      .attr('height', s.height)
      .attr('rx', 8);
    g.append('text')
      .attr('class', 'pj-summary-label')
      .attr('x', s.x + 10)
      .attr('y', s.y + 19)
      .text(s.title);
    g.append('text')
      .attr('class', 'pj-summary-count')
      .attr('x', s.x + 10)
      .attr('y', s.y + 36)
      .text(w.t('canvas.summary.netns', { n: s.netns.length }));
    out.set(s.id, g.node()!);
  }
  return out;
}

interface NsEls {
  nsEls: Map<string, SVGGElement>;
  nsHeadEls: Map<string, SVGGElement>;
}

function drawNamespaces(l: Layers, layout: CanvasLayout, select_: (ns: string) => void, w: Wording): NsEls {
  const nsEls = new Map<string, SVGGElement>();
  const nsHeadEls = new Map<string, SVGGElement>();
  for (const n of layout.netns) {
    // The name for assistive technology contains the visible label (WCAG 2.5.3, label in name).
    const label = n.root ? `${n.name} (${w.t('canvas.rootNs')})` : n.name;
    const g = l.netns
      .append('g')
      .attr('class', `pj-ns${n.root ? ' pj-ns--root' : ''}`)
      .attr('role', 'button')
      .attr('tabindex', 0)
      .attr('aria-label', w.t('canvas.namespace', { name: label }))
      .attr('aria-pressed', 'false')
      .attr('data-netns', n.name)
      .on('click', () => select_(n.name))
      .on('keydown', (ev: KeyboardEvent) => {
        if (ev.key === 'Enter' || ev.key === ' ') {
          ev.preventDefault();
          select_(n.name);
        }
      });
    g.append('rect')
      .attr('class', 'pj-ns-box')
      .attr('x', n.x)
      .attr('y', n.y)
      .attr('width', n.width)
      .attr('height', n.height)
      .attr('rx', 8);
    const head = l.nsHeads
      .append('g')
      .attr('class', `pj-ns-head${n.root ? ' pj-ns--root' : ''}`)
      .attr('aria-hidden', 'true')
      .on('click', () => select_(n.name));
    // The header's extent (not drawn): what the name must fit in.
    head
      .append('rect')
      .attr('class', 'pj-ns-headrect')
      .attr('x', n.x)
      .attr('y', n.y)
      .attr('width', n.width)
      .attr('height', NS_HEADER);
    const text = head
      .append('text')
      .attr('class', 'pj-ns-label')
      .attr('x', n.x + 10)
      .attr('y', n.y + NS_HEADER - 7)
      .text(label);
    fitLine(head, [text.node()!], n.width - 20);
    nsEls.set(n.name, g.node()!);
    nsHeadEls.set(n.name, head.node()!);
  }
  return { nsEls, nsHeadEls };
}

function drawCables(into: G, layout: CanvasLayout): void {
  for (const c of layout.cables) {
    into
      .append('path')
      .attr('class', `pj-cable pj-cable--${c.kind}`)
      .attr('d', `M${c.points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join('L')}`);
  }
}

/** A bridge's header band and its switch glyph (a row of port sockets). */
function drawBridgeHead(head: G, i: IfaceBox): void {
  head
    .append('rect')
    .attr('class', 'pj-if-headband')
    .attr('x', i.x + 1)
    .attr('y', i.y + 1)
    .attr('width', i.width - 2)
    .attr('height', bridgeHeader(i) - 1)
    .attr('rx', 5);
  const gx = i.x + i.width - 34;
  for (let k = 0; k < 4; k++) {
    head
      .append('rect')
      .attr('class', 'pj-switch-port')
      .attr('x', gx + k * 7)
      .attr('y', i.y + 7)
      .attr('width', 5)
      .attr('height', 5);
  }
}

/** An interface's name, its tags and its addresses, each fitted into the box. */
function drawIfaceLabel(head: G, i: IfaceBox, w: Wording): void {
  const label = head.append('text').attr('class', 'pj-if-label');
  const line: Measured[] = [
    label
      .append('tspan')
      .attr('class', 'pj-if-name')
      .attr('x', i.x + 8)
      .attr('y', i.y + IFACE_LINE_1)
      .text(i.name)
      .node()!,
  ];
  const tags = ifaceTags(i, w);
  if (tags) line.push(label.append('tspan').attr('class', 'pj-if-kind').attr('dx', 6).text(tags).node()!);
  // A bridge's header also holds the switch glyph on the right.
  const room = i.width - 16 - (i.bridge ? 40 : 0);
  fitLine(head, line, room);
  i.addrs.forEach((a, k) => {
    const addr = label
      .append('tspan')
      .attr('class', 'pj-if-addr')
      .attr('x', i.x + 8)
      .attr('y', i.y + IFACE_LINE_1 + (k + 1) * IFACE_LINE)
      .text(a);
    fitLine(head, [addr.node()!], i.width - 16);
  });
}

function drawIfaces(
  l: Layers,
  layout: CanvasLayout,
  select_: (ns: string) => void,
  w: Wording,
): Map<string, SVGGElement> {
  const ifEls = new Map<string, SVGGElement>();
  for (const i of layout.ifaces) {
    const g = (i.bridge ? l.bridges : l.ifaces)
      .append('g')
      .attr('class', ifaceClass(i))
      .on('click', () => select_(i.netns));
    g.append('rect')
      .attr('class', 'pj-if-box')
      .attr('x', i.x)
      .attr('y', i.y)
      .attr('width', i.width)
      .attr('height', i.height)
      .attr('rx', i.bridge ? 6 : 4);
    const head = i.bridge
      ? l.bridgeHeads
          .append('g')
          .attr('class', `pj-if-head pj-if--bridge${i.up ? '' : ' pj-if--down'}`)
          .on('click', () => select_(i.netns))
      : g;
    if (i.bridge) drawBridgeHead(head, i);
    drawIfaceLabel(head, i, w);
    ifEls.set(i.id, g.node()!);
  }
  return ifEls;
}

/** Draws the static topology into `root` (a <g>); returns element maps for transient updates. */
function drawStatic(
  root: G,
  layout: CanvasLayout,
  select_: (ns: string) => void,
  open_: (machine: string) => void,
  w: Wording,
) {
  const l = staticLayers(root);
  drawMachines(l.machines, layout, w);
  for (const s of layout.segments) drawSegment(l.segments, s);
  const ns = drawNamespaces(l, layout, select_, w);
  drawCables(l.cables, layout);
  const ifEls = drawIfaces(l, layout, select_, w);
  // Last: fitting a name measures it, which lays out everything drawn so far (300 summaries too).
  const summaryEls = drawSummaries(l.summaries, layout, open_, w);
  return { ...ns, ifEls, summaryEls, journeySlot: l.journey };
}

const pathD = (pts: readonly Point[]) =>
  `M${pts.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join('L')}`;

/**
 * The journey: every move hop of the Trace drawn faint, the part travelled solid (the reply in its
 * own colour) with a numbered badge per hop, the source and the destination ringed. Drawn once
 * per layout and trace; a step only toggles classes.
 */
function createJourney() {
  let g: G | null = null;
  let pieces: { first: number; hop: number | null; el: SVGPathElement }[] = [];
  let badges: { hop: number; first: number; el: SVGGElement }[] = [];
  let drawnFor: unknown = null;
  return {
    draw(slot: G, layout: CanvasLayout, index: AnchorIndex, trace: RenderState['trace']) {
      if (drawnFor === trace && g === slot) return;
      drawnFor = trace;
      g = slot.attr('aria-hidden', 'true');
      g.selectAll('*').remove();
      const j = journeyOf(trace, index);
      const hops = trace.hops ?? [];
      const into = g;
      pieces = j.pieces.map((p) => ({
        first: p.first,
        hop: p.hop,
        el: into
          .append('path')
          .attr('class', `pj-path${p.reply ? ' pj-path--reply' : ''}`)
          .attr('d', pathD(p.points))
          .node()!,
      }));
      for (const [cls, at] of [
        ['pj-end pj-end--source', j.source],
        ['pj-end pj-end--destination', j.destination],
      ] as const) {
        if (at) into.append('circle').attr('class', cls).attr('cx', at.x).attr('cy', at.y).attr('r', 12);
      }
      const spots = placeBadges(j.pieces, [...obstaclesOf(layout), ...markerSpots(trace, index)]);
      badges = [...spots].map(([hop, at]) => {
        const b = into
          .append('g')
          .attr('class', `pj-hop-badge${hops[hop]?.reply ? ' pj-hop-badge--reply' : ''}`)
          .attr('transform', `translate(${at.x.toFixed(1)},${at.y.toFixed(1)})`);
        b.append('circle').attr('r', BADGE_RADIUS);
        b.append('text')
          .attr('text-anchor', 'middle')
          .attr('dy', 4)
          .text(String(hop + 1));
        return { hop, first: hops[hop]?.first ?? 0, el: b.node()! };
      });
    },
    update(step: number) {
      for (const p of pieces) p.el.classList.toggle('pj-path--done', p.first <= step);
      for (const b of badges) b.el.style.display = b.first <= step ? '' : 'none';
    },
  };
}

export function createCanvasRenderer(viewport: SVGGElement): CanvasRenderer {
  const root = select(viewport);
  const staticLayer = root.append('g').attr('class', 'pj-static');
  const journey = createJourney();
  const highlights = createHighlights();
  const drops = createDrops(root.append('g').attr('class', 'pj-l-drops'));
  const marker = createPacketMarker(root.append('g').attr('class', 'pj-l-marker'));
  let onSelect: ((ns: string) => void) | undefined;
  const selectNs = (ns: string) => onSelect?.(ns);
  let onOpen: ((machine: string) => void) | undefined;
  const openMachine = (m: string) => onOpen?.(m);

  let layoutKey: string | null = null;
  let index: AnchorIndex | null = null;
  let els: ReturnType<typeof drawStatic> | null = null;
  let drawnLang: string | null = null;

  return {
    setOnSelectNetns(fn) {
      onSelect = fn;
    },
    setOnOpenMachine(fn) {
      onOpen = fn;
    },
    update(layout, state) {
      if (layout.key !== layoutKey || state.words.lang !== drawnLang) {
        marker.reset();
        els = drawStatic(staticLayer, layout, selectNs, openMachine, state.words);
        index = anchorIndex(layout, markPlacer(layout), pathRouter(layout));
        layoutKey = layout.key;
        drawnLang = state.words.lang;
        highlights.reset();
        drops.reset();
      }
      if (!index || !els) return null;
      journey.draw(els.journeySlot, layout, index, state.trace);
      journey.update(state.step);
      const m = state.marker;
      const anchor = m ? index.anchor(m.netns, m.interface) : null;

      highlights.update(els, m?.netns ?? null, anchor?.id ?? null, state.selectedNetns);
      drops.update(index, state.drops, state.step, state.words);

      if (!m || !anchor) {
        marker.hide(state.step);
        return null;
      }
      return marker.move(index, m, anchor, state);
    },
    destroy() {
      marker.stop();
      root.selectAll('.pj-static, .pj-l-drops, .pj-l-marker').remove();
      onSelect = undefined;
      onOpen = undefined;
    },
  };
}
