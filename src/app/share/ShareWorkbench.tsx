/** Under the header: why a link's edits were dropped, the scenario editor and the compare view, when open. */
import { lazy, Suspense, useEffect } from 'react';
import { loadUnparsed } from '../editor/unparsed';
import { useChunkFailed } from '../offline/chunkFailure';
import { ChunkBoundary, ReloadOffer } from '../offline/ReloadOffer';
import { appStore } from '../state/store';
import { useApp } from '../state/useApp';
import { LinkNotices, useHasLinkNotices } from './LinkNotices';
import { fmt } from './strings';
import { shareUi, useShareUi } from './uiStore';

const ScenarioEditor = lazy(() => import('../editor/ScenarioEditor'));
const CompareView = lazy(() => import('./CompareView'));

// Once per page: a text that was being edited (and did not load yet) before a reload reopens the editor.
let reopenChecked = false;

export function ShareWorkbench() {
  const linkError = useShareUi((s) => s.linkError);
  const editorOpen = useShareUi((s) => s.editorOpen);
  const compareOpen = useShareUi((s) => s.compareOpen);
  // A new set of changes makes a new comparison.
  const compareKey = useApp(
    (s) => `${s.scenarioId}|${s.flowId}|${s.execs.length}|${s.scenarioText?.length ?? -1}`,
  );
  const notices = useHasLinkNotices();
  const scenarioId = useApp((s) => s.scenarioId);
  const catalog = useApp((s) => s.catalog !== null);
  useEffect(() => {
    if (reopenChecked || !scenarioId || !catalog) return;
    reopenChecked = true;
    if (loadUnparsed(scenarioId, appStore.getState().scenarioText) !== null)
      shareUi.setState({ editorOpen: true });
  }, [scenarioId, catalog]);
  const chunkFailed = useChunkFailed();
  if (!linkError && !editorOpen && !compareOpen && !notices && !chunkFailed) return null;
  return (
    <div className="flex flex-col gap-3 px-3 pt-3">
      {linkError && (
        <div
          role="alert"
          data-testid="link-error"
          className="flex items-start gap-2 rounded-lg border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-700 dark:bg-red-950 dark:text-red-100"
        >
          <p className="flex-1">{fmt('share.linkError', { error: linkError })}</p>
          <button type="button" className="underline" onClick={() => shareUi.setState({ linkError: null })}>
            {fmt('share.dismiss')}
          </button>
        </div>
      )}
      <ReloadOffer />
      <LinkNotices />
      {editorOpen && (
        <div className="h-[45vh] min-h-64">
          <ChunkBoundary>
            <Suspense fallback={<p role="status">{fmt('editor.loading')}</p>}>
              <ScenarioEditor />
            </Suspense>
          </ChunkBoundary>
        </div>
      )}
      {compareOpen && (
        <ChunkBoundary>
          <Suspense fallback={null}>
            <CompareView key={compareKey} />
          </Suspense>
        </ChunkBoundary>
      )}
    </div>
  );
}
