/**
 * The presenter's poll, over the projector: the question with lettered choices, the code and the
 * short link for phones, a show-of-hands tally the teacher enters (and votes from tabs of this
 * browser over a BroadcastChannel), then the answer revealed with its explanation.
 */
import { useEffect, useMemo, useState } from 'react';
import { useClassroom } from '../classroom/store';
import { useT } from '../i18n';
import type { MQuestion } from '../quiz/mechanism';
import { mechanismOf } from '../quiz/set';
import { useQuizText } from '../quiz/useQuizText';
import { useApp } from '../state/useApp';
import { encodePoll, LETTERS } from './code';
import { pollChannel, pollStore } from './store';
import { pollText } from './texts';

function Tally({ q, code, lang }: { q: MQuestion; code: string; lang: 'en' | 'zh-CN' }) {
  const tx = useQuizText();
  const [votes, setVotes] = useState<number[]>(() => q.choices.map(() => 0));
  const [revealed, setRevealed] = useState(false);
  useEffect(() => {
    if (typeof BroadcastChannel === 'undefined') return;
    const ch = new BroadcastChannel(pollChannel(code));
    ch.onmessage = (e: MessageEvent<{ choice?: unknown }>) => {
      const c = e.data?.choice;
      if (typeof c === 'number' && c >= 0 && c < q.choices.length)
        setVotes((v) => v.map((n, i) => (i === c ? n + 1 : n)));
    };
    return () => ch.close();
  }, [code, q.choices.length]);
  const max = Math.max(1, ...votes);
  const bump = (i: number, d: number) => setVotes((v) => v.map((n, j) => (j === i ? Math.max(0, n + d) : n)));
  return (
    <div className="space-y-2">
      <p className="text-xl font-semibold">{tx(q.prompt)}</p>
      <p className="text-sm">{pollText(lang, 'tally')}</p>
      <ol className="space-y-2" data-testid="poll-choices">
        {q.choices.map((c, i) => {
          const letter = LETTERS[i]!;
          const right = revealed && i === q.answer;
          return (
            <li
              key={c.id}
              data-right={right ? 'yes' : undefined}
              className={`rounded border p-2 ${right ? 'border-emerald-600 bg-emerald-50 dark:bg-emerald-950' : 'border-slate-300 dark:border-slate-600'}`}
            >
              <div className="flex items-center gap-2">
                <span className="text-2xl font-bold">{letter}</span>
                <span className="min-w-0 flex-1 text-lg break-words">{tx(c.text)}</span>
                <button
                  type="button"
                  aria-label={pollText(lang, 'less', { letter })}
                  className="size-9 rounded border text-lg"
                  onClick={() => bump(i, -1)}
                >
                  −
                </button>
                <span className="w-20 text-center text-lg tabular-nums" data-testid={`poll-votes-${letter}`}>
                  {pollText(lang, 'votes', { n: votes[i]! })}
                </span>
                <button
                  type="button"
                  aria-label={pollText(lang, 'more', { letter })}
                  className="size-9 rounded border text-lg"
                  onClick={() => bump(i, 1)}
                >
                  +
                </button>
              </div>
              <div
                aria-hidden="true"
                className="mt-1 h-2 rounded bg-violet-600"
                style={{ width: `${(votes[i]! / max) * 100}%` }}
              />
              {revealed && <p className="mt-1 text-sm">{tx(c.why)}</p>}
            </li>
          );
        })}
      </ol>
      {revealed ? (
        <p role="status" className="text-xl font-bold" data-testid="poll-answer">
          {pollText(lang, 'right', { letter: LETTERS[q.answer]! })}
        </p>
      ) : (
        <button
          type="button"
          className="rounded bg-violet-700 px-4 py-2 text-lg font-semibold text-white"
          onClick={() => setRevealed(true)}
        >
          {pollText(lang, 'reveal')}
        </button>
      )}
    </div>
  );
}

export default function PollPresenter() {
  const { lang } = useT();
  const trace = useApp((s) => s.trace);
  const step = useApp((s) => s.step);
  const catalog = useApp((s) => s.catalog);
  const scenarioId = useApp((s) => s.scenarioId);
  const more = useClassroom((s) => s.quizMore);
  const questions = useMemo(() => (trace ? mechanismOf(trace, more) : []), [trace, more]);
  // The question about to be asked, or the next one ahead.
  const q = questions.find((x) => x.step >= step + 1);
  const code =
    q && catalog && scenarioId
      ? encodePoll(catalog, { scenario: scenarioId, flow: trace!.flow, step: q.step })
      : null;
  const link = code ? `${window.location.origin}${window.location.pathname}?poll=${code}` : '';
  return (
    <div
      role="dialog"
      aria-modal="false"
      aria-labelledby="poll-title"
      data-testid="poll"
      className="fixed inset-x-4 top-16 z-40 mx-auto max-h-[85vh] max-w-4xl overflow-auto rounded-xl border-4 border-violet-600 bg-white p-4 shadow-2xl dark:bg-slate-900"
    >
      <div className="flex flex-wrap items-baseline gap-3">
        <h2 id="poll-title" className="text-2xl font-bold">
          {pollText(lang, 'title')}
        </h2>
        {code && (
          <p className="text-2xl">
            {pollText(lang, 'code')}:{' '}
            <strong className="font-mono tracking-widest" data-testid="poll-code">
              {code}
            </strong>
          </p>
        )}
        <button
          type="button"
          className="ml-auto rounded border px-3 py-1"
          onClick={() => pollStore.setState({ presenting: false })}
        >
          {pollText(lang, 'close')}
        </button>
      </div>
      {code && (
        <p className="mt-1 text-base">
          {pollText(lang, 'join')}{' '}
          <span className="font-mono break-all" data-testid="poll-link">
            {link}
          </span>
        </p>
      )}
      <p className="text-xs text-slate-600 dark:text-slate-300">{pollText(lang, 'sameDevice')}</p>
      <div className="mt-3">
        {q && code ? <Tally key={code} q={q} code={code} lang={lang} /> : <p>{pollText(lang, 'none')}</p>}
      </div>
    </div>
  );
}
