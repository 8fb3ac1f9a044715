/**
 * The topology canvas, loaded lazily from ../canvas when it exists (another engineer builds it);
 * until then a placeholder that lists the current hop.
 */
import { lazy, Suspense, type ComponentType } from 'react';
import { eventAt } from '../panels/trace-select';
import { appStore } from '../state/store';
import { useApp } from '../state/useApp';
import type { Trace } from '../types';
import { useT } from '../i18n';

export interface TopologyCanvasProps {
  trace: Trace;
  step: number;
  selectedNetns?: string | null;
  onSelectNetns?: (netns: string | null) => void;
  reducedMotion?: boolean;
  className?: string;
}

const canvasModules = import.meta.glob<{ TopologyCanvas: ComponentType<TopologyCanvasProps> }>(
  '../canvas/index.ts',
);
const loadCanvas = canvasModules['../canvas/index.ts'];
const LazyCanvas = loadCanvas ? lazy(() => loadCanvas().then((m) => ({ default: m.TopologyCanvas }))) : null;

function Placeholder({ trace, step }: { trace: Trace | null; step: number }) {
  const ev = eventAt(trace, step);
  const { t } = useT();
  return (
    <div className="flex h-full flex-col items-center justify-center gap-2 p-4 text-center text-slate-600 dark:text-slate-300">
      <p className="text-sm">{t('canvas.placeholder')}</p>
      {ev && (
        <p data-raw="" className="font-mono text-lg text-slate-900 dark:text-slate-50">
          {ev.machine} / {ev.netns}
          {ev.interface ? ` / ${ev.interface}` : ''} · {ev.kind}
        </p>
      )}
    </div>
  );
}

const reducedMotion =
  typeof window !== 'undefined' && window.matchMedia?.('(prefers-reduced-motion: reduce)').matches === true;

export function CanvasSlot() {
  const { t, lang } = useT();
  const trace = useApp((s) => s.trace);
  const step = useApp((s) => s.step);
  const selected = useApp((s) => s.selectedNetns);
  const loading = useApp((s) => s.loading);
  const error = useApp((s) => s.error);

  return (
    <div
      className="relative h-full min-h-0 overflow-hidden rounded-lg border border-slate-200 bg-slate-50 dark:border-slate-700 dark:bg-slate-900"
      aria-busy={loading}
    >
      {error ? (
        <div role="alert" className="p-4 text-sm text-red-800 dark:text-red-200">
          {error}
        </div>
      ) : trace && LazyCanvas ? (
        <Suspense fallback={<Placeholder trace={trace} step={step} />}>
          <LazyCanvas
            key={lang}
            trace={trace}
            step={step}
            selectedNetns={selected}
            onSelectNetns={(ns) => appStore.getState().selectNetns(ns)}
            reducedMotion={reducedMotion}
            className="h-full w-full"
          />
        </Suspense>
      ) : (
        <Placeholder trace={trace} step={step} />
      )}
      {loading && (
        <div
          role="status"
          className="absolute inset-x-0 top-0 m-2 mx-auto w-fit rounded-full bg-white/90 px-3 py-1 text-sm text-slate-700 shadow dark:bg-slate-800/90 dark:text-slate-100"
        >
          {t('canvas.computing')}
        </div>
      )}
    </div>
  );
}
