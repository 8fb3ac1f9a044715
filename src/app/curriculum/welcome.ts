/**
 * The first visit: a bare link on a device that has never been here opens lesson 1 with a welcome
 * card, instead of the default journey. Small: in the first page; the card itself is lazy.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { PATH, PROGRESS_KEY } from './path';

export const WELCOME_KEY = 'packet-journey.welcomed.v1';

export const lessonUi = createStore<{ welcome: boolean }>()(() => ({ welcome: false }));

export function useLessonUi<T>(selector: (s: { welcome: boolean }) => T): T {
  return useStore(lessonUi, selector);
}

/** Whether this page load is a first visit: nothing in the link, nothing remembered. */
export function isFirstVisit(
  search: string,
  hash: string,
  storage: Pick<Storage, 'getItem'> | undefined,
): boolean {
  if (search.replace(/^\?/, '') !== '' || hash.replace(/^#/, '') !== '') return false;
  try {
    return !storage?.getItem(WELCOME_KEY) && !storage?.getItem(PROGRESS_KEY);
  } catch {
    return false;
  }
}

export function dismissWelcome(): void {
  lessonUi.setState({ welcome: false });
  try {
    window.localStorage.setItem(WELCOME_KEY, '1');
  } catch {
    // Private mode: the card comes back next time.
  }
}

/**
 * On a first visit, the scenario the page opens with: lesson 1's (null otherwise). The controller
 * opens it in place of the default journey, so the first Trace computed is the one shown: choosing
 * it after the default had opened made the worker trace (and fetch) a journey nobody saw first.
 */
export function startLessons(): string | null {
  if (typeof window === 'undefined') return null;
  let storage: Storage | undefined;
  try {
    storage = window.localStorage;
  } catch {
    storage = undefined;
  }
  if (!isFirstVisit(window.location.search, window.location.hash, storage)) return null;
  lessonUi.setState({ welcome: true });
  return PATH[0] ?? null;
}
