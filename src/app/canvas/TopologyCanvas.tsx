/**
 * The topology canvas: React renders the <svg> shell and the toolbar; D3 draws inside, through
 * factories owned by one effect. The layout is computed lazily (elkjs) once per topology.
 */
import {
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type Dispatch,
  type JSX,
  type RefObject,
  type SetStateAction,
} from 'react';
import type { Trace } from '../../engine/kernel/trace';
import {
  useCanvasLayout,
  useD3Factories,
  useDrops,
  useMinimap,
  usePresenterClass,
  useStepDrawing,
  type Factories,
} from './canvasHooks';
import { CanvasToolbar } from './CanvasToolbar';
import { topologyKey, type Box, type CanvasLayout } from './layout';
import { COLLAPSE_OVER, journeyMachines, machineNames } from './lod';
import { CanvasSearch } from './CanvasSearch';
import type { Place } from './search';
import { connectionIndices, describeMarker, markerStateAt, type MarkerState } from './model';
import { PacketStrip } from './PacketStrip';
import { wording, type Wording } from './words';
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

/** The box a search result is framed by: its machine (drawn in full by then), else nothing yet. */
function placeBox(layout: CanvasLayout, p: Place): Box | null {
  return layout.machines.find((m) => m.name === p.machine) ?? null;
}

/** Machines the reader opened in a big world (search, a click on a summary), by world. */
interface Opened {
  world: string;
  machines: string[];
}

interface JumpDeps {
  layout: CanvasLayout | null;
  key: string;
  f: Factories;
  setFollow: (follow: boolean) => void;
  setOpenedIn: Dispatch<SetStateAction<Opened>>;
  reducedMotion: boolean;
  onSelectNetns: ((netns: string) => void) | undefined;
}

/**
 * Going to a place found by the search (or a machine opened from its summary): framed at once when
 * its machine is drawn in full, else opened and framed when the layout that draws it arrives
 * (`pending`, which the fit on a new layout reads).
 */
function useJump(d: JumpDeps) {
  const pendingRef = useRef<Place | null>(null);
  const frame = (l: CanvasLayout, p: Place): boolean => {
    const box = placeBox(l, p);
    if (!box) return false;
    d.setFollow(false);
    d.f.zoomRef.current?.focus(box, 0, !d.reducedMotion);
    if (p.netns) d.onSelectNetns?.(p.netns);
    return true;
  };
  const jump = (p: Place) => {
    if (d.layout && frame(d.layout, p)) return;
    pendingRef.current = p;
    d.setOpenedIn((o) => {
      const was = o.world === d.key ? o.machines : [];
      return { world: d.key, machines: was.includes(p.machine) ? was : [...was, p.machine] };
    });
  };
  const open = (machine: string) => jump({ label: machine, machine, netns: null, iface: null });
  useEffect(() => {
    d.f.rendererRef.current?.setOnOpenMachine(open);
  });
  return { jump, frame, pendingRef };
}

/** Fit when a new layout arrives (a big world's path, not its whole grid: layout.focus), or frame what was asked. */
function useFitOnLayout(
  layout: CanvasLayout | null,
  { zoomRef, minimapRef }: Factories,
  frame: (l: CanvasLayout, p: Place) => boolean,
  pendingRef: RefObject<Place | null>,
): void {
  const fittedKey = useRef<string | null>(null);
  useEffect(() => {
    if (!layout) return;
    minimapRef.current?.update(layout);
    if (fittedKey.current === layout.key) return;
    fittedKey.current = layout.key;
    const p = pendingRef.current;
    if (p && frame(layout, p)) pendingRef.current = null;
    else zoomRef.current?.fit(layout.focus ?? layout, false);
    // frame() reads the current props; a new layout is the only trigger wanted here.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [layout]);
}

/** In a big world, the journey's machines (and those opened) are drawn in full (lod.ts): their names, one a line. */
function useKeepKey(trace: Trace, big: boolean, key: string, openedIn: Opened): string {
  return useMemo(() => {
    if (!big) return '';
    // Another world: nothing of it was opened yet.
    const opened = openedIn.world === key ? openedIn.machines : [];
    return [...new Set([...journeyMachines(trace), ...opened])].sort().join('\n');
  }, [big, trace, openedIn, key]);
}

/** Presenter mode and whether the camera follows the packet, with the toolbar's follow toggle. */
function usePresenterFollow(props: CanvasProps): {
  presenter: boolean;
  follow: boolean;
  setFollow: Dispatch<SetStateAction<boolean | null>>;
} {
  // Without the prop, the page's presenter mode (a class on <html>) decides.
  const presenterPage = usePresenterClass();
  const presenter = props.presenter ?? presenterPage;
  // The camera is on by default in presenter mode; the toolbar's toggle overrides the prop.
  const [followSet, setFollow] = useState<boolean | null>(null);
  const follow = followSet ?? props.follow ?? presenter;
  return { presenter, follow, setFollow };
}

/**
 * Which world is shown (its topology key), whether it is big enough to summarise machines, and
 * which machines a big world still draws in full.
 */
function useWorld(trace: Trace, openedIn: Opened): { key: string; big: boolean; keepKey: string } {
  const key = useMemo(() => topologyKey(trace.topology), [trace.topology]);
  const big = useMemo(() => machineNames(trace.topology).length > COLLAPSE_OVER, [trace.topology]);
  const keepKey = useKeepKey(trace, big, key, openedIn);
  return { key, big, keepKey };
}

/** The canvas root's classes: still (reduced motion), presenter, and the caller's own. */
function canvasClass(reducedMotion: boolean, presenter: boolean, className: string | undefined): string {
  return `pj-canvas flex h-full min-h-64 w-full flex-col overflow-hidden ${reducedMotion ? 'pj-canvas--still' : ''} ${presenter ? 'pj-presenter' : ''} ${className ?? ''}`;
}

export function TopologyCanvas(props: CanvasProps): JSX.Element {
  const { trace, step, selectedNetns, onSelectNetns, reducedMotion = false, className } = props;
  const { presenter, follow, setFollow } = usePresenterFollow(props);
  const svgRef = useRef<SVGSVGElement>(null);
  const viewportRef = useRef<SVGGElement>(null);
  const miniRef = useRef<SVGSVGElement>(null);
  const [openedIn, setOpenedIn] = useState<Opened>({ world: '', machines: [] });
  const { lang } = useT();
  const words = useMemo(() => wording(lang), [lang]);

  const { f, aspect } = useD3Factories(svgRef, viewportRef);
  const { key, big, keepKey } = useWorld(trace, openedIn);
  const { layout, layoutError } = useCanvasLayout(trace, aspect, keepKey);
  const connections = useMemo(() => connectionIndices(trace), [trace]);
  const drops = useDrops(trace, words);
  const marker = useMemo(
    () => markerStateAt(trace, step, connections, words),
    [trace, step, connections, words],
  );

  useEffect(() => {
    f.rendererRef.current?.setOnSelectNetns(onSelectNetns);
  }, [f, onSelectNetns]);
  const nav = useJump({ layout, key, f, setFollow, setOpenedIn, reducedMotion, onSelectNetns });
  useMinimap(big, miniRef, f, setFollow);
  useFitOnLayout(layout, f, nav.frame, nav.pendingRef);
  useStepDrawing(
    {
      layout,
      key,
      trace,
      step,
      marker,
      drops,
      selectedNetns: selectedNetns ?? null,
      reducedMotion,
      words,
      follow,
      presenter,
    },
    f,
    svgRef,
  );

  // A new arrangement of the same topology keeps showing the old one until it is in: no flash.
  const ready = layout !== null && layout.topologyKey === key;
  return (
    <div className={canvasClass(reducedMotion, presenter, className)}>
      <div className="relative min-h-0 flex-1">
        <CanvasSvg
          svgRef={svgRef}
          viewportRef={viewportRef}
          trace={trace}
          marker={marker}
          words={words}
          ready={ready}
          lod={!!layout?.summaries}
        />
        {!ready && <Laying error={layoutError} words={words} />}
        <CanvasToolbar
          words={words}
          layout={layout}
          ready={ready}
          follow={follow}
          setFollow={setFollow}
          zoomRef={f.zoomRef}
          reducedMotion={reducedMotion}
        />
        {big && <BigWorldTools trace={trace} onJump={nav.jump} miniRef={miniRef} words={words} />}
      </div>
      <PacketStrip trace={trace} step={step} marker={marker} words={words} />
    </div>
  );
}

interface CanvasSvgProps {
  svgRef: RefObject<SVGSVGElement | null>;
  viewportRef: RefObject<SVGGElement | null>;
  trace: Trace;
  marker: MarkerState | null;
  words: Wording;
  ready: boolean;
  /** A big world drawn with machines summarised (lod.ts). */
  lod: boolean;
}

/** The <svg> React keeps: named and described for assistive technology; D3 draws in its viewport <g>. */
function CanvasSvg({ svgRef, viewportRef, trace, marker, words, ready, lod }: CanvasSvgProps): JSX.Element {
  const titleId = useId();
  const descId = useId();
  return (
    <svg
      ref={svgRef}
      className="block h-full w-full select-none"
      aria-labelledby={titleId}
      aria-describedby={descId}
      data-ready={ready ? 'true' : 'false'}
      data-lod={lod ? 'true' : undefined}
    >
      <title id={titleId}>{words.t('canvas.title', { scenario: trace.scenario, flow: trace.flow })}</title>
      <desc id={descId}>{describeMarker(marker, words)}</desc>
      <g ref={viewportRef} />
    </svg>
  );
}

/** Until the layout is in: "laying out…", or why it failed. */
function Laying({ error, words }: { error: string | null; words: Wording }): JSX.Element {
  return (
    <p className="absolute inset-0 grid place-items-center text-sm text-slate-600 dark:text-slate-300">
      {error ? words.t('canvas.layoutFailed', { error }) : words.t('canvas.laying')}
    </p>
  );
}

interface BigWorldToolsProps {
  trace: Trace;
  onJump: (p: Place) => void;
  miniRef: RefObject<SVGSVGElement | null>;
  words: Wording;
}

/** A big world's search box and minimap (the minimap's <svg>, which useMinimap draws in). */
function BigWorldTools({ trace, onJump, miniRef, words }: BigWorldToolsProps): JSX.Element {
  return (
    <>
      <div className="absolute top-2 left-2">
        <CanvasSearch topology={trace.topology} onJump={onJump} />
      </div>
      <svg
        ref={miniRef}
        className="pj-minimap absolute right-2 bottom-2 h-28 w-44 cursor-pointer rounded-md border border-slate-300 bg-white/90 shadow-sm dark:border-slate-600 dark:bg-slate-900/90"
        role="img"
        aria-label={words.t('canvas.minimap')}
        preserveAspectRatio="xMidYMid meet"
      />
    </>
  );
}
