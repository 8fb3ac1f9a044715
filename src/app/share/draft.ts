/**
 * Local drafts: edits too large for a link (more than MAX_ENCODED characters encoded) are kept in
 * this browser's localStorage, and the address bar carries `#draft=<id>` instead of `#v1=...`, so a
 * reload restores them rather than losing them. Bounded: the MAX_DRAFTS newest drafts are kept.
 * Nothing here throws: storage that is missing, full or refused is reported as an error string.
 */
import type { Exec } from '../types';
import type { LinkEdits } from './link';
import { shareUi } from './uiStore';

const PREFIX = 'packet-journey:draft:';
export const MAX_DRAFTS = 3;
export const DRAFT_ID_RE = /^[0-9a-f]{8,32}$/;

export interface DraftJson {
  savedAt: number;
  yaml?: string;
  execs?: Exec[];
}

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    // A sandboxed frame or a browser setting can make localStorage itself throw.
    return null;
  }
}

let currentId: string | null = null;

/** The id this page saves its draft under: the one it was restored from, else a new random one. */
export function draftId(): string {
  if (currentId === null) {
    const bytes = crypto.getRandomValues(new Uint8Array(6));
    currentId = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  }
  return currentId;
}

/** Every stored draft's key and save time, oldest first. */
function stored(s: Storage): { key: string; savedAt: number }[] {
  const out: { key: string; savedAt: number }[] = [];
  for (let i = 0; i < s.length; i++) {
    const key = s.key(i);
    if (!key?.startsWith(PREFIX)) continue;
    const m = /"savedAt":(\d+)/.exec(s.getItem(key)?.slice(0, 40) ?? '');
    out.push({ key, savedAt: m ? Number(m[1]) : 0 });
  }
  return out.sort((a, b) => a.savedAt - b.savedAt);
}

/** Drop the oldest drafts other than `keep`, leaving at most `room` of them. */
function evict(s: Storage, keep: string, room: number): void {
  const others = stored(s).filter((d) => d.key !== keep);
  while (others.length > room) s.removeItem(others.shift()!.key);
}

/** Saves `edits` as this page's draft; the error says why when the browser refuses. */
export function saveDraft(edits: LinkEdits): { ok: true; id: string } | { ok: false; error: string } {
  const s = storage();
  if (!s) return { ok: false, error: 'local storage is not available' };
  const id = draftId();
  const key = PREFIX + id;
  // savedAt first: stored() reads it from the head of the text without parsing a megabyte.
  const json: DraftJson = { savedAt: Date.now() };
  if (edits.yaml !== null) json.yaml = edits.yaml;
  if (edits.execs.length) json.execs = edits.execs.map((x) => ({ netns: x.netns, line: x.line }));
  const text = JSON.stringify(json);
  try {
    evict(s, key, MAX_DRAFTS - 1);
    try {
      s.setItem(key, text);
    } catch {
      // Full: make room by dropping every other draft, then try once more.
      evict(s, key, 0);
      s.setItem(key, text);
    }
    return { ok: true, id };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/** The draft stored under `id` (parsed JSON, not yet validated), or null. Adopts `id` for later saves. */
export function readDraft(id: string): { json: unknown; savedAt: number } | null {
  const text = storage()?.getItem(PREFIX + id);
  if (text == null) return null;
  currentId = id;
  try {
    const json: unknown = JSON.parse(text);
    const savedAt = (json as Partial<DraftJson>)?.savedAt;
    return { json, savedAt: typeof savedAt === 'number' ? savedAt : 0 };
  } catch {
    return { json: null, savedAt: 0 };
  }
}

/** Removes this page's draft (discarded, or the edits fit in a link again). */
export function removeDraft(): void {
  if (currentId === null) return;
  try {
    storage()?.removeItem(PREFIX + currentId);
  } catch {
    // Nothing to do: the draft simply stays until evicted.
  }
  shareUi.setState({ draftRestored: null });
}

/** The edits inside a draft's JSON, without its save time (for the v1 validator). */
export function draftEdits(json: unknown): unknown {
  if (json === null || typeof json !== 'object') return json;
  const { savedAt: _savedAt, ...rest } = json as Record<string, unknown>;
  return rest;
}
