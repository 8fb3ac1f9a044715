/** The pieces of the recall quiz: the end (score and restart) and one question with its choices. */
import { classroomStore } from '../classroom/store';
import { useT } from '../i18n';
import { sendPlayback } from '../playback/actor';
import type { Choice, Question, QuizScore } from './questions';

export function RecallFinished({ s }: { s: QuizScore }) {
  const { t } = useT();
  return (
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
  );
}

/** A choice once answered: the right one green, the one chosen (if wrong) red, the rest plain. */
type ChoiceState = 'open' | 'right' | 'wrong' | 'other';

const choiceLook = (state: ChoiceState) =>
  state === 'right'
    ? 'border-emerald-600 bg-emerald-100 text-emerald-950 dark:bg-emerald-900 dark:text-emerald-50'
    : state === 'wrong'
      ? 'border-red-600 bg-red-100 text-red-950 dark:bg-red-900 dark:text-red-50'
      : 'border-slate-300 bg-white hover:bg-violet-100 disabled:opacity-70 dark:border-slate-600 dark:bg-slate-800 dark:hover:bg-violet-900';

export function RecallQuestion({
  q,
  questions,
  chosen,
}: {
  q: Question;
  questions: Question[];
  chosen: number | undefined;
}) {
  const { t } = useT();
  const label = (c: Choice) => (c.label ? t(c.label) : c.value);
  return (
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
          const state: ChoiceState =
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
              } ${choiceLook(state)}`}
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
  );
}
