/**
 * The minimap of a big topology: the whole drawing in miniature (machines drawn in full, summaries,
 * the journey's part outlined) with the view's frame on it. A click or a drag on it moves the view
 * there. A D3 factory owned by the canvas's effect; the pointer is its only input (the keyboard
 * has the zoom buttons and the search).
 */
import { select } from 'd3';
import type { CanvasLayout, Point } from './layout';
import type { ViewTransform } from './zoom';

export interface Minimap {
  update(layout: CanvasLayout): void;
  /** The view's transform and size: where its frame is drawn. */
  view(t: ViewTransform, w: number, h: number): void;
  destroy(): void;
}

export function createMinimap(svgEl: SVGSVGElement, pan: (p: Point) => void): Minimap {
  const svg = select(svgEl);
  const boxes = svg.append('g').attr('class', 'pj-mini-boxes');
  const frame = svg.append('rect').attr('class', 'pj-mini-frame');
  let drawnKey: string | null = null;
  let dragging = false;

  // The pointer's position in the drawing's coordinates (the minimap's viewBox is the drawing's).
  const at = (ev: PointerEvent): Point | null => {
    const m = svgEl.getScreenCTM();
    if (!m) return null;
    const p = new DOMPoint(ev.clientX, ev.clientY).matrixTransform(m.inverse());
    return { x: p.x, y: p.y };
  };
  const move = (ev: PointerEvent) => {
    const p = at(ev);
    if (p) pan(p);
  };
  svg
    .on('pointerdown', (ev: PointerEvent) => {
      dragging = true;
      svgEl.setPointerCapture?.(ev.pointerId);
      move(ev);
    })
    .on('pointermove', (ev: PointerEvent) => {
      if (dragging) move(ev);
    })
    .on('pointerup pointercancel', () => {
      dragging = false;
    });

  return {
    update(layout) {
      if (layout.key === drawnKey) return;
      drawnKey = layout.key;
      svg.attr('viewBox', `0 0 ${layout.width} ${layout.height}`);
      boxes.selectAll('*').remove();
      const rects = [
        ...layout.machines.map((m) => ({ b: m, cls: 'pj-mini-machine' })),
        ...(layout.summaries ?? []).map((s) => ({ b: s, cls: 'pj-mini-summary' })),
      ];
      for (const { b, cls } of rects) {
        boxes
          .append('rect')
          .attr('class', cls)
          .attr('x', b.x)
          .attr('y', b.y)
          .attr('width', b.width)
          .attr('height', b.height);
      }
      if (layout.focus) {
        const f = layout.focus;
        boxes
          .append('rect')
          .attr('class', 'pj-mini-focus')
          .attr('x', f.x)
          .attr('y', f.y)
          .attr('width', f.width)
          .attr('height', f.height);
      }
    },
    view(t, w, h) {
      frame
        .attr('x', -t.x / t.k)
        .attr('y', -t.y / t.k)
        .attr('width', w / t.k)
        .attr('height', h / t.k);
    },
    destroy() {
      svg.on('pointerdown pointermove pointerup pointercancel', null);
      svg.selectAll('*').remove();
    },
  };
}
