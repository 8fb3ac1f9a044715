/** The link of the app's current state, and the state of a link. */
import type { AppState, PanelId } from '../state/store';
import { encodeEdits, formatQuery, type LinkState } from './link';

export function linkStateOf(s: AppState, step: number | null, extra: Partial<LinkState> = {}): LinkState {
  return {
    scenario: s.scenarioId,
    flow: s.flowId,
    step,
    netns: s.selectedNetns,
    hidden: (Object.keys(s.collapsed) as PanelId[]).filter((p) => s.collapsed[p]),
    lang: s.lang,
    embed: false,
    panel: null,
    yaml: s.scenarioText,
    execs: s.execs,
    ...extra,
  };
}

// The hash depends only on the text and the changes: encode once per pair.
let memo: { yaml: string | null; execs: unknown; hash: string } | null = null;

export async function hashOf(state: LinkState): Promise<string> {
  if (memo && memo.yaml === state.yaml && memo.execs === state.execs) return memo.hash;
  const hash = await encodeEdits(state);
  memo = { yaml: state.yaml, execs: state.execs, hash };
  return hash;
}

/** `?query#v1=...` for a state, keeping the query parameters of `search` it does not own. */
export async function searchAndHash(search: string, state: LinkState): Promise<string> {
  const hash = await hashOf(state);
  return `${formatQuery(search, state)}${hash ? `#${hash}` : ''}`;
}

/** The absolute link to a state; `keep` holds other features' query parameters to carry along. */
export async function absoluteLink(state: LinkState, keep = ''): Promise<string> {
  const { origin, pathname } = window.location;
  return `${origin}${pathname}${await searchAndHash(keep, state)}`;
}
