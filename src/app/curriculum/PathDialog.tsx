/** The guided path's dialog: the lessons in teaching order, each with its concept and whether it is done. */
import { classroomStore } from '../classroom/store';
import { useT } from '../i18n';
import { scenarioText } from '../i18n/scenario';
import { Dialog } from '../share/Dialog';
import type { ScenarioInfo } from '../types';

function LessonItem({
  id,
  n,
  info,
  current,
  done,
  go,
}: {
  id: string;
  n: number;
  info: ScenarioInfo | undefined;
  current: boolean;
  done: boolean;
  go: (id: string) => void;
}) {
  const { t, lang } = useT();
  const text = info ? scenarioText(info, lang) : null;
  return (
    <li>
      <button
        type="button"
        onClick={() => go(id)}
        aria-current={current ? 'step' : undefined}
        className={`flex w-full items-start gap-2 rounded px-2 py-1 text-left text-sm hover:bg-slate-100 dark:hover:bg-slate-800 ${
          current ? 'bg-sky-50 ring-1 ring-sky-300 dark:bg-sky-950' : ''
        }`}
      >
        <span className="w-6 shrink-0 text-right tabular-nums">{n}.</span>
        <span className="min-w-0 flex-1">
          <span className="block font-medium">{text?.title ?? id}</span>
          {text?.concept && (
            <span className="block text-xs text-slate-600 dark:text-slate-300">{text.concept}</span>
          )}
        </span>
        {done && (
          <span className="shrink-0 rounded-full bg-emerald-100 px-2 text-xs text-emerald-900 dark:bg-emerald-900 dark:text-emerald-50">
            ✓ {t('path.done')}
          </span>
        )}
      </button>
    </li>
  );
}

export function PathDialog({
  open,
  lessons,
  catalog,
  scenarioId,
  done,
  go,
  onReset,
}: {
  open: boolean;
  lessons: string[];
  catalog: ScenarioInfo[] | null;
  scenarioId: string | null;
  done: ReadonlySet<string>;
  go: (id: string) => void;
  onReset: () => void;
}) {
  const { t } = useT();
  return (
    <Dialog open={open} title={t('path.title')} onClose={() => classroomStore.getState().setPathOpen(false)}>
      <div className="space-y-2">
        <p className="text-sm text-slate-700 dark:text-slate-200">{t('path.intro')}</p>
        <p className="text-sm font-medium" data-testid="path-progress">
          {t('path.progress', {
            done: lessons.filter((id) => done.has(id)).length,
            total: lessons.length,
          })}
        </p>
        <ol className="space-y-1">
          {lessons.map((id, i) => (
            <LessonItem
              key={id}
              id={id}
              n={i + 1}
              info={catalog?.find((c) => c.id === id)}
              current={id === scenarioId}
              done={done.has(id)}
              go={go}
            />
          ))}
        </ol>
        <button type="button" className="text-xs underline" onClick={onReset}>
          {t('path.reset')}
        </button>
      </div>
    </Dialog>
  );
}
