/**
 * The topology canvas's hooks, one purpose each: the D3 factories' life, the layout, the minimap,
 * the fit on a new layout and the drawing of each step (TopologyCanvas.tsx puts them together).
 */
import { useEffect, useMemo, useRef, useState, useSyncExternalStore, type RefObject } from 'react';
import type { Trace } from '../../engine/kernel/trace';
import { cameraBox, minScale } from './camera';
import { layoutTopology } from './elk';
import { aspectBucket, DEFAULT_ASPECT, type CanvasLayout } from './layout';
import { createMinimap, type Minimap } from './minimap';
import { dropReason, previousPlace, type MarkerState } from './model';
import { createCanvasRenderer, type CanvasRenderer, type DropMark } from './renderer';
import type { Wording } from './words';
import { createZoom, type ViewTransform, type ZoomController } from './zoom';

/** The page's presenter mode, as ClassroomBar marks it on <html>. */
function subscribePresenter(onChange: () => void): () => void {
  if (typeof MutationObserver === 'undefined') return () => {};
  const mo = new MutationObserver(onChange);
  mo.observe(document.documentElement, { attributes: true, attributeFilter: ['class'] });
  return () => mo.disconnect();
}
const presenterClass = () => document.documentElement.classList.contains('pj-presenter');
export function usePresenterClass(): boolean {
  return useSyncExternalStore(subscribePresenter, presenterClass, () => false);
}

/** Below this scale a big world's small labels (summaries, addresses) are not drawn: they would be specks. */
const FAR_SCALE = 0.45;

export interface Factories {
  rendererRef: RefObject<CanvasRenderer | null>;
  zoomRef: RefObject<ZoomController | null>;
  minimapRef: RefObject<Minimap | null>;
}

/**
 * The one effect that owns the D3 factories (renderer and zoom), made once for the <svg>; the
 * view's shape (aspect) decides how many rows of machines the layout makes.
 */
export function useD3Factories(
  svgRef: RefObject<SVGSVGElement | null>,
  viewportRef: RefObject<SVGGElement | null>,
): { f: Factories; aspect: number } {
  const renderer = useRef<CanvasRenderer | null>(null);
  const zoom = useRef<ZoomController | null>(null);
  const minimap = useRef<Minimap | null>(null);
  // One object for the component's life (refs are stable): effects can depend on it.
  const f = useMemo(() => ({ rendererRef: renderer, zoomRef: zoom, minimapRef: minimap }), []);
  const [aspect, setAspect] = useState(DEFAULT_ASPECT);
  useEffect(() => {
    const svg = svgRef.current;
    const viewport = viewportRef.current;
    if (!svg || !viewport) return;
    const r = createCanvasRenderer(viewport);
    const z = createZoom(svg, viewport);
    let far = false;
    z.listen((t: ViewTransform, w: number, h: number) => {
      if (t.k < FAR_SCALE !== far) {
        far = t.k < FAR_SCALE;
        svg.toggleAttribute('data-far', far);
      }
      minimap.current?.view(t, w, h);
    });
    renderer.current = r;
    zoom.current = z;
    const ro =
      typeof ResizeObserver === 'undefined'
        ? null
        : new ResizeObserver((entries) => {
            const box = entries[entries.length - 1]?.contentRect;
            z.resized(box ? { width: box.width, height: box.height } : undefined);
            if (box) setAspect(aspectBucket(box.width, box.height));
          });
    ro?.observe(svg);
    return () => {
      ro?.disconnect();
      r.destroy();
      z.destroy();
      renderer.current = null;
      zoom.current = null;
    };
  }, [svgRef, viewportRef]);
  return { f, aspect };
}

/** ELK once per topology (memoised by key inside layoutTopology), rows per view shape. */
export function useCanvasLayout(
  trace: Trace,
  aspect: number,
  keepKey: string,
): { layout: CanvasLayout | null; layoutError: string | null } {
  const [layout, setLayout] = useState<CanvasLayout | null>(null);
  const [layoutError, setLayoutError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const start = performance.now();
    layoutTopology(trace.topology, trace.scenario, aspect, keepKey ? keepKey.split('\n') : []).then(
      (l) => {
        if (!live) return;
        // For budgets (scripts/big-draw.ts): the layout's time, ELK's worker included.
        performance.measure('pj:layout', { start });
        setLayout(l);
        setLayoutError(null);
      },
      (e: unknown) => {
        if (live) setLayoutError(e instanceof Error ? e.message : String(e));
      },
    );
    return () => {
      live = false;
    };
    // layoutTopology is memoised by topology key: a new but equal topology reuses the same layout.
  }, [trace.topology, trace.scenario, aspect, keepKey]);
  return { layout, layoutError };
}

/** The minimap of a big world: created with its <svg>; a click on it pans there. */
export function useMinimap(
  big: boolean,
  miniRef: RefObject<SVGSVGElement | null>,
  { zoomRef, minimapRef }: Factories,
  setFollow: (follow: boolean) => void,
): void {
  useEffect(() => {
    const el = miniRef.current;
    if (!big || !el) return;
    const mm = createMinimap(el, (p) => {
      setFollow(false);
      zoomRef.current?.panTo(p, false);
    });
    minimapRef.current = mm;
    return () => {
      mm.destroy();
      minimapRef.current = null;
    };
  }, [big, miniRef, zoomRef, minimapRef, setFollow]);
}

/** Every drop of the Trace, as the renderer marks them (those up to the step are drawn). */
export function useDrops(trace: Trace, words: Wording): DropMark[] {
  return useMemo<DropMark[]>(
    () =>
      trace.events
        .filter((e) => e.kind === 'drop')
        .map((e) => ({
          step: e.step,
          netns: e.netns,
          interface: e.interface ?? null,
          reason: dropReason(e, words),
        })),
    [trace, words],
  );
}

export interface StepView {
  layout: CanvasLayout | null;
  /** The current topology's key: a layout of another is not drawn on. */
  key: string;
  trace: Trace;
  step: number;
  marker: MarkerState | null;
  drops: DropMark[];
  selectedNetns: string | null;
  reducedMotion: boolean;
  words: Wording;
  follow: boolean;
  presenter: boolean;
}

/** Transient update per step: marker, highlights and the camera only, never a re-layout. */
export function useStepDrawing(v: StepView, f: Factories, svgRef: RefObject<SVGSVGElement | null>): void {
  const drawnKey = useRef<string | null>(null);
  const { layout, key, trace, step, marker, drops, selectedNetns, reducedMotion, words, follow, presenter } =
    v;
  useEffect(() => {
    if (!layout || layout.topologyKey !== key) return;
    const start = performance.now();
    const drawn = drawnKey.current;
    const from = previousPlace(trace, step);
    const at = f.rendererRef.current?.update(layout, {
      trace,
      step,
      marker,
      from,
      drops: drops.filter((d) => d.step <= step),
      selectedNetns,
      reducedMotion,
      words,
    });
    const box = follow && marker ? cameraBox(layout, marker.netns, from?.netns ?? null) : null;
    if (box) f.zoomRef.current?.focus(box, minScale(presenter), !reducedMotion, at ?? undefined);
    // Keep the packet in view when zoomed in (large topologies).
    else if (at) f.zoomRef.current?.reveal(at, !reducedMotion);
    // The step drawn, for tests that wait for the drawing (set here, after the drawing, not by React).
    svgRef.current?.setAttribute('data-step', String(step));
    if (drawn !== layout.key) {
      drawnKey.current = layout.key;
      // For budgets: drawing a new layout (the static drawing, its anchors, the journey).
      performance.measure('pj:draw', { start });
    }
  }, [
    layout,
    key,
    trace,
    step,
    marker,
    drops,
    selectedNetns,
    reducedMotion,
    words,
    follow,
    presenter,
    f,
    svgRef,
  ]);
}
