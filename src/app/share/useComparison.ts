/**
 * The journey traced twice in the worker, before and after the changes, and compared: null while
 * it runs. Traced once, when the view opens.
 */
import { useEffect, useState } from 'react';
import { appStore } from '../state/store';
import { callWorker } from '../worker/client';
import { compareTraces, type Comparison } from './compare';
import { shareUi } from './uiStore';

export function useComparison(): Comparison | { error: string } | null {
  const [result, setResult] = useState<Comparison | { error: string } | null>(null);
  useEffect(() => {
    let live = true;
    const s = appStore.getState();
    if (!s.scenarioId || !s.flowId) return;
    const builtin = shareUi.getState().builtinCatalog?.some((c) => c.id === s.scenarioId);
    const after = { scenarioId: s.scenarioId, flowId: s.flowId, execs: s.execs };
    const yaml = s.scenarioText;
    // Before: the built-in scenario when there is one, else the edited text; without the terminal's changes.
    const beforeReq = { ...after, execs: [], ...(builtin || yaml === null ? {} : { yaml }) };
    const afterReq = { ...after, ...(yaml !== null ? { yaml } : {}) };
    Promise.all([
      callWorker({ type: 'trace', ...beforeReq }),
      callWorker({ type: 'trace', ...afterReq }),
    ]).then(
      ([b, a]) => live && setResult(compareTraces(b, a)),
      (e: unknown) => live && setResult({ error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, []);
  return result;
}
