/** The list under the notes search box: what it found, each a button that leads there. */
import { useT } from '../i18n';
import type { Hit } from './search';

export function NotesHits({ listId, hits, go }: { listId: string; hits: Hit[]; go: (h: Hit) => void }) {
  const { t } = useT();
  return (
    <ul
      id={listId}
      aria-label={t('notes.search')}
      className="absolute right-0 top-10 z-20 max-h-80 w-96 overflow-auto rounded-md border border-slate-300 bg-white text-sm shadow-lg dark:border-slate-600 dark:bg-slate-900"
    >
      {hits.length === 0 && <li className="px-2 py-1">{t('notes.noHits')}</li>}
      {hits.map((h, i) => (
        <li key={i}>
          <button
            type="button"
            className="block w-full px-2 py-1 text-left hover:bg-slate-100 dark:hover:bg-slate-800"
            onClick={() => go(h)}
          >
            <span className="mr-1 rounded bg-slate-200 px-1 text-xs dark:bg-slate-700">
              {t(`notes.kind.${h.kind}`)}
            </span>
            {h.label} <span className="text-xs text-slate-600 dark:text-slate-300">· {h.detail}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
