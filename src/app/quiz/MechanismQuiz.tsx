/**
 * Mechanism questions beside the journey: the question before its hop is revealed, every choice
 * explained once answered (pointing at the deciding row), the score, a setting for more questions,
 * and at the end a summary of what was missed with a link that reopens these answers.
 */
import { useMemo } from 'react';
import { classroomStore, useClassroom } from '../classroom/store';
import { useT } from '../i18n';
import { sendPlayback } from '../playback/actor';
import { pollStore } from '../poll/store';
import { useApp } from '../state/useApp';
import type { MQuestion } from './mechanism';
import { candidates } from './mechanism';
import { mechanismOf } from './set';
import { QuizSummary } from './QuizSummary';
import { useQuizText, type QuizText } from './useQuizText';

const box =
  'shrink-0 rounded-lg border-2 border-violet-400 bg-violet-50 px-3 py-2 shadow-sm dark:border-violet-500 dark:bg-violet-950';

export function scoreOf(questions: MQuestion[], answers: Record<number, number>) {
  let answered = 0;
  let correct = 0;
  for (const q of questions) {
    const a = answers[q.step];
    if (a === undefined) continue;
    answered++;
    if (a === q.answer) correct++;
  }
  return { answered, correct, total: questions.length };
}

function Choices({ q, chosen, tx }: { q: MQuestion; chosen: number | undefined; tx: QuizText }) {
  return (
    <ol role="list" aria-labelledby="quiz-prompt" className="grid gap-1">
      {q.choices.map((c, i) => {
        const state =
          chosen === undefined ? 'open' : i === q.answer ? 'right' : i === chosen ? 'wrong' : 'other';
        return (
          <li key={c.id}>
            <button
              type="button"
              disabled={chosen !== undefined}
              aria-pressed={chosen === i}
              data-choice={state}
              onClick={() => classroomStore.getState().answer(q.step, i)}
              className={`w-full rounded border px-2 py-1 text-left text-sm break-words ${
                state === 'right'
                  ? 'border-emerald-600 bg-emerald-100 text-emerald-950 dark:bg-emerald-900 dark:text-emerald-50'
                  : state === 'wrong'
                    ? 'border-red-600 bg-red-100 text-red-950 dark:bg-red-900 dark:text-red-50'
                    : 'border-slate-300 bg-white hover:bg-violet-100 disabled:opacity-80 dark:border-slate-600 dark:bg-slate-800 dark:hover:bg-violet-900'
              }`}
            >
              {state === 'right' ? '✓ ' : state === 'wrong' ? '✗ ' : ''}
              {tx(c.text)}
            </button>
            {chosen !== undefined && (
              <p
                data-testid={`quiz-why-${state}`}
                className="mt-0.5 mb-1 pl-2 text-xs text-slate-700 dark:text-slate-200"
              >
                {tx(c.why)}
              </p>
            )}
          </li>
        );
      })}
    </ol>
  );
}

function Asked({ q, n, total, tx }: { q: MQuestion; n: number; total: number; tx: QuizText }) {
  const chosen = useClassroom((s) => s.answers[q.step]);
  return (
    <div className="mt-1 space-y-2" data-quiz-kind={q.kind}>
      <p className="text-xs text-slate-600 dark:text-slate-300">
        {tx('ui.question', { n, total })} · {tx(`k.${q.kind}`)}
      </p>
      <p id="quiz-prompt" className="text-base font-medium">
        {tx(q.prompt)}
      </p>
      <Choices q={q} chosen={chosen} tx={tx} />
      {chosen !== undefined && (
        <div className="space-y-1">
          <p role="status" className="text-sm font-semibold" data-testid="quiz-feedback">
            {chosen === q.answer ? tx('ui.right') : tx('ui.wrong', { answer: tx(q.choices[q.answer]!.text) })}
          </p>
          {q.decided && (
            <p
              className="font-mono text-xs break-all text-slate-700 dark:text-slate-200"
              data-testid="quiz-decided"
            >
              {tx('ui.decided', { table: q.decided.table, netns: q.decided.netns, row: q.decided.row })}
            </p>
          )}
          <button
            type="button"
            onClick={() => sendPlayback({ type: 'STEP_FORWARD' })}
            className="rounded bg-violet-700 px-3 py-1 text-sm font-medium text-white hover:bg-violet-800"
          >
            {tx('ui.continue')} ▶
          </button>
        </div>
      )}
    </div>
  );
}

export function MechanismQuiz() {
  const tx = useQuizText();
  const { t } = useT();
  const trace = useApp((s) => s.trace);
  const step = useApp((s) => s.step);
  const answers = useClassroom((s) => s.answers);
  const more = useClassroom((s) => s.quizMore);
  const presenter = useClassroom((s) => s.presenter);
  const questions = useMemo(() => (trace ? mechanismOf(trace, more) : []), [trace, more]);
  const all = useMemo(() => (trace ? candidates(trace).length : 0), [trace]);
  if (!trace) return null;
  const s = scoreOf(questions, answers);
  const q = questions.find((x) => x.step === step + 1);
  const ahead = questions.find((x) => x.step > step + 1 && answers[x.step] === undefined);
  const done = s.answered === s.total || step >= trace.events.length - 1;

  return (
    <section aria-labelledby="quiz-heading" data-testid="quiz" className={box}>
      <div className="flex flex-wrap items-center gap-2">
        <h2 id="quiz-heading" className="text-sm font-semibold text-violet-950 dark:text-violet-50">
          {tx('ui.title')}
        </h2>
        {presenter && (
          <button
            type="button"
            className="rounded border border-violet-600 px-2 py-0.5 text-sm"
            onClick={() => pollStore.setState({ presenting: true })}
          >
            {t('poll.open')}
          </button>
        )}
        <span className="ml-auto text-sm font-semibold tabular-nums" data-testid="quiz-score">
          {tx('ui.score', { correct: s.correct, answered: s.answered })}
        </span>
      </div>
      <ol aria-label={tx('ui.progress')} className="mt-1 flex flex-wrap gap-1">
        {questions.map((x) => {
          const a = answers[x.step];
          const mark = a === undefined ? '·' : a === x.answer ? '✓' : '✗';
          return (
            <li
              key={x.step}
              className={`grid size-5 place-items-center rounded-full text-xs ${
                a === undefined
                  ? 'bg-slate-200 dark:bg-slate-700'
                  : a === x.answer
                    ? 'bg-emerald-200 dark:bg-emerald-800'
                    : 'bg-red-200 dark:bg-red-800'
              }`}
            >
              {mark}
            </li>
          );
        })}
      </ol>
      {q ? (
        <Asked key={q.step} q={q} n={questions.indexOf(q) + 1} total={questions.length} tx={tx} />
      ) : done ? (
        <QuizSummary questions={questions} answers={answers} tx={tx} />
      ) : (
        <p className="mt-1 text-sm text-slate-700 dark:text-slate-200">
          {ahead ? tx('ui.next-at', { n: ahead.step + 1 }) : tx('ui.none')}
        </p>
      )}
      {all > questions.length || more ? (
        <label className="mt-2 flex items-center gap-2 text-xs">
          <input
            type="checkbox"
            checked={more}
            onChange={(e) => classroomStore.getState().setQuizMore(e.target.checked)}
          />
          {tx('ui.more', { n: all })}
        </label>
      ) : null}
    </section>
  );
}
