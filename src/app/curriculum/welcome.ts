/**
 * The first visit: a bare link on a device that has never been here opens lesson 1 with a welcome
 * card, instead of the default journey. Small: in the first page; the card itself is lazy.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { AppStoreApi } from '../state/store';
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

/** On a first visit, once the page has chosen its opening scenario, open lesson 1 instead. */
export function startLessons(store: AppStoreApi): () => void {
  if (typeof window === 'undefined') return () => undefined;
  let storage: Storage | undefined;
  try {
    storage = window.localStorage;
  } catch {
    storage = undefined;
  }
  if (!isFirstVisit(window.location.search, window.location.hash, storage)) return () => undefined;
  lessonUi.setState({ welcome: true });
  const unsub = store.subscribe((s) => {
    if (!s.scenarioId || !s.catalog) return;
    unsub();
    if (s.scenarioId !== PATH[0] && s.catalog.some((c) => c.id === PATH[0])) s.selectScenario(PATH[0]!);
  });
  return unsub;
}
