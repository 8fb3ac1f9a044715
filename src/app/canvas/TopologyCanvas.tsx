/**
 * The topology canvas: React renders the <svg> shell and the toolbar; D3 draws inside, through
 * factories owned by one effect. The layout is computed lazily (elkjs) once per topology.
 */
import { useEffect, useId, useMemo, useRef, useState, useSyncExternalStore, type JSX } from 'react';
import type { Trace } from '../../engine/kernel/trace';
import { cameraBox, minScale } from './camera';
import { layoutTopology } from './elk';
import { aspectBucket, DEFAULT_ASPECT, topologyKey, type Box, type CanvasLayout } from './layout';
import { COLLAPSE_OVER, journeyMachines, machineNames } from './lod';
import { createMinimap, type Minimap } from './minimap';
import { CanvasSearch } from './CanvasSearch';
import type { Place } from './search';
import { connectionIndices, describeMarker, dropReason, markerStateAt, previousPlace } from './model';
import { createCanvasRenderer, type CanvasRenderer, type DropMark } from './renderer';
import { Legend } from './Legend';
import { PacketStrip } from './PacketStrip';
import { wording } from './words';
import { createZoom, type ViewTransform, type ZoomController } from './zoom';
import { useT } from '../i18n';

export interface CanvasProps {
  /** The whole trace (topology + events + captures). */
  trace: Trace;
  /** Current event index. */
  step: number;
  /** Highlighted namespace. */
  selectedNetns?: string | null;
  /** Click (or Enter/Space) on a namespace box. */
  onSelectNetns?: (netns: string) => void;
  /** From prefers-reduced-motion: no tweening when true. */
  reducedMotion?: boolean;
  /** Presenter mode (projector): larger canvas text, and the camera follows the packet by default. */
  presenter?: boolean;
  /** The camera follows the packet (closer on its machine, pulled back for a hop between machines). */
  follow?: boolean;
  className?: string;
}

/** The zoom buttons' glyphs, drawn: a text "+" would be a visible label that differs from the name "Zoom in". */
function ZoomIcon({ plus }: { plus: boolean }): JSX.Element {
  return (
    <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" focusable="false">
      <path
        d={plus ? 'M2 7h10M7 2v10' : 'M2 7h10'}
        stroke="currentColor"
        strokeWidth="2"
        strokeLinecap="round"
        fill="none"
      />
    </svg>
  );
}

/** The page's presenter mode, as ClassroomBar marks it on <html>. */
function subscribePresenter(onChange: () => void): () => void {
  if (typeof MutationObserver === 'undefined') return () => {};
  const mo = new MutationObserver(onChange);
  mo.observe(document.documentElement, { attributes: true, attributeFilter: ['class'] });
  return () => mo.disconnect();
}
const presenterClass = () => document.documentElement.classList.contains('pj-presenter');
function usePresenterClass(): boolean {
  return useSyncExternalStore(subscribePresenter, presenterClass, () => false);
}

/** Below this scale a big world's small labels (summaries, addresses) are not drawn: they would be specks. */
const FAR_SCALE = 0.45;

/** The box a search result is framed by: its machine (drawn in full by then), else nothing yet. */
function placeBox(layout: CanvasLayout, p: Place): Box | null {
  return layout.machines.find((m) => m.name === p.machine) ?? null;
}

const BTN =
  'grid h-8 min-w-8 place-items-center rounded-md border border-slate-300 bg-white/90 px-2 text-sm font-medium text-slate-800 shadow-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 dark:border-slate-600 dark:bg-slate-800/90 dark:text-slate-100 dark:hover:bg-slate-700';

export function TopologyCanvas(props: CanvasProps): JSX.Element {
  const { trace, step, selectedNetns, onSelectNetns, reducedMotion = false, className } = props;
  // Without the prop, the page's presenter mode (a class on <html>) decides.
  const presenterPage = usePresenterClass();
  const presenter = props.presenter ?? presenterPage;
  // The camera is on by default in presenter mode; the toolbar's toggle overrides the prop.
  const [followSet, setFollow] = useState<boolean | null>(null);
  const follow = followSet ?? props.follow ?? presenter;
  const svgRef = useRef<SVGSVGElement>(null);
  const viewportRef = useRef<SVGGElement>(null);
  const rendererRef = useRef<CanvasRenderer | null>(null);
  const miniRef = useRef<SVGSVGElement>(null);
  const minimapRef = useRef<Minimap | null>(null);
  // Machines the reader opened (search, a click on a summary): drawn in full with the journey's.
  const [openedIn, setOpenedIn] = useState<{ world: string; machines: string[] }>({
    world: '',
    machines: [],
  });
  const pending = useRef<Place | null>(null);
  const drawnKey = useRef<string | null>(null);
  const zoomRef = useRef<ZoomController | null>(null);
  const [layout, setLayout] = useState<CanvasLayout | null>(null);
  const [layoutError, setLayoutError] = useState<string | null>(null);
  // The view's shape decides how many rows of machines the layout makes.
  const [aspect, setAspect] = useState(DEFAULT_ASPECT);
  const { t, lang } = useT();
  const words = useMemo(() => wording(lang), [lang]);
  const titleId = useId();
  const descId = useId();

  // The one effect that owns the D3 factories.
  useEffect(() => {
    const svg = svgRef.current;
    const viewport = viewportRef.current;
    if (!svg || !viewport) return;
    const renderer = createCanvasRenderer(viewport);
    const zoom = createZoom(svg, viewport);
    let far = false;
    zoom.listen((t: ViewTransform, w: number, h: number) => {
      if (t.k < FAR_SCALE !== far) {
        far = t.k < FAR_SCALE;
        svg.toggleAttribute('data-far', far);
      }
      minimapRef.current?.view(t, w, h);
    });
    rendererRef.current = renderer;
    zoomRef.current = zoom;
    const ro =
      typeof ResizeObserver === 'undefined'
        ? null
        : new ResizeObserver((entries) => {
            const box = entries[entries.length - 1]?.contentRect;
            zoom.resized(box ? { width: box.width, height: box.height } : undefined);
            if (box) setAspect(aspectBucket(box.width, box.height));
          });
    ro?.observe(svg);
    return () => {
      ro?.disconnect();
      renderer.destroy();
      zoom.destroy();
      rendererRef.current = null;
      zoomRef.current = null;
    };
  }, []);

  // Layout: ELK once per topology (memoised by key inside layoutTopology), rows per view shape.
  const key = useMemo(() => topologyKey(trace.topology), [trace.topology]);
  const big = useMemo(() => machineNames(trace.topology).length > COLLAPSE_OVER, [trace.topology]);
  // In a big world, the journey's machines (and those opened) are drawn in full (lod.ts).
  const keepKey = useMemo(() => {
    if (!big) return '';
    // Another world: nothing of it was opened yet.
    const opened = openedIn.world === key ? openedIn.machines : [];
    return [...new Set([...journeyMachines(trace), ...opened])].sort().join('\n');
  }, [big, trace, openedIn, key]);
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

  const connections = useMemo(() => connectionIndices(trace), [trace]);
  const dropsAll = useMemo<DropMark[]>(
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
  const marker = useMemo(
    () => markerStateAt(trace, step, connections, words),
    [trace, step, connections, words],
  );

  useEffect(() => {
    rendererRef.current?.setOnSelectNetns(onSelectNetns);
  }, [onSelectNetns]);

  // Frame a place found by the search, once its machine is drawn in full.
  const frame = (l: CanvasLayout, p: Place): boolean => {
    const box = placeBox(l, p);
    if (!box) return false;
    setFollow(false);
    zoomRef.current?.focus(box, 0, !reducedMotion);
    if (p.netns) onSelectNetns?.(p.netns);
    return true;
  };
  const jump = (p: Place) => {
    if (layout && frame(layout, p)) return;
    pending.current = p;
    setOpenedIn((o) => {
      const was = o.world === key ? o.machines : [];
      return { world: key, machines: was.includes(p.machine) ? was : [...was, p.machine] };
    });
  };
  const open = (machine: string) => jump({ label: machine, machine, netns: null, iface: null });
  useEffect(() => {
    rendererRef.current?.setOnOpenMachine(open);
  });

  // The minimap of a big world: created with its <svg>, fed every layout and every view change.
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
  }, [big]);

  // Fit when a new layout arrives (a big world's path, not its whole grid: layout.focus).
  const fittedKey = useRef<string | null>(null);
  useEffect(() => {
    if (!layout) return;
    minimapRef.current?.update(layout);
    if (fittedKey.current === layout.key) return;
    fittedKey.current = layout.key;
    const p = pending.current;
    if (p && frame(layout, p)) pending.current = null;
    else zoomRef.current?.fit(layout.focus ?? layout, false);
    // frame() reads the current props; a new layout is the only trigger wanted here.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [layout]);

  // Transient update per step: marker and highlights only, never a re-layout.
  useEffect(() => {
    if (!layout || layout.topologyKey !== key) return;
    const start = performance.now();
    const drawn = drawnKey.current;
    const at = rendererRef.current?.update(layout, {
      trace,
      step,
      marker,
      from: previousPlace(trace, step),
      drops: dropsAll.filter((d) => d.step <= step),
      selectedNetns: selectedNetns ?? null,
      reducedMotion,
      words,
    });
    const box =
      follow && marker ? cameraBox(layout, marker.netns, previousPlace(trace, step)?.netns ?? null) : null;
    if (box) zoomRef.current?.focus(box, minScale(presenter), !reducedMotion, at ?? undefined);
    // Keep the packet in view when zoomed in (large topologies).
    else if (at) zoomRef.current?.reveal(at, !reducedMotion);
    // The step drawn, for tests that wait for the drawing (set here, after the drawing, not by React).
    svgRef.current?.setAttribute('data-step', String(step));
    if (drawn !== layout.key) {
      drawnKey.current = layout.key;
      // For budgets: drawing a new layout (the static drawing, its anchors, the journey).
      performance.measure('pj:draw', { start });
    }
  }, [layout, key, trace, step, marker, dropsAll, selectedNetns, reducedMotion, words, follow, presenter]);

  // A new arrangement of the same topology keeps showing the old one until it is in: no flash.
  const ready = layout !== null && layout.topologyKey === key;
  return (
    <div
      className={`pj-canvas flex h-full min-h-64 w-full flex-col overflow-hidden ${reducedMotion ? 'pj-canvas--still' : ''} ${presenter ? 'pj-presenter' : ''} ${className ?? ''}`}
    >
      <div className="relative min-h-0 flex-1">
        <svg
          ref={svgRef}
          className="block h-full w-full select-none"
          aria-labelledby={titleId}
          aria-describedby={descId}
          data-ready={ready ? 'true' : 'false'}
          data-lod={layout?.summaries ? 'true' : undefined}
        >
          <title id={titleId}>{t('canvas.title', { scenario: trace.scenario, flow: trace.flow })}</title>
          <desc id={descId}>{describeMarker(marker, words)}</desc>
          <g ref={viewportRef} />
        </svg>
        {!ready && (
          <p className="absolute inset-0 grid place-items-center text-sm text-slate-600 dark:text-slate-300">
            {layoutError ? t('canvas.layoutFailed', { error: layoutError }) : t('canvas.laying')}
          </p>
        )}
        <div className="absolute top-2 right-2 flex gap-1" role="toolbar" aria-label={t('canvas.toolbar')}>
          <button
            type="button"
            className={BTN}
            aria-label={t('canvas.zoomIn')}
            title={t('canvas.zoomIn')}
            onClick={() => {
              setFollow(false);
              zoomRef.current?.zoomBy(1.3, !reducedMotion);
            }}
          >
            <ZoomIcon plus />
          </button>
          <button
            type="button"
            className={BTN}
            aria-label={t('canvas.zoomOut')}
            title={t('canvas.zoomOut')}
            onClick={() => {
              setFollow(false);
              zoomRef.current?.zoomBy(1 / 1.3, !reducedMotion);
            }}
          >
            <ZoomIcon plus={false} />
          </button>
          <button
            type="button"
            className={BTN}
            onClick={() => {
              setFollow(false);
              if (layout) zoomRef.current?.fit(layout.focus ?? layout, !reducedMotion);
            }}
            disabled={!ready}
          >
            {t('canvas.fit')}
          </button>
          {layout?.summaries && (
            <button
              type="button"
              className={BTN}
              onClick={() => {
                setFollow(false);
                zoomRef.current?.fit(layout, !reducedMotion);
              }}
            >
              {t('canvas.fitAll')}
            </button>
          )}
          <button
            type="button"
            className={`${BTN} aria-pressed:border-blue-600 aria-pressed:bg-blue-50 dark:aria-pressed:bg-blue-950`}
            aria-pressed={follow}
            onClick={() => {
              setFollow(!follow);
              if (follow && layout) zoomRef.current?.fit(layout, !reducedMotion);
            }}
            disabled={!ready}
          >
            {t('canvas.follow')}
          </button>
          <Legend words={words} className={BTN} />
        </div>
        {big && (
          <div className="absolute top-2 left-2">
            <CanvasSearch topology={trace.topology} onJump={jump} />
          </div>
        )}
        {big && (
          <svg
            ref={miniRef}
            className="pj-minimap absolute right-2 bottom-2 h-28 w-44 cursor-pointer rounded-md border border-slate-300 bg-white/90 shadow-sm dark:border-slate-600 dark:bg-slate-900/90"
            role="img"
            aria-label={t('canvas.minimap')}
            preserveAspectRatio="xMidYMid meet"
          />
        )}
      </div>
      <PacketStrip trace={trace} step={step} marker={marker} words={words} />
    </div>
  );
}
