/** The flow's verdict, shown once playback reaches the end. */
import { verdictText } from '../panels/trace-select';
import { usePlayback } from '../playback/actor';
import { useApp } from '../state/useApp';

export function VerdictBadge() {
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
      {verdictText(trace)}
    </output>
  );
}
