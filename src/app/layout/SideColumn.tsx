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

/**
 * How long the column keeps the deciding row in view after a step (ms): the panels follow the store
 * a transition behind, a lazy panel's chunk can take seconds on a busy machine, and content above
 * the row (the explanation, other tables) can grow after it is drawn.
 */
const ROW_FOLLOW_MS = 4000;
/** After this long without the row (ms), the column goes back to its top. */
const ROW_TOP_MS = 500;

/** True when the box scrolls by itself (the desktop column; on a phone the page scrolls). */
function scrolls(box: HTMLElement): boolean {
  return getComputedStyle(box).overflowY === 'auto' && box.scrollHeight > box.clientHeight;
}

/** Whether a rectangle is out of the column's visible part (`view`). */
function outOfView(r: DOMRectReadOnly, view: DOMRectReadOnly): boolean {
  return r.bottom > view.bottom || r.top < view.top;
}

/** The column's first panel on screen (the panels are placed by their CSS order, not the DOM's). */
function firstPanel(box: HTMLElement): Element | null {
  return [...box.children].find((c) => (c as HTMLElement).style.order === '0') ?? box.firstElementChild;
}

/**
 * Keeps the highlighted row of `panel` (null: the header stack, which has none) in view inside `box`
 * for ROW_FOLLOW_MS; returns the cleanup. Without a row, the column goes to the top.
 * Where the row is comes from an IntersectionObserver (computed with the frame's own layout), not
 * from reading the layout: a read after the panels' commit forces a layout of the page of its own,
 * at every step of playback. The layout is read only when the column must scroll.
 */
function followRow(box: HTMLElement, panel: string | null): () => void {
  let raf = 0;
  let found = false;
  let top = panel === null;
  let watched: Element | null = null;
  // A scroll of the column that is not ours (the learner's, a tool's) ends the following: the
  // observer would otherwise scroll back whenever the row left the view.
  let ours = false;
  const onScroll = (): void => {
    if (ours) ours = false;
    else stop();
  };
  const io = new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        if (e.target !== watched || !e.rootBounds) continue;
        if (top) {
          if (e.boundingClientRect.top < e.rootBounds.top - 0.5 && scrolls(box)) {
            ours = true;
            box.scrollTo({ top: 0 });
          }
        } else if (outOfView(e.boundingClientRect, e.rootBounds) && scrolls(box)) {
          ours = true;
          scrollWithin(box, e.target as HTMLElement, box.clientHeight / 3);
        }
      }
    },
    // Every crossing: the row coming into view, leaving it, or pushed down by what grows above it.
    { root: box, threshold: [0, 0.5, 1] },
  );
  const watch = (el: Element | null): void => {
    if (el === watched) return;
    if (watched) io.unobserve(watched);
    watched = el;
    if (el) io.observe(el);
  };
  const look = (): void => {
    raf = 0;
    if (top) {
      watch(firstPanel(box));
      return;
    }
    const row = box
      .querySelector<HTMLElement>(`[data-panel="${panel}"]`)
      ?.querySelector<HTMLElement>('[aria-current="true"]');
    if (row) found = true;
    watch(row ?? null);
  };
  const schedule = (): void => {
    if (!raf) raf = requestAnimationFrame(look);
  };
  const observer = new MutationObserver(schedule);
  const stop = (): void => {
    observer.disconnect();
    io.disconnect();
    cancelAnimationFrame(raf);
    clearTimeout(timer);
    clearTimeout(toTop);
    for (const e of USER_SCROLLS) box.removeEventListener(e, stop);
    box.removeEventListener('scroll', onScroll);
  };
  const timer = setTimeout(stop, ROW_FOLLOW_MS);
  // A step whose row is not there soon shows the column from the top (it still scrolls to the
  // row if a slow panel draws it later).
  const toTop = setTimeout(() => {
    if (found) return;
    top = true;
    watch(null);
    schedule();
  }, ROW_TOP_MS);
  if (panel) observer.observe(box, { subtree: true, childList: true, characterData: true, attributes: true });
  for (const e of USER_SCROLLS) box.addEventListener(e, stop, { passive: true });
  box.addEventListener('scroll', onScroll, { passive: true });
  schedule();
  return stop;
}

/** What the learner does to scroll the column: from then on the column leaves the scroll to them. */
const USER_SCROLLS = ['wheel', 'touchstart', 'keydown', 'pointerdown'] as const;

export function SideColumn({ panels }: { panels: Partial<Record<PanelId, ReactNode>> }) {
  const { t } = useT();
  const decider = usePanelApp((s) => deciderPanel(eventAt(s.trace, s.step)));
  const step = usePanelApp((s) => s.step);
  const box = useRef<HTMLDivElement>(null);
  const order = columnOrder(decider);

  // Bring the deciding panel's highlighted row into view once the panels drew this step, and keep it
  // there while they settle: every change in the column (a lazy panel arriving, text above growing)
  // is looked at in the next frame, until the time is up, the step changes or the learner scrolls.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    return followRow(el, decider === 'headers' ? null : decider);
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
