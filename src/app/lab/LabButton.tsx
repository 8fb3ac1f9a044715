/**
 * "Run this on Linux": downloads the kernel-lab bash script for the current scenario and flow
 * (with the terminal's changes as exec lines). The engine writes the script, in the worker.
 */
import { useId, useState } from 'react';
import { appStore } from '../state/store';
import { useApp } from '../state/useApp';
import { callWorker } from '../worker/client';
import { useT } from '../i18n';
import { download } from '../share/download';

/** The file name of the lab script: `<scenario>-<flow>-lab.sh`. */
export function labFileName(scenarioId: string, flowId: string): string {
  return `${scenarioId}-${flowId}-lab.sh`;
}

export function LabButton() {
  const scenarioId = useApp((s) => s.scenarioId);
  const flowId = useApp((s) => s.flowId);
  const changes = useApp((s) => s.execs.length);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const descId = useId();
  const { t } = useT();
  const explanation = changes ? t('lab.explainChanges', { count: changes }) : t('lab.explain');

  async function run() {
    const { scenarioId: s, flowId: f, execs } = appStore.getState();
    if (!s || !f) return;
    setBusy(true);
    setError(null);
    try {
      const yaml = appStore.getState().scenarioText;
      const script = await callWorker({
        type: 'lab',
        scenarioId: s,
        flowId: f,
        execs,
        ...(yaml !== null ? { yaml } : {}),
      });
      download(labFileName(s, f), script, 'text/x-shellscript');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="flex items-center gap-2">
      <button
        type="button"
        disabled={!scenarioId || !flowId || busy}
        onClick={() => void run()}
        aria-describedby={descId}
        title={explanation}
        className="inline-flex h-9 items-center gap-1 rounded-md border border-slate-300 bg-white px-3 text-sm font-medium whitespace-nowrap text-slate-800 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 disabled:opacity-40 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100 dark:hover:bg-slate-700"
      >
        <span aria-hidden="true">⤓</span> {t('lab.button')}
      </button>
      <p
        id={descId}
        className="hidden max-w-64 text-xs leading-tight text-slate-600 2xl:block dark:text-slate-300"
      >
        {error ? <span className="text-red-800 dark:text-red-300">{error}</span> : explanation}
      </p>
      {error && (
        <p role="alert" className="text-xs text-red-800 2xl:hidden dark:text-red-300">
          {error}
        </p>
      )}
    </div>
  );
}
