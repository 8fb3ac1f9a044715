/** The scrubber over the steps of the Trace. */
import { sendPlayback, usePlayback } from '../playback/actor';
import { useT } from '../i18n';

export function Scrubber({ disabled }: { disabled: boolean }) {
  const { t } = useT();
  const step = usePlayback((s) => s.context.step);
  const steps = usePlayback((s) => s.context.steps);
  return (
    <input
      type="range"
      aria-label={t('controls.step')}
      min={0}
      max={Math.max(0, steps - 1)}
      value={step}
      disabled={disabled}
      aria-valuetext={t('controls.stepOf', { n: step + 1, total: steps })}
      onChange={(e) => sendPlayback({ type: 'SEEK', step: Number(e.target.value) })}
      className="h-9 min-w-32 flex-1 accent-sky-700"
    />
  );
}
