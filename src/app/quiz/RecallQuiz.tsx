/**
 * The first quiz, "predict the next hop" (recall of values), as links made with it open it: the
 * question about the step that comes next, immediate feedback, and the score.
 */
import { useMemo } from 'react';
import { useClassroom } from '../classroom/store';
import { useT } from '../i18n';
import { useApp } from '../state/useApp';
import { recallOf } from './set';
import { questionAt, score } from './questions';
import { RecallFinished, RecallQuestion } from './RecallParts';

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
        <RecallFinished s={s} />
      ) : !q ? (
        <p className="mt-1 text-sm text-slate-700 dark:text-slate-200">{t('quiz.noQuestion')}</p>
      ) : (
        <RecallQuestion q={q} questions={questions} chosen={chosen} />
      )}
    </section>
  );
}
