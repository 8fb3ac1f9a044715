/**
 * The challenge beside the journey: the story, the goal, whether the engine says it is solved,
 * hints one at a time, and once solved a link that replays the fix. Lazy: loaded when a challenge is on.
 */
import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { useT } from '../i18n';
import { appStore } from '../state/store';
import { useApp } from '../state/useApp';
import { markLessonDone } from '../curriculum/GuidedPath';
import { LESSONS } from '../curriculum/lessons';
import { challengeById } from './catalog';
import { isSolved, type Challenge } from './challenge';
import { markSolved } from './progress';
import { leaveChallenge } from './run';
import { challengeStore, useChallenge } from './store';
import { chText, type ChKey } from './texts';

const btn = 'rounded border border-amber-600 px-2 py-0.5 text-sm hover:bg-amber-100 dark:hover:bg-amber-900';

function Proof({ lang }: { lang: 'en' | 'zh-CN' }) {
  const [copied, setCopied] = useState(false);
  // The URL holds the challenge and, in its hash, the world and the commands that fixed it.
  const link = typeof window === 'undefined' ? '' : window.location.href;
  return (
    <div className="space-y-1">
      <p className="text-sm">{chText(lang, 'proof')}</p>
      <div className="flex gap-1">
        <input
          readOnly
          value={link}
          aria-label={chText(lang, 'proof')}
          data-testid="challenge-proof"
          className="min-w-0 flex-1 rounded border border-slate-300 px-1 font-mono text-xs dark:border-slate-600 dark:bg-slate-800"
        />
        <button
          type="button"
          className={btn}
          onClick={() => {
            void navigator.clipboard?.writeText(link).catch(() => undefined);
            setCopied(true);
          }}
        >
          {copied ? chText(lang, 'copied') : chText(lang, 'copy')}
        </button>
      </div>
    </div>
  );
}

function Body({ c }: { c: Challenge }) {
  const { lang } = useT();
  const trace = useApp((s) => s.trace);
  const execs = useApp((s) => s.execs);
  const text = useApp((s) => s.scenarioText);
  const hints = useChallenge((s) => s.hints);
  const solved = isSolved(c, trace, { text, execs });
  // The URL follows the store a moment later: read it after the render that shows the proof.
  const [, tick] = useState(0);
  useEffect(() => {
    if (!solved) return;
    markSolved(c.id);
    // A lesson whose checkpoint is this challenge is done.
    for (const l of LESSONS)
      if (l.checkpoint.kind === 'challenge' && l.checkpoint.id === c.id) markLessonDone(l.scenario);
    const t = setTimeout(() => tick((n) => n + 1), 400);
    return () => clearTimeout(t);
  }, [solved, c.id, execs]);
  const loc = (l: { en: string; zh: string }) => (lang === 'zh-CN' ? l.zh : l.en);
  const verdict = trace ? chText(lang, `verdict.${trace.verdict}` as ChKey) : '…';
  return (
    <section
      aria-labelledby="challenge-heading"
      data-testid="challenge"
      data-solved={solved ? 'yes' : 'no'}
      className="shrink-0 space-y-2 rounded-lg border-2 border-amber-500 bg-amber-50 px-3 py-2 shadow-sm dark:bg-amber-950"
    >
      <h2 id="challenge-heading" className="text-sm font-semibold">
        {chText(lang, 'title', { title: loc(c.title) })}
      </h2>
      <p className="text-sm">{loc(c.story)}</p>
      <p className="text-sm">
        <strong>{chText(lang, 'goal')}:</strong> {loc(c.goal)}
      </p>
      <p
        role="status"
        data-testid="challenge-status"
        className={`rounded px-2 py-1 text-sm font-semibold ${
          solved
            ? 'bg-emerald-100 text-emerald-950 dark:bg-emerald-900 dark:text-emerald-50'
            : 'bg-white text-slate-900 dark:bg-slate-900 dark:text-slate-100'
        }`}
      >
        {solved
          ? `✓ ${chText(lang, 'solved', { flow: c.flow })}`
          : chText(lang, 'broken', { flow: c.flow, verdict })}
      </p>
      {execs.length > 0 && <p className="text-xs">{chText(lang, 'changes', { n: execs.length })}</p>}
      {solved && <Proof lang={lang} />}
      <ol className="space-y-1" data-testid="challenge-hints">
        {c.hints.slice(0, hints).map((h, i) => (
          <li key={i} className="text-sm">
            <strong>{chText(lang, 'hint', { n: i + 1 })}:</strong> {loc(h)}
          </li>
        ))}
      </ol>
      <div className="flex flex-wrap gap-1">
        {hints < c.hints.length ? (
          <button type="button" className={btn} onClick={() => challengeStore.setState({ hints: hints + 1 })}>
            {chText(lang, 'showHint', { shown: hints, total: c.hints.length })}
          </button>
        ) : (
          <span className="text-xs">{chText(lang, 'noMoreHints')}</span>
        )}
        {execs.length > 0 && (
          <button type="button" className={btn} onClick={() => appStore.getState().clearExecs()}>
            {chText(lang, 'restart')}
          </button>
        )}
        <button type="button" className={btn} onClick={() => leaveChallenge(c)}>
          {chText(lang, 'leave')}
        </button>
      </div>
    </section>
  );
}

export default function ChallengePanel() {
  const id = useChallenge((s) => s.id);
  const custom = useStore(challengeStore, (s) => s.custom);
  const c = id === 'custom' ? custom : challengeById(id);
  return c ? <Body c={c} /> : null;
}
