/** The end of a quiz: the score, what was missed with its explanation, and a link to these answers. */
import { useState } from 'react';
import { classroomStore } from '../classroom/store';
import { sendPlayback } from '../playback/actor';
import type { MQuestion } from './mechanism';
import type { QuizText } from './useQuizText';

export function QuizSummary({
  questions,
  answers,
  tx,
}: {
  questions: MQuestion[];
  answers: Record<number, number>;
  tx: QuizText;
}) {
  const [copied, setCopied] = useState<string | null>(null);
  const answered = questions.filter((q) => answers[q.step] !== undefined);
  const missed = answered.filter((q) => answers[q.step] !== q.answer);
  const open = questions.length - answered.length;
  const copy = () => {
    const link = window.location.href;
    setCopied(link);
    void navigator.clipboard?.writeText(link).catch(() => undefined);
  };
  return (
    <div className="mt-1 space-y-2" data-testid="quiz-summary">
      <p className="text-base font-semibold" data-testid="quiz-final">
        {tx('ui.summary', { correct: answered.length - missed.length, total: questions.length })}
      </p>
      {open > 0 && <p className="text-sm">{tx('ui.unanswered', { n: open })}</p>}
      {missed.length === 0 ? (
        <p className="text-sm">{tx('ui.all-right')}</p>
      ) : (
        <MissedList missed={missed} answers={answers} tx={tx} />
      )}
      <SummaryActions onCopy={copy} tx={tx} />
      {copied && <CopiedLink link={copied} tx={tx} />}
    </div>
  );
}

/** Each missed question with the student's answer, the right one and why it is right. */
function MissedList({
  missed,
  answers,
  tx,
}: {
  missed: MQuestion[];
  answers: Record<number, number>;
  tx: QuizText;
}) {
  return (
    <>
      <h3 className="text-sm font-semibold">{tx('ui.missed')}</h3>
      <ul className="space-y-2" data-testid="quiz-missed">
        {missed.map((q) => (
          <li
            key={q.step}
            className="rounded border border-red-300 bg-white p-2 text-sm dark:border-red-800 dark:bg-slate-900"
          >
            <p className="font-medium">{tx(q.prompt)}</p>
            <p className="text-red-800 dark:text-red-200">
              ✗ {tx('ui.your', { answer: tx(q.choices[answers[q.step]!]!.text) })}
            </p>
            <p className="text-emerald-800 dark:text-emerald-200">
              ✓ {tx('ui.answer', { answer: tx(q.choices[q.answer]!.text) })}
            </p>
            <p className="text-xs text-slate-700 dark:text-slate-200">{tx(q.choices[q.answer]!.why)}</p>
          </li>
        ))}
      </ul>
    </>
  );
}

/** Copy a link to these answers, or clear them and start the quiz again from the first step. */
function SummaryActions({ onCopy, tx }: { onCopy: () => void; tx: QuizText }) {
  return (
    <div className="flex flex-wrap items-center gap-2">
      <button
        type="button"
        onClick={onCopy}
        className="rounded bg-violet-700 px-3 py-1 text-sm font-medium text-white hover:bg-violet-800"
      >
        {tx('ui.copy')}
      </button>
      <button
        type="button"
        onClick={() => {
          classroomStore.getState().resetAnswers();
          sendPlayback({ type: 'SEEK', step: 0 });
        }}
        className="rounded border border-violet-500 px-2 py-0.5 text-sm hover:bg-violet-100 dark:hover:bg-violet-900"
      >
        {tx('ui.restart')}
      </button>
    </div>
  );
}

/**
 * The copied link, shown in a read-only field too: the clipboard may be unavailable or refused,
 * and the student can still select it by hand.
 */
function CopiedLink({ link, tx }: { link: string; tx: QuizText }) {
  return (
    <p role="status" className="text-xs">
      {tx('ui.copied')}{' '}
      <input
        readOnly
        aria-label={tx('ui.copy')}
        data-testid="quiz-results-link"
        value={link}
        className="w-full rounded border border-slate-300 px-1 font-mono text-xs dark:border-slate-600 dark:bg-slate-800"
      />
    </p>
  );
}
