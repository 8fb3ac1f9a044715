/**
 * The guided path through the scenarios in teaching order: previous/next lesson in the header and a
 * dialog listing the lessons with the learner's progress (a lesson is done once its checkpoint is
 * passed: see LessonCard).
 */
import { useMemo } from 'react';
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import { classroomStore, useClassroom } from '../classroom/store';
import { useT } from '../i18n';
import { appStore } from '../state/store';
import { useApp } from '../state/useApp';
import { loadProgress, neighbourLesson, PATH, saveProgress } from './path';
import { PathDialog } from './PathDialog';

const storage = typeof window === 'undefined' ? undefined : window.localStorage;
/** The lessons done, as kept in localStorage. */
const progress = createStore<ReadonlySet<string>>()(() => loadProgress(storage));

/** A lesson is done once its checkpoint is passed (the lesson card and a solved challenge say so). */
export function markLessonDone(id: string): void {
  if (!PATH.includes(id) || progress.getState().has(id)) return;
  const next = new Set(progress.getState()).add(id);
  saveProgress(storage, next);
  progress.setState(next, true);
}

const btn =
  'inline-flex h-9 items-center gap-1 rounded-md border border-slate-300 bg-white px-2 text-sm font-medium whitespace-nowrap text-slate-800 hover:bg-slate-100 disabled:opacity-40 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100 dark:hover:bg-slate-700';

export function GuidedPath() {
  const { t } = useT();
  const catalog = useApp((s) => s.catalog);
  const scenarioId = useApp((s) => s.scenarioId);
  const open = useClassroom((s) => s.pathOpen);
  const done = useStore(progress);
  const setDone = (d: ReadonlySet<string>) => progress.setState(d, true);
  const available = useMemo(() => new Set((catalog ?? []).map((c) => c.id)), [catalog]);
  const lessons = PATH.filter((id) => available.has(id));

  const go = (id: string | null) => {
    if (!id) return;
    appStore.getState().selectScenario(id);
    classroomStore.getState().setPathOpen(false);
  };
  const index = scenarioId ? lessons.indexOf(scenarioId) : -1;
  const prev = neighbourLesson(scenarioId, -1, available);
  const next = neighbourLesson(scenarioId, 1, available);

  return (
    <>
      <div className="flex items-center gap-1" data-presenter-keep="">
        <button type="button" className={btn} onClick={() => classroomStore.getState().setPathOpen(true)}>
          {t('path.open')}
          {index >= 0 && (
            <span className="font-normal text-slate-600 dark:text-slate-300">
              {' '}
              · {t('path.lesson', { n: index + 1, total: lessons.length })}
            </span>
          )}
        </button>
        <button type="button" className={btn} disabled={!prev || index < 0} onClick={() => go(prev)}>
          <span aria-hidden="true">‹</span>
          <span className="sr-only">{t('path.previous')}</span>
        </button>
        <button type="button" className={btn} disabled={!next} onClick={() => go(next)}>
          {t('path.next')} <span aria-hidden="true">›</span>
        </button>
      </div>
      <PathDialog
        open={open}
        lessons={lessons}
        catalog={catalog}
        scenarioId={scenarioId}
        done={done}
        go={go}
        onReset={() => {
          const none = new Set<string>();
          saveProgress(storage, none);
          setDone(none);
        }}
      />
    </>
  );
}
