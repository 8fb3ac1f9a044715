/**
 * Classroom tools in the header: the glossary, the quiz ("Predict the next hop"), presenter mode and
 * full screen. Presenter mode enlarges the type, hides the terminal and the editing tools, and draws
 * the mouse pointer as a red laser dot.
 */
import { useEffect, useState } from 'react';
import { useT } from '../i18n';
import { challengeStore } from '../challenge/store';
import { pollStore } from '../poll/store';
import { classroomStore, useClassroom } from './store';

const btn =
  'inline-flex h-9 items-center gap-1 rounded-md border px-2 text-sm font-medium whitespace-nowrap focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500';
const off = `${btn} border-slate-300 bg-white text-slate-800 hover:bg-slate-100 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100 dark:hover:bg-slate-700`;
const on = `${btn} border-violet-700 bg-violet-700 text-white hover:bg-violet-800`;

function useFullscreen(): boolean {
  const [full, setFull] = useState(() => typeof document !== 'undefined' && !!document.fullscreenElement);
  useEffect(() => {
    const f = () => setFull(!!document.fullscreenElement);
    document.addEventListener('fullscreenchange', f);
    return () => document.removeEventListener('fullscreenchange', f);
  }, []);
  return full;
}

export function ClassroomBar() {
  const { t } = useT();
  const quiz = useClassroom((s) => s.quiz);
  const presenter = useClassroom((s) => s.presenter);
  const full = useFullscreen();
  const canFull = typeof document !== 'undefined' && document.fullscreenEnabled !== false;

  return (
    <div role="group" aria-label={t('app.tools')} className="flex flex-wrap items-center gap-1">
      <button type="button" className={off} onClick={() => classroomStore.getState().openGlossary()}>
        {t('glossary.open')}
      </button>
      <button
        type="button"
        className={quiz ? on : off}
        aria-pressed={quiz}
        // The quiz starts where the learner is: questions ahead are asked, those behind wait until
        // the learner steps back before them.
        onClick={() => classroomStore.getState().setQuiz(!quiz)}
      >
        {t('quiz.toggle')}
      </button>
      <button type="button" className={off} onClick={() => challengeStore.setState({ listOpen: true })}>
        {t('challenge.open')}
      </button>
      <button
        type="button"
        className={presenter ? on : off}
        aria-pressed={presenter}
        onClick={() => classroomStore.getState().setPresenter(!presenter)}
      >
        {t('presenter.toggle')}
      </button>
      <button type="button" className={off} onClick={() => pollStore.setState({ presenting: true })}>
        {t('poll.open')}
      </button>
      {canFull && (
        <button
          type="button"
          className={off}
          onClick={() => {
            if (document.fullscreenElement) void document.exitFullscreen();
            else void document.documentElement.requestFullscreen?.().catch(() => undefined);
          }}
        >
          {full ? t('presenter.exitFullscreen') : t('presenter.fullscreen')}
        </button>
      )}
    </div>
  );
}
