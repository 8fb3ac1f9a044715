/** UI state of the share / edit / compare / import features (not part of a link). */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { ScenarioInfo } from '../types';

/** A link named a scenario or a flow the catalog does not have: what it asked for, and what opened. */
export interface LinkNotice {
  /** The scenario the link asked for, when there is no such scenario. */
  scenario?: string;
  /** The flow the link asked for, when its scenario has no such flow. */
  flow?: string;
  opened: { scenario: string; flow: string | null };
}

export interface ShareUiState {
  /** Why the link's edits could not be restored (shown as a dismissible alert). */
  linkError: string | null;
  /** Shown over the page (it moves nothing) until dismissed. */
  linkNotice: LinkNotice | null;
  /** The catalog as the worker listed it, before edited or imported scenarios were patched in. */
  builtinCatalog: ScenarioInfo[] | null;
  editorOpen: boolean;
  compareOpen: boolean;
  /** Text handed to the editor to load (an import), consumed by it. */
  editorInbox: string | null;
  /** The edits came back from a local draft (the link only named it): when it was saved. */
  draftRestored: { savedAt: number } | null;
  /**
   * The edits no longer fit in a link (`length` characters encoded): the address bar names a local
   * draft instead; `error` says why the browser would not keep the draft, if it would not.
   */
  linkOverflow: { length: number; error: string | null } | null;
}

export const shareUi = createStore<ShareUiState>()(() => ({
  linkError: null,
  linkNotice: null,
  builtinCatalog: null,
  editorOpen: false,
  compareOpen: false,
  editorInbox: null,
  draftRestored: null,
  linkOverflow: null,
}));

export function useShareUi<T>(selector: (s: ShareUiState) => T): T {
  return useStore(shareUi, selector);
}
