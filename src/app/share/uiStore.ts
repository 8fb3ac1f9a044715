/** UI state of the share / edit / compare / import features (not part of a link). */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { ScenarioInfo } from '../types';

export interface ShareUiState {
  /** Why the link's edits could not be restored (shown as a dismissible alert). */
  linkError: string | null;
  /** The catalog as the worker listed it, before edited or imported scenarios were patched in. */
  builtinCatalog: ScenarioInfo[] | null;
  editorOpen: boolean;
  compareOpen: boolean;
  /** Text handed to the editor to load (an import), consumed by it. */
  editorInbox: string | null;
}

export const shareUi = createStore<ShareUiState>()(() => ({
  linkError: null,
  builtinCatalog: null,
  editorOpen: false,
  compareOpen: false,
  editorInbox: null,
}));

export function useShareUi<T>(selector: (s: ShareUiState) => T): T {
  return useStore(shareUi, selector);
}
