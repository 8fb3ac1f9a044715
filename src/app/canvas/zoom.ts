/** Pan and zoom (d3-zoom) as a small factory owned by the canvas effect. */
import { select, zoom, zoomIdentity, zoomTransform, type ZoomBehavior } from 'd3';
import { CONTROLS_BAND, focusTransform } from './camera';

export interface Bounds {
  width: number;
  height: number;
}

export interface ZoomController {
  /** Fit the content into the view (and keep fitting on resize until the user zooms). */
  fit(bounds: Bounds, animate: boolean): void;
  zoomBy(factor: number, animate: boolean): void;
  /** The camera: frame a content box, the scale kept at or above `minK` (camera.ts). */
  /** Frame `box` (the camera), keeping `packet` in view when the box is too big to fit. */
  focus(
    box: { x: number; y: number; width: number; height: number },
    minK: number,
    animate: boolean,
    packet?: { x: number; y: number },
  ): void;
  /** Pan (keeping the scale) so that a content point is in view, e.g. the packet marker. */
  reveal(p: { x: number; y: number }, animate: boolean): void;
  /** Pan (keeping the scale) so that a content point is in the middle of the view (the minimap). */
  panTo(p: { x: number; y: number }, animate: boolean): void;
  /** Called with the transform and the view's size after every change (the minimap's frame). */
  listen(fn: ((t: ViewTransform, w: number, h: number) => void) | null): void;
  /**
   * The container was resized (size from a ResizeObserver entry): remember the size and re-fit,
   * unless the user has zoomed or panned.
   */
  resized(size?: { width: number; height: number }): void;
  destroy(): void;
}

/**
 * Fitting enlarges a small drawing up to this scale: at 2x the 10 px address lines read as 20 px
 * on a projector, and a two-namespace lesson fills the canvas instead of a quarter of it.
 */
export const FIT_MAX_SCALE = 2;

/** The transform that fits `bounds` into a `w` x `h` view, centred, never above FIT_MAX_SCALE. */
export interface ViewTransform {
  k: number;
  x: number;
  y: number;
}

export function fitTransform(
  bounds: Bounds,
  w: number,
  h: number,
  margin = 16,
): { k: number; x: number; y: number } {
  if (bounds.width <= 0 || bounds.height <= 0 || w <= 0 || h <= 0) return { k: 1, x: 0, y: 0 };
  const k = Math.min(FIT_MAX_SCALE, (w - margin * 2) / bounds.width, (h - margin * 2) / bounds.height);
  return { k, x: (w - bounds.width * k) / 2, y: (h - bounds.height * k) / 2 };
}

type ZoomEvent = { transform: ViewTransform & { toString(): string }; sourceEvent: unknown };

/**
 * The view's size, cached: reading clientWidth on every step would force a synchronous layout of
 * the whole page right after React's DOM updates (the dominant cost of a step).
 */
function viewSize(svg: SVGSVGElement) {
  let size: { w: number; h: number } | null = null;
  return {
    get(): { w: number; h: number } {
      size ??= { w: svg.clientWidth, h: svg.clientHeight };
      return size;
    },
    /** A ResizeObserver's size, or none: the next get() reads the element. */
    set(next?: { width: number; height: number }): void {
      size = next ? { w: next.width, h: next.height } : null;
    },
  };
}

/** d3-zoom with the scale's limits and the cached size as its extent. */
function zoomBehavior(view: () => { w: number; h: number }, onZoom: (ev: ZoomEvent) => void) {
  return (
    zoom<SVGSVGElement, unknown>()
      .scaleExtent([0.05, 4])
      // The cached size, not d3's default (which reads clientWidth and forces a layout per call).
      .extent(() => {
        const { w, h } = view();
        return [
          [0, 0],
          [w, h],
        ];
      })
      .on('zoom', onZoom)
  );
}

export function createZoom(svg: SVGSVGElement, viewport: SVGGElement): ZoomController {
  const s = select(svg);
  let userMoved = false;
  let bounds: Bounds | null = null;
  let listener: ((t: ViewTransform, w: number, h: number) => void) | null = null;
  const size = viewSize(svg);
  const view = size.get;
  const notify = (t: ViewTransform) => {
    if (listener) {
      const { w, h } = view();
      listener(t, w, h);
    }
  };
  const behavior: ZoomBehavior<SVGSVGElement, unknown> = zoomBehavior(view, (ev) => {
    if (ev.sourceEvent) userMoved = true;
    viewport.setAttribute('transform', ev.transform.toString());
    notify(ev.transform);
  });
  s.call(behavior).on('dblclick.zoom', null);

  const apply = (k: number, x: number, y: number, animate: boolean) => {
    const t = zoomIdentity.translate(x, y).scale(k);
    if (animate) s.transition().duration(300).call(behavior.transform, t);
    else s.call(behavior.transform, t);
  };

  return {
    fit(b, animate) {
      bounds = b;
      userMoved = false;
      const { w, h } = view();
      const { k, x, y } = fitTransform(b, w, h);
      apply(k, x, y, animate);
    },
    focus(box, minK, animate, packet) {
      // Framed by the camera, not fitted: a resize must not undo it (the next step re-frames).
      userMoved = true;
      const { w, h } = view();
      const { k, x, y } = focusTransform(box, w, h, minK, {
        top: CONTROLS_BAND,
        ...(packet ? { focus: packet } : {}),
      });
      apply(k, x, y, animate);
    },
    zoomBy(factor, animate) {
      userMoved = true;
      if (animate) s.transition().duration(200).call(behavior.scaleBy, factor);
      else s.call(behavior.scaleBy, factor);
    },
    reveal(p, animate) {
      // Fitted, the whole drawing is in view: panning to a marker near its edge would only un-fit it.
      if (!userMoved) return;
      const t = zoomTransform(svg);
      const [sx, sy] = t.apply([p.x, p.y]);
      const { w, h } = view();
      const m = Math.min(80, w / 6, h / 6);
      if (sx >= m && sx <= w - m && sy >= m && sy <= h - m) return;
      if (animate) s.transition().duration(300).call(behavior.translateTo, p.x, p.y);
      else s.call(behavior.translateTo, p.x, p.y);
    },
    panTo(p, animate) {
      userMoved = true;
      if (animate) s.transition().duration(300).call(behavior.translateTo, p.x, p.y);
      else s.interrupt().call(behavior.translateTo, p.x, p.y);
    },
    listen(fn) {
      listener = fn;
      notify(zoomTransform(svg));
    },
    resized(next) {
      size.set(next);
      if (!userMoved && bounds) this.fit(bounds, false);
      else notify(zoomTransform(svg));
    },
    destroy() {
      s.interrupt();
      s.on('.zoom', null);
    },
  };
}
