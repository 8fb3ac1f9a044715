/**
 * "The notes say / Linux does" (loaded on demand): a button listing the scenario's
 * corrections of the source notes, and a search box over corrections, scenarios, the
 * devices on screen and glossary terms that leads to what it finds.
 */
import { useId, useMemo, useState } from 'react';
import { classroomStore } from '../classroom/store';
import { GLOSSARY } from '../glossary/terms';
import { useT } from '../i18n';
import { Dialog } from '../share/Dialog';
import { appStore } from '../state/store';
import { useApp } from '../state/useApp';
import { CorrectionCard } from './CorrectionCard';
import { NotesHits } from './NotesHits';
import { searchNotes, type Hit } from './search';

export default function NotesBar() {
  const { t, lang } = useT();
  const catalog = useApp((s) => s.catalog);
  const scenarioId = useApp((s) => s.scenarioId);
  const topology = useApp((s) => s.trace?.topology);
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(false);
  const [focus, setFocus] = useState<string | null>(null);
  const listId = useId();
  const info = catalog?.find((c) => c.id === scenarioId);
  const corrections = info?.corrections ?? [];
  const devices = useMemo(
    () =>
      scenarioId && topology
        ? topology.netns.map((n) => ({ scenarioId, netns: n.name, names: n.interfaces.map((i) => i.name) }))
        : [],
    [scenarioId, topology],
  );
  const hits = useMemo(
    () => searchNotes(query, catalog ?? [], GLOSSARY, devices, lang),
    [query, catalog, devices, lang],
  );

  const go = (h: Hit) => {
    setQuery('');
    if (h.kind === 'glossary') return classroomStore.getState().openGlossary(h.glossaryId);
    if (h.scenarioId !== scenarioId) appStore.getState().selectScenario(h.scenarioId);
    if (h.kind === 'device') appStore.getState().selectNetns(h.netns);
    if (h.kind === 'correction') {
      setFocus(h.correctionId);
      setOpen(true);
    }
  };
  const shown = catalog?.find((c) => c.id === scenarioId)?.corrections ?? [];

  return (
    <div className="relative flex min-w-0 flex-wrap items-center gap-2" data-presenter-hide="">
      {corrections.length > 0 && (
        <button
          type="button"
          className="h-9 rounded-md border border-amber-500 px-2 text-sm text-amber-900 hover:bg-amber-50 dark:text-amber-200 dark:hover:bg-amber-950"
          onClick={() => {
            setFocus(null);
            setOpen(true);
          }}
        >
          {t('notes.button', { n: corrections.length })}
        </button>
      )}
      <input
        type="search"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        aria-label={t('notes.search')}
        placeholder={t('notes.search')}
        // Only a list that is there can be controlled (axe: aria-valid-attr-value).
        aria-controls={query.trim().length >= 2 ? listId : undefined}
        className="h-9 w-56 min-w-0 max-w-full flex-1 rounded-md border border-slate-300 bg-white px-2 text-sm text-slate-900 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100"
      />
      {query.trim().length >= 2 && <NotesHits listId={listId} hits={hits} go={go} />}
      <Dialog open={open} title={t('notes.title')} onClose={() => setOpen(false)} wide>
        <div className="space-y-2">
          {shown.map((c) => (
            <CorrectionCard key={c.id} c={c} highlight={c.id === focus} />
          ))}
        </div>
      </Dialog>
    </div>
  );
}
