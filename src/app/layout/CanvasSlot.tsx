/**
 * The topology canvas (../canvas: D3, with ELK in its own worker), loaded as a chunk of its own.
 * Its download starts once the page has painted, while the worker computes the first Trace, so it is
 * there when the Trace is; until then a placeholder names the current hop.
 */
import { lazy, Suspense, useState } from 'react';
// The canvas's styles ship with the page: a stylesheet arriving later would restyle the whole page.
import '../canvas/canvas.css';
import { eventAt } from '../panels/trace-select';
import { appStore, type AppStoreApi } from '../state/store';
import { useApp } from '../state/useApp';
import type { Trace } from '../types';
import { useT } from '../i18n';

let canvasModule: Promise<typeof import('../canvas')> | null = null;
/** Fetches the canvas's chunk; main.tsx calls it before React mounts, beside the trace worker's start. */
export const loadCanvas = () => (canvasModule ??= import('../canvas'));
/**
 * Fetches the scenario's layout (built ahead, or ELK's worker for an edited one) as soon as the
 * scenario is chosen, beside its Trace: waiting for React to draw the canvas for it put the layout
 * after the Trace on the first journey's path. main.tsx installs it.
 */
export function warmLayouts(store: AppStoreApi): () => void {
  let last = '';
  return store.subscribe((s) => {
    const edited = s.scenarioText !== null;
    const key = `${s.scenarioId ?? ''}\0${edited}`;
    if (!s.scenarioId || key === last) return;
    last = key;
    const id = s.scenarioId;
    void loadCanvas().then((m) => m.warmLayout(id, edited));
  });
}

const LazyCanvas = lazy(() => loadCanvas().then((m) => ({ default: m.TopologyCanvas })));

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

/** An internal error: say it is a bug, and hand out the report (with the link that reproduces it). */
function BugReport({ report }: { report: string }) {
  const { t } = useT();
  const [copied, setCopied] = useState(false);
  return (
    <p className="mt-2 flex flex-wrap items-center gap-2">
      {t('error.internal')}
      <button
        type="button"
        className="rounded border border-red-700 px-2 py-0.5 text-red-800 hover:bg-red-50 dark:text-red-200 dark:hover:bg-red-950"
        onClick={() =>
          void navigator.clipboard?.writeText(`${report}\nlink: ${window.location.href}`).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {copied ? t('error.copied') : t('error.copyReport')}
      </button>
    </p>
  );
}

export function CanvasSlot() {
  const { t } = useT();
  const trace = useApp((s) => s.trace);
  const step = useApp((s) => s.step);
  const selected = useApp((s) => s.selectedNetns);
  const loading = useApp((s) => s.loading);
  const error = useApp((s) => s.error);
  const report = useApp((s) => s.errorReport);

  return (
    <div
      className="relative h-full min-h-0 overflow-hidden rounded-lg border border-slate-200 bg-slate-50 dark:border-slate-700 dark:bg-slate-900"
      aria-busy={loading}
    >
      {error ? (
        <div role="alert" className="p-4 text-sm text-red-800 dark:text-red-200">
          <p className="whitespace-pre-wrap">{error}</p>
          {report !== null && <BugReport report={report} />}
        </div>
      ) : trace ? (
        <Suspense fallback={<Placeholder trace={trace} step={step} />}>
          <LazyCanvas
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
