/** The scrubber over the steps of the Trace. */
import { sendPlayback, usePlayback } from '../playback/actor';

export function Scrubber({ disabled }: { disabled: boolean }) {
  const step = usePlayback((s) => s.context.step);
  const steps = usePlayback((s) => s.context.steps);
  return (
    <input
      type="range"
      aria-label="Step"
      min={0}
      max={Math.max(0, steps - 1)}
      value={step}
      disabled={disabled}
      aria-valuetext={`Step ${step + 1} of ${steps}`}
      onChange={(e) => sendPlayback({ type: 'SEEK', step: Number(e.target.value) })}
      className="h-9 min-w-32 flex-1 accent-sky-700"
    />
  );
}
