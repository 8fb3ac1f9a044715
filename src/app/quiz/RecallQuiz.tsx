/**
 * The first quiz, "predict the next hop" (recall of values), as links made with it open it: the
 * question about the step that comes next, immediate feedback, and the score.
 */
import { useMemo } from 'react';
import { classroomStore, useClassroom } from '../classroom/store';
import { useT } from '../i18n';
import { sendPlayback } from '../playback/actor';
import { useApp } from '../state/useApp';
import { recallOf } from './set';
import { questionAt, score, type Choice } from './questions';

export function RecallQuiz() {
  const { t } = useT();
  const trace = useApp((s) => s.trace);
  const step = useApp((s) => s.step);
  const answers = useClassroom((s) => s.answers);
  const questions = useMemo(() => (trace ? recallOf(trace) : []), [trace]);
  if (!trace) return null;
  const q = questionAt(questions, step + 1);
  const chosen = q ? answers[q.step] : undefined;
  const s = score(questions, answers);
  const atEnd = step >= trace.events.length - 1;
  const label = (c: Choice) => (c.label ? t(c.label) : c.value);

  return (
    <section
      aria-labelledby="quiz-heading"
      data-testid="quiz"
      className="shrink-0 rounded-lg border-2 border-violet-400 bg-violet-50 px-3 py-2 shadow-sm dark:border-violet-500 dark:bg-violet-950"
    >
      <div className="flex items-center gap-2">
        <h2 id="quiz-heading" className="text-sm font-semibold text-violet-950 dark:text-violet-50">
          {t('quiz.title')}
        </h2>
        <span className="ml-auto text-sm font-semibold tabular-nums" data-testid="quiz-score">
          {t('quiz.score', { correct: s.correct, answered: s.answered })}
        </span>
      </div>
      {atEnd ? (
        <div className="mt-1 space-y-1">
          <p className="text-base font-semibold" data-testid="quiz-final">
            {t('quiz.finished', { correct: s.correct, total: s.total })}
          </p>
          <button
            type="button"
            onClick={() => {
              classroomStore.getState().resetAnswers();
              sendPlayback({ type: 'RESET' });
            }}
            className="rounded border border-violet-500 px-2 py-0.5 text-sm hover:bg-violet-100 dark:hover:bg-violet-900"
          >
            {t('quiz.restart')}
          </button>
        </div>
      ) : !q ? (
        <p className="mt-1 text-sm text-slate-700 dark:text-slate-200">{t('quiz.noQuestion')}</p>
      ) : (
        <div className="mt-1 space-y-2" data-quiz-kind={q.kind}>
          <p className="text-xs text-slate-600 dark:text-slate-300">
            {t('quiz.question', { n: questions.indexOf(q) + 1, total: questions.length })} ·{' '}
            {t(`quiz.kind.${q.kind}`)}
          </p>
          <p id="quiz-prompt" className="text-base font-medium">
            {t(q.prompt, q.args)}
          </p>
          <div role="group" aria-labelledby="quiz-prompt" className="grid gap-1">
            {q.choices.map((c, i) => {
              const state =
                chosen === undefined ? 'open' : i === q.answer ? 'right' : i === chosen ? 'wrong' : 'other';
              return (
                <button
                  key={c.value}
                  type="button"
                  disabled={chosen !== undefined}
                  aria-pressed={chosen === i}
                  data-choice={state}
                  onClick={() => classroomStore.getState().answer(q.step, i)}
                  className={`rounded border px-2 py-1 text-left text-sm break-all ${
                    c.label ? '' : 'font-mono'
                  } ${
                    state === 'right'
                      ? 'border-emerald-600 bg-emerald-100 text-emerald-950 dark:bg-emerald-900 dark:text-emerald-50'
                      : state === 'wrong'
                        ? 'border-red-600 bg-red-100 text-red-950 dark:bg-red-900 dark:text-red-50'
                        : 'border-slate-300 bg-white hover:bg-violet-100 disabled:opacity-70 dark:border-slate-600 dark:bg-slate-800 dark:hover:bg-violet-900'
                  }`}
                >
                  {label(c)}
                </button>
              );
            })}
          </div>
          {chosen !== undefined && (
            <div className="flex flex-wrap items-center gap-2">
              <p role="status" className="text-sm font-semibold" data-testid="quiz-feedback">
                {chosen === q.answer
                  ? t('quiz.correct')
                  : t('quiz.wrong', { answer: label(q.choices[q.answer]!) })}
              </p>
              <button
                type="button"
                onClick={() => sendPlayback({ type: 'STEP_FORWARD' })}
                className="ml-auto rounded bg-violet-700 px-3 py-1 text-sm font-medium text-white hover:bg-violet-800"
              >
                {t('quiz.continue')} ▶
              </button>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
