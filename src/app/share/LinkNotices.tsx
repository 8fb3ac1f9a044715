/**
 * What the page says about the edits in its link: they were restored from a local draft (with a way
 * to discard it), they no longer fit in a link (kept as a draft, offered as a file), and changes
 * that fail here were skipped (each named, with the tool's own error).
 */
import { useMemo, useState } from 'react';
import { DEFAULT_SCENARIO } from '../state/controller';
import { appStore } from '../state/store';
import { useApp } from '../state/useApp';
import { removeDraft } from './draft';
import { MAX_ENCODED } from './link';
import { downloadScenario } from './scenarioFile';
import { fmt } from './strings';
import { shareUi, useShareUi } from './uiStore';

const box = 'flex flex-wrap items-start gap-2 rounded-lg border px-3 py-2 text-sm';
const amber = `${box} border-amber-300 bg-amber-50 text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-50`;
const btn =
  'rounded border border-current px-2 py-0.5 text-xs hover:bg-white/60 focus-visible:outline-2 focus-visible:outline-sky-500 dark:hover:bg-black/30';

/** Drops the draft and its edits: the built-in scenario again (or the default one, for an imported scenario). */
function discardDraft(): void {
  removeDraft();
  const s = appStore.getState();
  const builtin = shareUi.getState().builtinCatalog ?? [];
  if (builtin.some((c) => c.id === s.scenarioId)) {
    appStore.setState({ scenarioText: null, execs: [] });
    return;
  }
  const id = builtin.find((c) => c.id === DEFAULT_SCENARIO)?.id ?? builtin[0]?.id;
  if (id) s.selectScenario(id);
}

function DraftNotice() {
  const restored = useShareUi((s) => s.draftRestored);
  const overflow = useShareUi((s) => s.linkOverflow);
  const lang = useApp((s) => s.lang);
  if (!restored && !overflow) return null;
  const text = restored
    ? fmt('draft.restored', { when: new Date(restored.savedAt).toLocaleString(lang ?? undefined) })
    : overflow!.error
      ? fmt('draft.notSaved', { length: overflow!.length, max: MAX_ENCODED, error: overflow!.error })
      : fmt('draft.overflow', { length: overflow!.length, max: MAX_ENCODED });
  return (
    <div role={overflow?.error ? 'alert' : 'status'} data-testid="draft-notice" className={amber}>
      <p className="min-w-0 flex-1">{text}</p>
      <button type="button" className={btn} onClick={() => void downloadScenario()}>
        {fmt('draft.download')}
      </button>
      {restored && (
        <button type="button" className={btn} onClick={discardDraft}>
          {fmt('draft.discard')}
        </button>
      )}
      {!restored && (
        <button type="button" className={btn} onClick={() => shareUi.setState({ linkOverflow: null })}>
          {fmt('share.dismiss')}
        </button>
      )}
    </div>
  );
}

function SkippedNotice() {
  const setup = useApp((s) => s.trace?.setup);
  const skipped = useMemo(() => (setup ?? []).filter((e) => !e.ok && e.source === '--exec'), [setup]);
  const key = skipped.map((e) => `${e.netns}\n${e.command}`).join('\n');
  const [dismissed, setDismissed] = useState<string | null>(null);
  if (skipped.length === 0 || dismissed === key) return null;
  return (
    <div role="status" data-testid="skipped-changes" className={amber}>
      <div className="min-w-0 flex-1">
        <p>{fmt('skipped.title', { count: skipped.length })}</p>
        <ul className="mt-1 flex flex-col gap-0.5 font-mono text-xs">
          {skipped.map((e, i) => (
            <li key={i} className="break-all">
              {e.netns} # {e.command}: {e.output}
            </li>
          ))}
        </ul>
      </div>
      <button type="button" className={btn} onClick={() => setDismissed(key)}>
        {fmt('share.dismiss')}
      </button>
    </div>
  );
}

export function LinkNotices() {
  return (
    <>
      <DraftNotice />
      <SkippedNotice />
    </>
  );
}

/** True when LinkNotices has something to show (the workbench renders nothing otherwise). */
export function useHasLinkNotices(): boolean {
  const draft = useShareUi((s) => s.draftRestored !== null || s.linkOverflow !== null);
  const skipped = useApp((s) => !!s.trace?.setup.some((e) => !e.ok && e.source === '--exec'));
  return draft || skipped;
}
