/** Whether a media query matches, following changes (the phone layout switches on width). */
import { useSyncExternalStore } from 'react';

export function useMedia(query: string): boolean {
  return useSyncExternalStore(
    (change) => {
      const m = window.matchMedia(query);
      m.addEventListener('change', change);
      return () => m.removeEventListener('change', change);
    },
    () => window.matchMedia(query).matches,
    () => false,
  );
}

/** The phone layout: a vertical journey, a sticky player, the tools in one menu. */
export const PHONE = '(max-width: 767px)';
