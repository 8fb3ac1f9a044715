/** Thin React binding of the app store: always read through a selector. */
import { useStore } from 'zustand';
import { appStore, type AppStore } from './store';

export function useApp<T>(selector: (s: AppStore) => T): T {
  return useStore(appStore, selector);
}
