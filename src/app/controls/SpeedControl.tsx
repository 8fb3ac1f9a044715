/** Playback speed: a select over the presets (+/- on the keyboard). */
import { memo } from 'react';
import { sendPlayback, usePlayback } from '../playback/actor';
import { SPEEDS } from '../playback/machine';
import { useT } from '../i18n';

/** Memoised: it takes no props, so the Timeline re-rendering with each step does not draw it again. */
export const SpeedControl = memo(function SpeedControl() {
  const { t } = useT();
  const speed = usePlayback((s) => s.context.speed);
  return (
    <label className="flex items-center gap-1 text-sm text-slate-700 dark:text-slate-200">
      {t('controls.speed')}
      <select
        value={speed}
        onChange={(e) => sendPlayback({ type: 'SPEED', speed: Number(e.target.value) })}
        aria-keyshortcuts="+ -"
        className="h-9 rounded-md border border-slate-300 bg-white px-1 text-sm dark:border-slate-600 dark:bg-slate-800"
      >
        {SPEEDS.map((s) => (
          <option key={s} value={s}>
            {s}×
          </option>
        ))}
      </select>
    </label>
  );
});
