/**
 * D3 drawing of the canvas, wrapped in small factories that return {update, destroy} and are
 * owned by one React effect. The static drawing (boxes, cables, labels) is redrawn only when the
 * layout changes; a step only moves the marker and toggles a few highlight classes.
 */
import { easeCubicInOut, interrupt, select, type Selection } from 'd3';
import {
  anchorIndex,
  IFACE_LINE,
  IFACE_LINE_1,
  machineTag,
  MACHINE_HEADER,
  NS_HEADER,
  pointAlong,
  polylineLength,
  textWidth,
  type AnchorIndex,
  type CanvasLayout,
  type IfaceBox,
  type Point,
  type SegmentBox,
} from './layout';
import { placeName, type MarkerState } from './model';
import { ifaceTags, roleLabel, type Wording } from './words';

export interface DropMark {
  step: number;
  netns: string;
  interface: string | null;
  reason: string;
}

export interface RenderState {
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
  destroy(): void;
}

type G = Selection<SVGGElement, unknown, null, undefined>;

const CONNECTION_COLOURS = 6;

function markerColour(m: MarkerState): string {
  if (m.kind === 'arp-request' || m.kind === 'arp-reply') return 'var(--pj-arp)';
  if (m.connectionIndex !== null) return `var(--pj-c${m.connectionIndex % CONNECTION_COLOURS})`;
  if (m.kind === 'none') return 'var(--pj-muted)';
  return 'var(--pj-ip)';
}

function ifaceClass(i: IfaceBox): string {
  const tunnel = ['vxlan', 'ipip', 'tun', 'dummy'].includes(i.kind) ? ' pj-if--tunnel' : '';
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
    g.append('text')
      .attr('class', 'pj-segment-label')
      .attr('x', b.x + b.width / 2)
      .attr('y', b.y + b.height / 2 + 4)
      .attr('text-anchor', 'middle')
      .text(s.title);
  }
}

/** Draws the static topology into `root` (a <g>); returns element maps for transient updates. */
function drawStatic(root: G, layout: CanvasLayout, select_: (ns: string) => void, w: Wording) {
  root.selectAll('*').remove();
  const machines = root.append('g').attr('class', 'pj-l-machines');
  const segments = root.append('g').attr('class', 'pj-l-segments');
  const nsLayer = root.append('g').attr('class', 'pj-l-netns');
  // Bridges below the cables, ports and other interfaces above them.
  const bridgeLayer = root.append('g').attr('class', 'pj-l-bridges');
  const cables = root.append('g').attr('class', 'pj-l-cables');
  const ifLayer = root.append('g').attr('class', 'pj-l-ifaces');

  for (const m of layout.machines) {
    const role = m.role && m.role !== 'host' ? m.role : null;
    const g = machines.append('g').attr('class', `pj-machine${role ? ` pj-machine--${role}` : ''}`);
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
    t.append('tspan').text(m.title);
    const tag = machineTag(m);
    if (tag) t.append('tspan').attr('class', 'pj-role').attr('dx', 8).text(roleLabel(tag, w));
  }

  for (const s of layout.segments) drawSegment(segments, s);

  const nsEls = new Map<string, SVGGElement>();
  for (const n of layout.netns) {
    // The name for assistive technology contains the visible label (WCAG 2.5.3, label in name).
    const label = n.root ? `${n.name} (${w.t('canvas.rootNs')})` : n.name;
    const g = nsLayer
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
    g.append('text')
      .attr('class', 'pj-ns-label')
      .attr('x', n.x + 10)
      .attr('y', n.y + NS_HEADER - 7)
      .text(label);
    nsEls.set(n.name, g.node()!);
  }

  for (const c of layout.cables) {
    cables
      .append('path')
      .attr('class', `pj-cable pj-cable--${c.kind}`)
      .attr('d', `M${c.points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join('L')}`);
  }

  const ifEls = new Map<string, SVGGElement>();
  for (const i of layout.ifaces) {
    const g = (i.bridge ? bridgeLayer : ifLayer)
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
    const label = g.append('text').attr('class', 'pj-if-label');
    label
      .append('tspan')
      .attr('class', 'pj-if-name')
      .attr('x', i.x + 8)
      .attr('y', i.y + IFACE_LINE_1)
      .text(i.name);
    const tags = ifaceTags(i, w);
    if (tags) label.append('tspan').attr('class', 'pj-if-kind').attr('dx', 6).text(tags);
    i.addrs.forEach((a, k) => {
      label
        .append('tspan')
        .attr('class', 'pj-if-addr')
        .attr('x', i.x + 8)
        .attr('y', i.y + IFACE_LINE_1 + (k + 1) * IFACE_LINE)
        .text(a);
    });
    if (i.bridge) {
      // A little switch glyph: a row of port sockets in the header.
      const gx = i.x + i.width - 34;
      for (let k = 0; k < 4; k++) {
        g.append('rect')
          .attr('class', 'pj-switch-port')
          .attr('x', gx + k * 7)
          .attr('y', i.y + 7)
          .attr('width', 5)
          .attr('height', 5);
      }
    }
    ifEls.set(i.id, g.node()!);
  }
  return { nsEls, ifEls };
}

/** The packet marker: envelope, shape, direction chevron and header label. */
function createMarker(parent: G) {
  const g = parent
    .append('g')
    .attr('class', 'pj-marker')
    .attr('aria-hidden', 'true')
    .style('display', 'none');
  const env = g.append('g').attr('class', 'pj-envelope').style('display', 'none');
  const envRect = env.append('rect').attr('rx', 8);
  const envTag = env.append('rect').attr('class', 'pj-envelope-tag').attr('height', 18).attr('rx', 4);
  const envLabel = env.append('text').attr('class', 'pj-envelope-label');
  const chevron = g.append('path').attr('class', 'pj-chevron').attr('d', 'M13,-5 L20,0 L13,5');
  const shape = g.append('path').attr('class', 'pj-marker-shape');
  const pill = g.append('g').attr('class', 'pj-pill');
  const pillRect = pill.append('rect').attr('x', 14).attr('height', 20).attr('rx', 10);
  const pillText = pill.append('text').attr('x', 24);
  // The NAT badge: the address rewrite made at this step, on the side away from the header label.
  const nat = g.append('g').attr('class', 'pj-nat').style('display', 'none');
  const natRect = nat.append('rect').attr('height', 20).attr('rx', 4);
  const natText = nat.append('text');
  return {
    node: g,
    set(m: MarkerState, heading: number | null, labelAbove: boolean, maxRight: number) {
      pillRect.attr('y', labelAbove ? -34 : 14);
      pillText.attr('y', labelAbove ? -20 : 28);
      g.style('display', null).attr('data-kind', m.kind);
      const colour = markerColour(m);
      const arp = m.kind === 'arp-request' || m.kind === 'arp-reply';
      shape
        .attr(
          'd',
          arp
            ? 'M0,-9 L9,0 L0,9 L-9,0 Z'
            : m.kind === 'none'
              ? 'M-5,0 A5,5 0 1,0 5,0 A5,5 0 1,0 -5,0'
              : 'M-8,0 A8,8 0 1,0 8,0 A8,8 0 1,0 -8,0',
        )
        .style('fill', colour);
      chevron
        .style('display', heading === null ? 'none' : 'inline')
        .attr('transform', `rotate(${(heading ?? 0).toFixed(1)})`)
        .style('stroke', colour);
      const text = m.kind === 'arp-reply' && m.label ? `↩ ${m.label}` : m.label;
      pill.style('display', text ? 'inline' : 'none');
      pillText.text(text);
      const pw = text ? textWidth(text, 11) + 20 : 0;
      // Flip the label to the left of the marker when it would leave the drawing on the right.
      const left = pw > 0 && 14 + pw > maxRight;
      pillRect
        .attr('x', left ? -14 - pw : 14)
        .attr('width', pw)
        .style('stroke', colour);
      pillText.attr('x', left ? -4 - pw : 24);
      if (m.rewrite) {
        // Bold text runs wider than the layout's estimate: measure it as 12px to leave room.
        const nw = textWidth(m.rewrite, 12) + 16;
        const nLeft = nw > 0 && 14 + nw > maxRight;
        // Opposite the header label; further out when an envelope tag sits there too.
        const ny = labelAbove ? (m.envelope ? 38 : 14) : m.envelope ? -58 : -34;
        natRect
          .attr('x', nLeft ? -14 - nw : 14)
          .attr('y', ny)
          .attr('width', nw);
        natText
          .attr('x', nLeft ? -6 - nw : 22)
          .attr('y', ny + 14)
          .text(m.rewrite);
        nat.style('display', 'inline').attr('data-nat', m.rewrite);
      } else nat.style('display', 'none');
      if (m.envelope) {
        // The envelope wraps the packet (dot and header label); its own label sits on the other side.
        const top = labelAbove && text ? -40 : -15;
        const bottom = !labelAbove && text ? 40 : 15;
        const envW = Math.max(30, 14 + pw + 6 + 15);
        envRect
          .attr('x', left ? 15 - envW : -15)
          .attr('y', top)
          .attr('width', envW)
          .attr('height', bottom - top);
        // A filled tag across the envelope's edge, on the side away from the header label.
        const tw = textWidth(m.envelope.label, 11) + 14;
        const ty = labelAbove ? bottom - 9 : top - 9;
        envTag.attr('x', -22).attr('y', ty).attr('width', tw);
        envLabel
          .attr('x', -15)
          .attr('y', ty + 13)
          .text(m.envelope.label);
        env.style('display', 'inline').attr('data-envelope', m.envelope.kind);
        env.classed('pj-envelope--new', m.transition === 'encap');
      } else env.style('display', 'none');
    },
    hide() {
      g.style('display', 'none');
    },
  };
}

export function createCanvasRenderer(viewport: SVGGElement): CanvasRenderer {
  const root = select(viewport);
  const staticLayer = root.append('g').attr('class', 'pj-static');
  const dropLayer = root.append('g').attr('class', 'pj-l-drops');
  const markerLayer = root.append('g').attr('class', 'pj-l-marker');
  const marker = createMarker(markerLayer);
  let onSelect: ((ns: string) => void) | undefined;
  const selectNs = (ns: string) => onSelect?.(ns);

  let layoutKey: string | null = null;
  let index: AnchorIndex | null = null;
  let els: ReturnType<typeof drawStatic> | null = null;
  let lastStep: number | null = null;
  let lastAnchorId: string | null = null;
  let pos: Point | null = null;
  let currentNs: SVGGElement | null = null;
  let selectedNs: SVGGElement | null = null;
  let currentIf: SVGGElement | null = null;
  let dropSig = '';
  let drawnLang: string | null = null;

  const place = (p: Point) => {
    pos = p;
    marker.node.attr('transform', `translate(${p.x.toFixed(1)},${p.y.toFixed(1)})`);
  };

  function drawDrops(state: RenderState, width: number) {
    if (!index) return;
    const w = state.words;
    const sig = `${w.lang}|${state.step}|${state.drops.map((d) => d.step).join(',')}`;
    if (sig === dropSig) return;
    dropSig = sig;
    dropLayer.selectAll('*').remove();
    for (const d of state.drops) {
      const a = index.anchor(d.netns, d.interface);
      if (!a) continue;
      const current = d.step === state.step;
      const g = dropLayer
        .append('g')
        .attr('class', `pj-drop${current ? ' pj-drop--current' : ''}`)
        .attr('transform', `translate(${a.point.x},${a.point.y})`)
        .attr('role', 'img')
        .attr(
          'aria-label',
          w.t('canvas.drop.at', { place: placeName(d.netns, d.interface, w), reason: d.reason }),
        );
      g.append('title').text(w.t('canvas.drop.title', { reason: d.reason }));
      g.append('path').attr('class', 'pj-drop-x').attr('d', 'M-10,-10 L10,10 M10,-10 L-10,10');
      if (current) {
        const text = d.reason.length > 90 ? `${d.reason.slice(0, 87)}…` : d.reason;
        const w = textWidth(text, 11) + 20;
        // Centred under the cross, but kept inside the drawing.
        const left = Math.max(-a.point.x, Math.min(-w / 2, width - a.point.x - w));
        g.append('rect')
          .attr('class', 'pj-drop-box')
          .attr('x', left)
          .attr('y', 16)
          .attr('width', w)
          .attr('height', 22)
          .attr('rx', 4);
        g.append('text')
          .attr('class', 'pj-drop-text')
          .attr('x', left + w / 2)
          .attr('y', 31)
          .attr('text-anchor', 'middle')
          .text(text);
      }
    }
  }

  function setClass(prev: SVGGElement | null, next: SVGGElement | null, cls: string, pressed = false) {
    if (prev === next) return;
    if (prev) {
      prev.classList.remove(cls);
      if (pressed) prev.setAttribute('aria-pressed', 'false');
    }
    if (next) {
      next.classList.add(cls);
      if (pressed) next.setAttribute('aria-pressed', 'true');
    }
  }

  return {
    setOnSelectNetns(fn) {
      onSelect = fn;
    },
    update(layout, state) {
      if (layout.key !== layoutKey || state.words.lang !== drawnLang) {
        interrupt(marker.node.node()!);
        els = drawStatic(staticLayer, layout, selectNs, state.words);
        index = anchorIndex(layout);
        layoutKey = layout.key;
        drawnLang = state.words.lang;
        lastStep = null;
        lastAnchorId = null;
        currentNs = selectedNs = currentIf = null;
        dropSig = '';
      }
      if (!index || !els) return null;
      const m = state.marker;
      const anchor = m ? index.anchor(m.netns, m.interface) : null;

      setClass(currentNs, (m && els.nsEls.get(m.netns)) || null, 'pj-ns--current');
      currentNs = (m && els.nsEls.get(m.netns)) || null;
      const sel = (state.selectedNetns && els.nsEls.get(state.selectedNetns)) || null;
      setClass(selectedNs, sel, 'pj-ns--selected', true);
      selectedNs = sel;
      const curIf = (anchor && els.ifEls.get(anchor.id)) || null;
      setClass(currentIf, curIf, 'pj-if--current');
      currentIf = curIf;
      drawDrops(state, layout.width);

      if (!m || !anchor) {
        interrupt(marker.node.node()!);
        marker.hide();
        lastStep = state.step;
        lastAnchorId = null;
        return null;
      }
      // Forward: along the hop from where this packet was; back: retrace from where the marker is.
      let fromId: string | null = null;
      if (lastStep !== null && state.step === lastStep + 1 && state.from) {
        fromId = index.anchor(state.from.netns, state.from.interface)?.id ?? null;
      } else if (lastStep !== null && state.step === lastStep - 1) fromId = lastAnchorId;
      const path = fromId ? index.path(fromId, anchor.id) : [anchor.point];
      // Continue from the marker's position when it is already where the hop starts.
      if (path.length > 1 && fromId === lastAnchorId && pos) path[0] = pos;
      const end = path[path.length - 1]!;
      const heading =
        path.length > 1 &&
        Math.hypot(end.x - path[path.length - 2]!.x, end.y - path[path.length - 2]!.y) > 0.5
          ? (Math.atan2(end.y - path[path.length - 2]!.y, end.x - path[path.length - 2]!.x) * 180) / Math.PI
          : null;
      marker.set(
        m,
        heading,
        anchor.point.y <= anchor.box.y + anchor.box.height / 2,
        layout.width - anchor.point.x,
      );
      lastStep = state.step;
      lastAnchorId = anchor.id;

      interrupt(marker.node.node()!);
      const len = polylineLength(path);
      if (state.reducedMotion || path.length < 2 || len < 1) {
        place(anchor.point);
        return anchor.point;
      }
      const duration = Math.min(650, Math.max(220, len * 1.6));
      marker.node
        .transition()
        .duration(duration)
        .ease(easeCubicInOut)
        .tween('move', () => (t: number) => place(pointAlong(path, t)));
      return anchor.point;
    },
    destroy() {
      interrupt(marker.node.node()!);
      root.selectAll('.pj-static, .pj-l-drops, .pj-l-marker').remove();
      onSelect = undefined;
    },
  };
}
