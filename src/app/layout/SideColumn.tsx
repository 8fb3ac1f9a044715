/**
 * The column beside the canvas: the step's explanation, then the panel that decided the step, brought
 * forward and scrolled to its highlighted row (the MASQUERADE rule, the route, the neighbour), then the
 * header stack and the other panels, each one click away in the list of panels above them.
 */
import { useEffect, useRef, type ReactNode } from 'react';
import { useT } from '../i18n';
import type { UiKey } from '../i18n/ui-en';
import { eventAt } from '../panels/trace-select';
import { fmt } from '../share/strings';
import { usePanelApp } from '../state/panelState';
import type { PanelId } from '../state/store';
import { columnOrder, COLUMN_PANELS, deciderPanel } from './decider';

const TITLES: Record<string, UiKey> = {
  headers: 'headers.title',
  capture: 'capture.title',
  routes: 'routes.title',
  neigh: 'neigh.title',
  fdb: 'fdb.title',
  iptables: 'iptables.title',
  nftables: 'nft.title',
  conntrack: 'conntrack.title',
  events: 'events.title',
  terminal: 'terminal.title',
};

/** Scrolls `box` (only it, never the page) so `el` sits near its top. */
function scrollWithin(box: HTMLElement, el: HTMLElement, margin: number) {
  const top = el.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
  box.scrollTo({ top: Math.max(0, top - margin) });
}

/** How long the column waits for the deciding row to be drawn (frames, about half a second). */
const ROW_WAIT_FRAMES = 30;

/** True when the box scrolls by itself (the desktop column; on a phone the page scrolls). */
function scrolls(box: HTMLElement): boolean {
  return getComputedStyle(box).overflowY === 'auto' && box.scrollHeight > box.clientHeight;
}

export function SideColumn({ panels }: { panels: Partial<Record<PanelId, ReactNode>> }) {
  const { t } = useT();
  const decider = usePanelApp((s) => deciderPanel(eventAt(s.trace, s.step)));
  const step = usePanelApp((s) => s.step);
  const box = useRef<HTMLDivElement>(null);
  const order = columnOrder(decider);

  // Bring the deciding panel's highlighted row into view once the panels drew this step. They
  // follow the store a transition behind, and a lazy panel arrives later still: look again on the
  // next frames until the row is there (a step without one goes back to the top after a while).
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let id = 0;
    let frames = 0;
    // The header stack has no row to wait for. While waiting, a frame only queries the DOM: reading
    // the layout (scrolls) on every frame of playback forced a layout in each one and cost frames.
    const rowless = decider === 'headers';
    const look = (): void => {
      const panel = rowless ? null : el.querySelector<HTMLElement>(`[data-panel="${decider}"]`);
      const row = panel?.querySelector<HTMLElement>('[aria-current="true"]');
      const waiting = !rowless && (!row || !scrolls(el));
      if (waiting && ++frames < ROW_WAIT_FRAMES) {
        id = requestAnimationFrame(look);
        return;
      }
      if (!scrolls(el)) return;
      if (row && row.getBoundingClientRect().bottom > el.getBoundingClientRect().bottom)
        scrollWithin(el, row, el.clientHeight / 3);
      else el.scrollTo({ top: 0 });
    };
    id = requestAnimationFrame(look);
    return () => cancelAnimationFrame(id);
  }, [decider, step]);

  const go = (id: PanelId) => {
    const el = box.current;
    const panel = el?.querySelector<HTMLElement>(`[data-panel="${id}"]`);
    if (!el || !panel) return;
    if (scrolls(el)) scrollWithin(el, panel, 0);
    else panel.scrollIntoView({ block: 'start' });
    // The panel's first control takes the focus, so the keyboard follows the eye.
    panel.querySelector<HTMLElement>('button')?.focus({ preventScroll: true });
  };

  return (
    <>
      <nav aria-label={t('layout.panels')} className="flex shrink-0 flex-wrap gap-1">
        {COLUMN_PANELS.filter((id) => panels[id]).map((id) => (
          <button
            key={id}
            type="button"
            onClick={() => go(id)}
            aria-current={id === decider ? 'true' : undefined}
            className={`rounded-full border px-2 py-0.5 text-xs focus-visible:outline-2 focus-visible:outline-sky-500 ${
              id === decider
                ? 'border-amber-500 bg-amber-100 font-semibold text-amber-950 dark:bg-amber-900 dark:text-amber-50'
                : 'border-slate-300 bg-white text-slate-800 hover:bg-slate-100 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100'
            }`}
          >
            {id === 'changes' ? fmt('changes.title') : t(TITLES[id]!)}
          </button>
        ))}
      </nav>
      <div ref={box} className="pj-column flex min-h-0 flex-1 flex-col gap-2 lg:overflow-y-auto">
        {COLUMN_PANELS.map(
          (id) =>
            panels[id] && (
              <div
                key={id}
                style={{ order: order.indexOf(id) }}
                className="flex min-w-0 shrink-0 flex-col [contain-intrinsic-size:auto_12rem] [content-visibility:auto]"
              >
                {panels[id]}
              </div>
            ),
        )}
      </div>
    </>
  );
}
