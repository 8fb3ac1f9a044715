/**
 * Presenter mode's caption under the canvas: what happens at this step, at projector size (28 px and
 * up), and the row that decided it; the few controls a presenter needs sit over the canvas's top corner.
 */
import { useClassroom, classroomStore } from '../classroom/store';
import { useT } from '../i18n';
import { Explained } from '../i18n/Explained';
import { eventAt } from '../panels/trace-select';
import { sendPlayback, usePlayback } from '../playback/actor';
import { useApp } from '../state/useApp';

const btn =
  'inline-flex h-10 min-w-10 items-center justify-center rounded-md border border-slate-300 bg-white px-2 text-base text-slate-800 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-sky-500 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100';

export function Caption() {
  const { t } = useT();
  const presenter = useClassroom((s) => s.presenter);
  const ev = useApp((s) => eventAt(s.trace, s.step));
  if (!presenter) return null;
  // Three lines are kept for the caption; a longer one grows up over the canvas's bottom edge rather
  // than shrinking the canvas (and its camera) from one step to the next.
  return (
    <div className="relative h-[calc(3lh+0.5rem+2px)] shrink-0 text-[clamp(28px,2.1vw,40px)] leading-[1.15]">
      <div
        role="region"
        aria-label={t('layout.caption')}
        aria-live="polite"
        data-testid="caption"
        className="absolute inset-x-0 bottom-0 z-10 min-h-full rounded-lg border border-slate-200 bg-white px-4 py-1 dark:border-slate-700 dark:bg-slate-900"
      >
        {ev && (
          <>
            <p className="text-slate-950 dark:text-slate-50">
              <Explained explain={ev.explain} />
            </p>
            {/* The row, unless the sentence already quotes it (an iptables rule usually is). */}
            {ev.decidedBy && !ev.explanation.includes(ev.decidedBy.row) && (
              <p className="truncate font-mono text-amber-900 dark:text-amber-200" title={ev.decidedBy.row}>
                {ev.decidedBy.row}
              </p>
            )}
          </>
        )}
      </div>
    </div>
  );
}

/** Presenter mode's few controls, over the canvas's top left corner (the header has stepped aside). */
export function PresenterControls() {
  const { t } = useT();
  const presenter = useClassroom((s) => s.presenter);
  const step = usePlayback((s) => s.context.step);
  const steps = usePlayback((s) => s.context.steps);
  if (!presenter) return null;
  return (
    <div className="absolute top-2 left-2 z-10 flex items-center gap-1 rounded-lg bg-white/85 p-1 shadow dark:bg-slate-900/85">
      <button type="button" className={btn} onClick={() => sendPlayback({ type: 'STEP_BACK' })}>
        <span aria-hidden="true">◀</span>
        <span className="sr-only">{t('controls.stepBack')}</span>
      </button>
      <span className="font-mono text-base tabular-nums">
        {steps ? step + 1 : 0}/{steps}
      </span>
      <button type="button" className={btn} onClick={() => sendPlayback({ type: 'STEP_FORWARD' })}>
        <span aria-hidden="true">▶</span>
        <span className="sr-only">{t('controls.stepForward')}</span>
      </button>
      <button
        type="button"
        className={btn}
        aria-pressed="true"
        onClick={() => classroomStore.getState().setPresenter(false)}
      >
        {t('presenter.toggle')}
      </button>
    </div>
  );
}
