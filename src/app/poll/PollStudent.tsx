/**
 * A student's phone in a class poll: the page opened with `?poll=<code>` loads the same scenario
 * and flow, recomputes the same question from the same Trace, and shows it with big lettered
 * buttons. The choice stays on the phone (and reaches the presenter only through raised hands, or
 * a BroadcastChannel when both are tabs of one browser).
 */
import { useEffect, useMemo, useState } from 'react';
import { useT, type Lang } from '../i18n';
import { candidates, type MQuestion } from '../quiz/mechanism';
import { useQuizText, type QuizText } from '../quiz/useQuizText';
import { appStore } from '../state/store';
import { useApp } from '../state/useApp';
import { decodePoll, LETTERS } from './code';
import { pollChannel } from './store';
import { pollText } from './texts';

export default function PollStudent({ code }: { code: string }) {
  const { lang } = useT();
  const tx = useQuizText();
  const catalog = useApp((s) => s.catalog);
  const trace = useApp((s) => s.trace);
  const [chosen, setChosen] = useState<number | null>(null);
  const [shown, setShown] = useState(false);
  const target = useMemo(() => (catalog ? decodePoll(catalog, code) : null), [catalog, code]);
  useEffect(() => {
    if (!target) return;
    const s = appStore.getState();
    if (s.scenarioId !== target.scenario || s.flowId !== target.flow)
      s.selectScenario(target.scenario, target.flow);
  }, [target]);
  const q = useMemo(
    () =>
      trace && target && trace.flow === target.flow
        ? candidates(trace).find((x) => x.step === target.step)
        : undefined,
    [trace, target],
  );
  const choose = (i: number) => {
    setChosen(i);
    if (typeof BroadcastChannel !== 'undefined') {
      const ch = new BroadcastChannel(pollChannel(code));
      ch.postMessage({ choice: i });
      ch.close();
    }
  };
  return (
    <div
      role="dialog"
      aria-modal="true"
      aria-labelledby="poll-student-title"
      data-testid="poll-student"
      className="fixed inset-0 z-50 overflow-auto bg-white p-4 dark:bg-slate-950"
    >
      <h1 id="poll-student-title" className="text-lg font-bold">
        {pollText(lang, 'student', { code })}
      </h1>
      {!catalog || (target && !q && !(trace && trace.flow === target.flow)) ? (
        <p>{pollText(lang, 'loading')}</p>
      ) : !target || !q ? (
        <p role="alert">{pollText(lang, 'unknown', { code })}</p>
      ) : (
        <PollQuestion
          q={q}
          chosen={chosen}
          shown={shown}
          onChoose={choose}
          onCheck={() => setShown(true)}
          lang={lang}
          tx={tx}
        />
      )}
    </div>
  );
}

/**
 * The question with a big lettered button per choice. Once checked, the right answer turns green
 * and every choice shows why; until then the student's pick is only highlighted.
 */
function PollQuestion({
  q,
  chosen,
  shown,
  onChoose,
  onCheck,
  lang,
  tx,
}: {
  q: MQuestion;
  chosen: number | null;
  shown: boolean;
  onChoose: (i: number) => void;
  onCheck: () => void;
  lang: Lang;
  tx: QuizText;
}) {
  return (
    <div className="mt-3 space-y-3">
      <p className="text-lg font-medium">{tx(q.prompt)}</p>
      <p className="text-sm">
        {chosen === null ? pollText(lang, 'pick') : pollText(lang, 'chosen', { letter: LETTERS[chosen]! })}
      </p>
      <ol className="space-y-2">
        {q.choices.map((c, i) => (
          <li key={c.id}>
            <button
              type="button"
              aria-pressed={chosen === i}
              onClick={() => onChoose(i)}
              className={`flex w-full items-start gap-3 rounded-lg border-2 p-3 text-left text-base ${
                shown && i === q.answer
                  ? 'border-emerald-600 bg-emerald-50 dark:bg-emerald-950'
                  : chosen === i
                    ? 'border-violet-700 bg-violet-100 dark:bg-violet-900'
                    : 'border-slate-300 dark:border-slate-600'
              }`}
            >
              <span className="text-2xl font-bold">{LETTERS[i]}</span>
              <span className="min-w-0 flex-1 break-words">{tx(c.text)}</span>
            </button>
            {shown && <p className="mt-1 pl-2 text-sm">{tx(c.why)}</p>}
          </li>
        ))}
      </ol>
      {chosen !== null && !shown && (
        <button type="button" className="rounded border px-3 py-1" onClick={onCheck}>
          {pollText(lang, 'check')}
        </button>
      )}
    </div>
  );
}
