/** The link of the app's current state, and the state of a link. */
import type { AppState, PanelId } from '../state/store';
import { draftId, removeDraft, saveDraft } from './draft';
import { encodeEdits, formatQuery, MAX_ENCODED, type LinkState } from './link';
import { shareUi } from './uiStore';

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

/** Characters of a `v1=<payload>` hash's payload: what the decoder caps at MAX_ENCODED. */
const payloadLength = (hash: string): number => hash.length - hash.indexOf('=') - 1;

/** True when a link with this hash opens (its payload is within the decoder's cap). */
export const hashFits = (hash: string): boolean => hash === '' || payloadLength(hash) <= MAX_ENCODED;

// The draft saved for the last edits too large for a link, so a step change does not save it again.
let drafted: { yaml: string | null; execs: unknown } | null = null;

/**
 * The hash the address bar gets: the edits themselves when they fit in a link, else `draft=<id>`
 * naming a local draft of them, and the page says so (never a link that cannot open).
 */
async function addressHash(state: LinkState): Promise<string> {
  const hash = await hashOf(state);
  if (hashFits(hash)) {
    if (drafted !== null || shareUi.getState().linkOverflow !== null) {
      drafted = null;
      removeDraft();
      shareUi.setState({ linkOverflow: null });
    }
    return hash;
  }
  if (!drafted || drafted.yaml !== state.yaml || drafted.execs !== state.execs) {
    drafted = { yaml: state.yaml, execs: state.execs };
    const saved = saveDraft(state);
    shareUi.setState({ linkOverflow: { length: payloadLength(hash), error: saved.ok ? null : saved.error } });
  }
  return `draft=${draftId()}`;
}

/** `?query#...` for the address bar, keeping the query parameters of `search` it does not own. */
export async function searchAndHash(search: string, state: LinkState): Promise<string> {
  const hash = await addressHash(state);
  return `${formatQuery(search, state)}${hash ? `#${hash}` : ''}`;
}

export type SharedLink = { ok: true; url: string } | { ok: false; length: number };

/**
 * The absolute link to a state, to hand out; `keep` holds other features' query parameters to
 * carry along. Refused (with the encoded length) when it could not open: its edits exceed the cap.
 */
export async function absoluteLink(state: LinkState, keep = ''): Promise<SharedLink> {
  const { origin, pathname } = window.location;
  const hash = await hashOf(state);
  if (!hashFits(hash)) return { ok: false, length: payloadLength(hash) };
  return { ok: true, url: `${origin}${pathname}${formatQuery(keep, state)}${hash ? `#${hash}` : ''}` };
}
