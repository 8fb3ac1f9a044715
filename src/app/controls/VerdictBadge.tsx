/** The flow's verdict, shown once playback reaches the end. */
import { memo } from 'react';
import { verdictText } from '../panels/trace-select';
import { usePlayback } from '../playback/actor';
import { useApp } from '../state/useApp';
import { explainDict, useT } from '../i18n';
import { renderExplain } from '../../engine/sim/messages';
import type { Trace } from '../types';

/** Memoised: it takes no props, so the Timeline re-rendering with each step does not draw it again. */
export const VerdictBadge = memo(function VerdictBadge() {
  const { t, lang } = useT();
  const finished = usePlayback((s) => s.matches('finished'));
  const trace = useApp((s) => s.trace);
  if (!finished || !trace) return null;
  const ok = trace.verdict === 'delivered';
  return (
    <output
      data-testid="verdict"
      className={`rounded-full px-3 py-1 text-sm font-semibold ${
        ok
          ? 'bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-50'
          : 'bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-50'
      }`}
    >
      {lang === 'en' ? verdictText(trace) : localVerdict(trace, (v) => t(`verdict.${v}`), explainDict(lang))}
    </output>
  );
});

/** The verdict in another language: a drop's reason rendered from the drop event's template. */
function localVerdict(
  trace: Trace,
  name: (v: Trace['verdict']) => string,
  dict: Record<string, string>,
): string {
  // A failed lookup: the resolver's own event says which name and why, in this language.
  const failed =
    trace.verdict === 'unresolved'
      ? [...trace.events].reverse().find((e) => e.explain.code === 'resolver.failed')
      : undefined;
  if (failed) return `${name(trace.verdict)} — ${renderExplain(failed.explain, dict)}`;
  const drop = trace.reason ? [...trace.events].reverse().find((e) => e.kind === 'drop') : undefined;
  if (!drop || trace.verdict === 'delivered') return verdictText(trace, name);
  const where = `${drop.netns}${drop.interface !== undefined ? ` ${drop.interface}` : ''}`;
  return `${name(trace.verdict)} — ${where}: ${renderExplain(drop.explain, dict)}`;
}
