/** The canvas's toolbar: zoom in and out, fit, fit all (a big world), follow the packet, the legend. */
import { memo, type JSX, type RefObject } from 'react';
import type { CanvasLayout } from './layout';
import { Legend } from './Legend';
import type { Wording } from './words';
import type { ZoomController } from './zoom';

/** The zoom buttons' glyphs, drawn: a text "+" would be a visible label that differs from the name "Zoom in". */
function ZoomIcon({ plus }: { plus: boolean }): JSX.Element {
  return (
    <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" focusable="false">
      <path
        d={plus ? 'M2 7h10M7 2v10' : 'M2 7h10'}
        stroke="currentColor"
        strokeWidth="2"
        strokeLinecap="round"
        fill="none"
      />
    </svg>
  );
}

const BTN =
  'grid h-8 min-w-8 place-items-center rounded-md border border-slate-300 bg-white/90 px-2 text-sm font-medium text-slate-800 shadow-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 dark:border-slate-600 dark:bg-slate-800/90 dark:text-slate-100 dark:hover:bg-slate-700';

export interface CanvasToolbarProps {
  words: Wording;
  /** The layout shown (null until the first one is in). */
  layout: CanvasLayout | null;
  /** The layout shown is the current topology's. */
  ready: boolean;
  follow: boolean;
  setFollow: (follow: boolean) => void;
  zoomRef: RefObject<ZoomController | null>;
  reducedMotion: boolean;
}

/**
 * Any move of the camera by hand turns following off. Memoised: none of its props change with the step, so playback does not draw it again
 * (setFollow is a state setter and zoomRef a ref: both stable).
 */
export const CanvasToolbar = memo(function CanvasToolbar(props: CanvasToolbarProps): JSX.Element {
  const { words, layout, ready, follow, setFollow, zoomRef, reducedMotion } = props;
  const t = words.t;
  return (
    <div className="absolute top-2 right-2 flex gap-1" role="toolbar" aria-label={t('canvas.toolbar')}>
      <button
        type="button"
        className={BTN}
        aria-label={t('canvas.zoomIn')}
        title={t('canvas.zoomIn')}
        onClick={() => {
          setFollow(false);
          zoomRef.current?.zoomBy(1.3, !reducedMotion);
        }}
      >
        <ZoomIcon plus />
      </button>
      <button
        type="button"
        className={BTN}
        aria-label={t('canvas.zoomOut')}
        title={t('canvas.zoomOut')}
        onClick={() => {
          setFollow(false);
          zoomRef.current?.zoomBy(1 / 1.3, !reducedMotion);
        }}
      >
        <ZoomIcon plus={false} />
      </button>
      <button
        type="button"
        className={BTN}
        onClick={() => {
          setFollow(false);
          if (layout) zoomRef.current?.fit(layout.focus ?? layout, !reducedMotion);
        }}
        disabled={!ready}
      >
        {t('canvas.fit')}
      </button>
      {layout?.summaries && (
        <button
          type="button"
          className={BTN}
          onClick={() => {
            setFollow(false);
            zoomRef.current?.fit(layout, !reducedMotion);
          }}
        >
          {t('canvas.fitAll')}
        </button>
      )}
      <button
        type="button"
        className={`${BTN} aria-pressed:border-blue-600 aria-pressed:bg-blue-50 dark:aria-pressed:bg-blue-950`}
        aria-pressed={follow}
        onClick={() => {
          setFollow(!follow);
          if (follow && layout) zoomRef.current?.fit(layout, !reducedMotion);
        }}
        disabled={!ready}
      >
        {t('canvas.follow')}
      </button>
      <Legend words={words} className={BTN} />
    </div>
  );
});
