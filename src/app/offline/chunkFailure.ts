/**
 * A part of the page that loads on demand (the editor, the import dialog...) can fail to load when a
 * new build replaced the files this tab was built against (or the network is gone). Instead of a
 * click that does nothing, the page offers a reload: this module notices such failures.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';

export const chunkFailure = createStore<{ failed: boolean }>()(() => ({ failed: false }));

export function useChunkFailed(): boolean {
  return useStore(chunkFailure, (s) => s.failed);
}

/** True for the errors a failed dynamic import gives (Chromium, Firefox, Safari wordings, Vite's preload). */
export function isChunkError(e: unknown): boolean {
  const msg = e instanceof Error ? e.message : String(e);
  return /dynamically imported module|Importing a module script failed|error loading dynamically|Unable to preload CSS/i.test(
    msg,
  );
}

export function noteChunkFailure(): void {
  chunkFailure.setState({ failed: true });
}

/** Watches for failed on-demand loads: Vite's preload event, and any unhandled import rejection. */
export function watchChunkFailures(): void {
  window.addEventListener('vite:preloadError', noteChunkFailure);
  window.addEventListener('unhandledrejection', (e) => {
    if (isChunkError(e.reason)) noteChunkFailure();
  });
}
