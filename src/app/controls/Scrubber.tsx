/** The scrubber over the events of the Trace, with a mark where each chapter begins. */
import { memo, useMemo } from 'react';
import { sendPlayback, usePlayback } from '../playback/actor';
import { useApp } from '../state/useApp';
import type { Chapter, Hop } from '../../engine/kernel/trace';
import { useT } from '../i18n';

/** Where the story changes chapter: the first hop of each run of one chapter (ARP left out). */
export function chapterMarks(hops: readonly Hop[]): { step: number; chapter: Chapter }[] {
  const out: { step: number; chapter: Chapter }[] = [];
  let prev: Chapter | undefined;
  for (const h of hops) {
    if (h.chapter === 'resolve') continue;
    if (h.chapter !== prev) out.push({ step: h.first, chapter: h.chapter });
    prev = h.chapter;
  }
  return out;
}

export function Scrubber({ disabled }: { disabled: boolean }) {
  const { t } = useT();
  const step = usePlayback((s) => s.context.step);
  const steps = usePlayback((s) => s.context.steps);
  const hops = useApp((s) => s.trace?.hops);
  const marks = useMemo(() => chapterMarks(hops ?? []), [hops]);
  const span = Math.max(1, steps - 1);
  return (
    <div className="relative flex min-w-32 flex-1 flex-col">
      <input
        type="range"
        aria-label={t('controls.step')}
        min={0}
        max={Math.max(0, steps - 1)}
        value={step}
        disabled={disabled}
        aria-valuetext={t('controls.stepOf', { n: step + 1, total: steps })}
        onChange={(e) => sendPlayback({ type: 'SEEK', step: Number(e.target.value) })}
        className="h-7 w-full accent-sky-700"
      />
      {marks.length > 0 && <ChapterMarks marks={marks} span={span} />}
    </div>
  );
}

/** The chapter marks under the range, each a button to its first step; memoised: they do not move with the step. */
const ChapterMarks = memo(function ChapterMarks({
  marks,
  span,
}: {
  marks: { step: number; chapter: Chapter }[];
  span: number;
}) {
  const { t } = useT();
  return (
    <ol aria-label={t('controls.chapters')} className="relative h-2" data-testid="chapter-marks">
      {marks.map((m) => (
        <li
          key={m.step}
          className="absolute top-0 h-2 border-l-2 border-slate-500 dark:border-slate-400"
          style={{ left: `${(m.step / span) * 100}%` }}
          title={t(`chapter.${m.chapter}`)}
        >
          <button
            type="button"
            className="sr-only focus:not-sr-only"
            onClick={() => sendPlayback({ type: 'SEEK', step: m.step })}
          >
            {t(`chapter.${m.chapter}`)}
          </button>
        </li>
      ))}
    </ol>
  );
});
