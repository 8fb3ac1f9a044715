/** The list of challenges (a dialog), and opening one written by a teacher. Lazy. */
import { useState } from 'react';
import { useStore } from 'zustand';
import { useT } from '../i18n';
import { Dialog } from '../share/Dialog';
import { CHALLENGES } from './catalog';
import { ChallengeError, parseChallenge } from './challenge';
import { solvedStore } from './progress';
import { startChallenge } from './run';
import { challengeStore, useChallenge } from './store';
import { chText } from './texts';

export default function ChallengeList() {
  const { lang } = useT();
  const open = useChallenge((s) => s.listOpen);
  const solved = useStore(solvedStore);
  const [own, setOwn] = useState('');
  const [error, setError] = useState<string | null>(null);
  const loc = (l: { en: string; zh: string }) => (lang === 'zh-CN' ? l.zh : l.en);
  const openOwn = () => {
    try {
      const c = parseChallenge(own, 'challenge.yaml');
      setError(null);
      void startChallenge({ ...c, id: 'custom' }, own);
    } catch (e) {
      setError(e instanceof ChallengeError ? e.message : String(e));
    }
  };
  return (
    <Dialog
      open={open}
      title={chText(lang, 'list')}
      onClose={() => challengeStore.setState({ listOpen: false })}
    >
      <div className="space-y-3">
        <p className="text-sm">{chText(lang, 'intro')}</p>
        <ul className="space-y-2" data-testid="challenge-list">
          {CHALLENGES.map((c) => (
            <li key={c.id} className="rounded border border-slate-200 p-2 dark:border-slate-700">
              <div className="flex items-start gap-2">
                <div className="min-w-0 flex-1">
                  <p className="font-medium">
                    {loc(c.title)}
                    {solved.has(c.id) && (
                      <span className="ml-2 rounded-full bg-emerald-100 px-2 text-xs text-emerald-900 dark:bg-emerald-900 dark:text-emerald-50">
                        ✓ {chText(lang, 'done')}
                      </span>
                    )}
                  </p>
                  <p className="text-sm text-slate-700 dark:text-slate-200">{loc(c.story)}</p>
                </div>
                <button
                  type="button"
                  data-challenge={c.id}
                  onClick={() => void startChallenge(c)}
                  className="shrink-0 rounded bg-amber-600 px-3 py-1 text-sm font-medium text-white hover:bg-amber-700"
                >
                  {chText(lang, 'start')}
                </button>
              </div>
            </li>
          ))}
        </ul>
        <details>
          <summary className="cursor-pointer text-sm font-medium">{chText(lang, 'own')}</summary>
          <p className="text-xs">{chText(lang, 'ownHelp')}</p>
          <textarea
            value={own}
            onChange={(e) => setOwn(e.target.value)}
            aria-label={chText(lang, 'own')}
            rows={6}
            className="mt-1 w-full rounded border border-slate-300 p-1 font-mono text-xs dark:border-slate-600 dark:bg-slate-800"
          />
          {error && (
            <p role="alert" className="text-sm text-red-700 dark:text-red-300">
              {error}
            </p>
          )}
          <button type="button" onClick={openOwn} className="mt-1 rounded border px-2 py-0.5 text-sm">
            {chText(lang, 'load')}
          </button>
        </details>
      </div>
    </Dialog>
  );
}
