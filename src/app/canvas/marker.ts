/**
 * The packet marker and its move from step to step: a factory owned by the canvas renderer. A step
 * forward slides the marker along the hop from where the packet was, a step back retraces it, any
 * other jump (or reduced motion) puts it straight where it ends.
 */
import { easeCubicInOut, interrupt, type Selection } from 'd3';
import { pointAlong, polylineLength, type AnchorIndex, type Point } from './layout';
import type { MarkerState } from './model';

type G = Selection<SVGGElement, unknown, null, undefined>;

const CONNECTION_COLOURS = 6;

function markerColour(m: MarkerState): string {
  if (m.kind === 'arp-request' || m.kind === 'arp-reply') return 'var(--pj-arp)';
  if (m.connectionIndex !== null) return `var(--pj-c${m.connectionIndex % CONNECTION_COLOURS})`;
  if (m.kind === 'none') return 'var(--pj-muted)';
  return 'var(--pj-ip)';
}

/**
 * The packet marker: a dot in the packet's colour, a ring per envelope it travels in (VXLAN,
 * IPIP, UDP) and a direction chevron. It carries no text: the packet's headers are spelled out
 * in the packet strip under the drawing, so nothing written on the marker can cover a name.
 */
function createMarker(parent: G) {
  const g = parent
    .append('g')
    .attr('class', 'pj-marker')
    .attr('aria-hidden', 'true')
    .style('display', 'none');
  const rings = g.append('g').attr('class', 'pj-envelope');
  const chevron = g.append('path').attr('class', 'pj-chevron').attr('d', 'M9,-5 L14,0 L9,5');
  const shape = g.append('path').attr('class', 'pj-marker-shape');
  return {
    node: g,
    set(m: MarkerState, heading: number | null) {
      g.style('display', null).attr('data-kind', m.kind);
      const colour = markerColour(m);
      const arp = m.kind === 'arp-request' || m.kind === 'arp-reply';
      shape
        .attr(
          'd',
          arp
            ? 'M0,-7 L7,0 L0,7 L-7,0 Z'
            : m.kind === 'none'
              ? 'M-4,0 A4,4 0 1,0 4,0 A4,4 0 1,0 -4,0'
              : 'M-6,0 A6,6 0 1,0 6,0 A6,6 0 1,0 -6,0',
        )
        .style('fill', colour);
      chevron
        .style('display', heading === null ? 'none' : 'inline')
        .attr('transform', `rotate(${(heading ?? 0).toFixed(1)})`)
        .style('stroke', colour);
      rings.selectAll('*').remove();
      rings.attr('data-envelope', m.envelope?.kind ?? null);
      // An envelope wraps the packet; at decapsulation the ring that came off flies away.
      if (m.envelope) {
        rings
          .append('rect')
          .attr('class', m.transition === 'encap' ? 'pj-ring pj-ring--new' : 'pj-ring')
          .attr('x', -11)
          .attr('y', -11)
          .attr('width', 22)
          .attr('height', 22)
          .attr('rx', 6);
      }
      if (m.transition === 'decap') {
        rings
          .append('rect')
          .attr('class', 'pj-ring pj-ring--off')
          .attr('x', -11)
          .attr('y', -11)
          .attr('width', 22)
          .attr('height', 22)
          .attr('rx', 6);
      }
    },
    hide() {
      g.style('display', 'none');
    },
  };
}

/** The step's facts the move depends on (RenderState's). */
export interface MarkerStep {
  step: number;
  /** Where the packet of this step was before (from the Trace): the start of the hop. */
  from: { netns: string; interface: string | null } | null;
  reducedMotion: boolean;
}

/** The direction of a path's last leg in degrees, or null when the path ends standing still. */
function headingOf(path: readonly Point[]): number | null {
  if (path.length < 2) return null;
  const end = path[path.length - 1]!;
  const prev = path[path.length - 2]!;
  return Math.hypot(end.x - prev.x, end.y - prev.y) > 0.5
    ? (Math.atan2(end.y - prev.y, end.x - prev.x) * 180) / Math.PI
    : null;
}

export function createPacketMarker(layer: G) {
  const marker = createMarker(layer);
  const el = marker.node.node()!;
  // The step and anchor last drawn, and where the marker is (mid-move too): a move starts there.
  let lastStep: number | null = null;
  let lastAnchorId: string | null = null;
  let pos: Point | null = null;
  const place = (p: Point) => {
    pos = p;
    marker.node.attr('transform', `translate(${p.x.toFixed(1)},${p.y.toFixed(1)})`);
  };
  return {
    /** Stop a move under way (a redraw, a teardown). */
    stop(): void {
      interrupt(el);
    },
    /** A new static drawing: the next step is not a step from the last one. */
    reset(): void {
      interrupt(el);
      lastStep = null;
      lastAnchorId = null;
    },
    /** No packet at this step, or nowhere to draw it. */
    hide(step: number): void {
      interrupt(el);
      marker.hide();
      lastStep = step;
      lastAnchorId = null;
    },
    /** Draw `m` at `anchor`, moving there along the hop when the step follows the last one. */
    move(index: AnchorIndex, m: MarkerState, anchor: { id: string; point: Point }, s: MarkerStep): Point {
      // Forward: along the hop from where this packet was; back: retrace from where the marker is.
      let fromId: string | null = null;
      if (lastStep !== null && s.step === lastStep + 1 && s.from) {
        fromId = index.anchor(s.from.netns, s.from.interface)?.id ?? null;
      } else if (lastStep !== null && s.step === lastStep - 1) fromId = lastAnchorId;
      const path = fromId ? index.path(fromId, anchor.id) : [anchor.point];
      // Continue from the marker's position when it is already where the hop starts.
      if (path.length > 1 && fromId === lastAnchorId && pos) path[0] = pos;
      marker.set(m, headingOf(path));
      lastStep = s.step;
      lastAnchorId = anchor.id;

      interrupt(el);
      const len = polylineLength(path);
      if (s.reducedMotion || path.length < 2 || len < 1) {
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
  };
}
