/** How far a step goes: to the next hop (the default), the next key moment, or the next kernel event. */
import { memo } from 'react';
import { sendPlayback, usePlayback } from '../playback/actor';
import { GRANULARITIES, type Granularity } from '../playback/stops';
import { useT } from '../i18n';

/** Memoised: it takes no props, so the Timeline re-rendering with each step does not draw it again. */
export const GranularitySelect = memo(function GranularitySelect() {
  const { t } = useT();
  const granularity = usePlayback((s) => s.context.granularity);
  return (
    <label className="flex items-center gap-1 text-sm text-slate-700 dark:text-slate-200">
      {t('controls.granularity')}
      <select
        value={granularity}
        data-testid="granularity"
        onChange={(e) => sendPlayback({ type: 'GRANULARITY', granularity: e.target.value as Granularity })}
        className="h-9 rounded-md border border-slate-300 bg-white px-1 text-sm dark:border-slate-600 dark:bg-slate-800"
      >
        {GRANULARITIES.map((g) => (
          <option key={g} value={g}>
            {t(`granularity.${g}`)}
          </option>
        ))}
      </select>
    </label>
  );
});
