/**
 * Playback controls: the transport buttons (in the page's header) and the timeline (speed, scrubber,
 * step counter and the verdict, under the canvas); Controls is both in one bar (the embed).
 */
import { sendPlayback, usePlayback } from '../playback/actor';
import { hopAt, nextStop, prevStop, stopPosition } from '../playback/stops';
import { GranularitySelect } from './GranularitySelect';
import { SpeedControl } from './SpeedControl';
import { Scrubber } from './Scrubber';
import { VerdictBadge } from './VerdictBadge';
import { useT } from '../i18n';

const base =
  'inline-flex h-9 items-center justify-center gap-1 rounded-md border px-3 text-sm font-medium disabled:opacity-40 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500';
const btn = `${base} border-slate-300 bg-white text-slate-800 hover:bg-slate-100 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100 dark:hover:bg-slate-700`;
const primary = `${base} w-24 border-sky-700 bg-sky-700 text-white hover:bg-sky-800 dark:border-sky-500 dark:bg-sky-600 dark:hover:bg-sky-500`;

function usePlayable() {
  const state = usePlayback((s) => s.value as string);
  const step = usePlayback((s) => s.context.step);
  const steps = usePlayback((s) => s.context.steps);
  const canBack = usePlayback((s) => prevStop(s.context, s.context.step) !== undefined);
  const canForward = usePlayback((s) => nextStop(s.context, s.context.step) !== undefined);
  const mode = usePlayback((s) => (s.context.hops.length ? s.context.granularity : 'events'));
  const at = usePlayback((s) => stopPosition({ ...s.context, granularity: mode }, s.context.step).n);
  const total = usePlayback((s) => stopPosition({ ...s.context, granularity: mode }, s.context.step).total);
  const counter =
    mode === 'events'
      ? null
      : { key: mode === 'hops' ? 'controls.counterHops' : 'controls.counterKey', n: at, total };
  // A folded ARP resolution at the current step can be opened event by event.
  const arpHop = usePlayback((s) => {
    const i = hopAt(s.context.hops, s.context.step);
    return s.context.granularity === 'hops' && s.context.hops[i]?.kind === 'resolve' ? i : -1;
  });
  const arpOpen = usePlayback((s) => s.context.expanded.includes(arpHop));
  const arp = arpHop >= 0 ? { hop: arpHop, open: arpOpen } : null;
  const usable = steps > 0 && state !== 'loading' && state !== 'error' && state !== 'idle';
  return { step, steps, usable, playing: state === 'playing', canBack, canForward, counter, arp };
}

export function Controls() {
  return (
    <div className="flex flex-wrap items-center gap-2 rounded-lg border border-slate-200 bg-white px-3 py-2 shadow-sm dark:border-slate-700 dark:bg-slate-900">
      <Transport />
      <Timeline />
    </div>
  );
}

/** Reset, step back, play/pause, step forward. */
export function Transport({ className = '' }: { className?: string }) {
  const { t } = useT();
  const { usable, playing, canBack, canForward } = usePlayable();
  return (
    <div className={`flex shrink-0 items-center gap-1.5 ${className}`} data-transport="">
      <button
        type="button"
        className={btn}
        disabled={!usable}
        onClick={() => sendPlayback({ type: 'RESET' })}
      >
        {t('controls.reset')}
      </button>
      <button
        type="button"
        className={btn}
        disabled={!usable || !canBack}
        onClick={() => sendPlayback({ type: 'STEP_BACK' })}
        aria-keyshortcuts="ArrowLeft"
      >
        <span aria-hidden="true">◀</span>
        <span className="sr-only">{t('controls.stepBack')}</span>
      </button>
      <button
        type="button"
        className={primary}
        disabled={!usable}
        onClick={() => sendPlayback({ type: playing ? 'PAUSE' : 'PLAY' })}
        aria-keyshortcuts="Space"
      >
        {playing ? t('controls.pause') : t('controls.play')}
      </button>
      <button
        type="button"
        className={btn}
        disabled={!usable || !canForward}
        onClick={() => sendPlayback({ type: 'STEP_FORWARD' })}
        aria-keyshortcuts="ArrowRight"
      >
        <span aria-hidden="true">▶</span>
        <span className="sr-only">{t('controls.stepForward')}</span>
      </button>
    </div>
  );
}

/** Speed, scrubber, step counter and verdict. */
export function Timeline({ className = '' }: { className?: string }) {
  const { t } = useT();
  const { step, steps, usable, counter, arp } = usePlayable();
  return (
    <div className={`flex min-w-0 flex-1 flex-wrap items-center gap-2 ${className}`}>
      {arp && (
        <button
          type="button"
          className={btn}
          aria-pressed={arp.open}
          data-testid="expand-arp"
          onClick={() => sendPlayback({ type: 'EXPAND', hop: arp.hop })}
        >
          {t(arp.open ? 'controls.foldArp' : 'controls.expandArp')}
        </button>
      )}
      <GranularitySelect />
      <SpeedControl />
      <Scrubber disabled={!usable} />
      {counter && (
        <span
          className="font-mono text-sm font-semibold text-slate-800 tabular-nums dark:text-slate-100"
          aria-live="off"
          data-testid="hop-counter"
        >
          {t(counter.key as 'controls.counterHops', { n: counter.n, total: counter.total })}
        </span>
      )}
      <span
        className="font-mono text-sm text-slate-700 tabular-nums dark:text-slate-200"
        aria-live="off"
        data-testid="step-counter"
      >
        {t('controls.counter', { n: steps ? step + 1 : 0, total: steps })}
      </span>
      <VerdictBadge />
    </div>
  );
}
