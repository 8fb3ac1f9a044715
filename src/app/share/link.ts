/**
 * The state in a link. Readable query parameters carry the simple selection:
 *   ?s=<scenario>&f=<flow>&event=<n>&ns=<netns>&hide=<panel,...>&lang=<tag>[&embed=1&panel=<panel>]
 * `event` counts from 1, as the page numbers events. Links made before it carry `step=<n>`, counted
 * from 0: they still open at the same event (an `event` parameter wins when both are present).
 * and a versioned hash parameter carries the edits (the scenario YAML when edited, the terminal's changes):
 *   #v1=<base64url(deflate-raw(UTF-8 JSON {yaml?, execs?}))>
 * Decoding never throws: every input gives a state or a clear error. It is capped before (MAX_ENCODED
 * characters) and after (MAX_DECODED bytes) decompression, and every field is validated (zod, in
 * link-schema.ts, loaded only when a link carries edits).
 * Old versions keep decoding: add a v2 beside v1, never change what v1 means (golden.test.ts).
 * Edits too large for a link stay in this browser as a local draft (draft.ts); the hash is then
 *   #draft=<id>
 * and only opens where the draft was saved.
 */
import type { PanelId } from '../state/store';
import type { Exec } from '../types';
import { draftEdits, readDraft } from './draft';
import { fmt } from './strings';
import { shareUi } from './uiStore';

export const LINK_VERSION = 1;
/** Longest hash payload decoded, in characters. */
export const MAX_ENCODED = 64 * 1024;
/** Most bytes a payload may expand to. */
export const MAX_DECODED = 1024 * 1024;
export const MAX_EXECS = 200;
export const MAX_LINE = 2000;

export const PANEL_IDS = [
  'routes',
  'neigh',
  'fdb',
  'iptables',
  'nftables',
  'conntrack',
  'headers',
  'capture',
  'events',
  'explanation',
  'terminal',
  'changes',
] as const satisfies readonly PanelId[];

/** The edits a link carries in its hash. */
export interface LinkEdits {
  /** The scenario YAML in full, when it differs from the built-in one (or there is none). */
  yaml: string | null;
  execs: Exec[];
}

/** Everything a link holds. */
export interface LinkState extends LinkEdits {
  scenario: string | null;
  flow: string | null;
  step: number | null;
  netns: string | null;
  /** Collapsed panels. */
  hidden: PanelId[];
  lang: string | null;
  embed: boolean;
  /** The one panel an embed shows. */
  panel: PanelId | null;
}

export const emptyLinkState: LinkState = {
  scenario: null,
  flow: null,
  step: null,
  netns: null,
  hidden: [],
  lang: null,
  embed: false,
  panel: null,
  yaml: null,
  execs: [],
};

/** True when `s` has no control characters (C0 and DEL): one line of text. */
export function noControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return false;
  }
  return true;
}
const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/;
export const NETNS_RE = /^[A-Za-z0-9][A-Za-z0-9._@/-]{0,99}$/;
const LANG_RE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$/;

/** The JSON inside a v1 hash. */
export interface EditsV1Json {
  yaml?: string;
  execs?: { netns: string; line: string }[];
}

export type LinkResult<T> = { ok: true; value: T } | { ok: false; error: string };

// --- bytes ---------------------------------------------------------------------------------------------------

export function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** null when `s` is not base64url. */
export function fromBase64Url(s: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) return null;
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4);
  let bin: string;
  try {
    bin = atob(b64);
  } catch {
    return null;
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function pump(
  stream: CompressionStream | DecompressionStream,
  input: Uint8Array,
  max: number,
): Promise<Uint8Array | 'too-big'> {
  const writer = stream.writable.getWriter();
  // Errors surface on the reader; the writer's promises must not be left rejected and unhandled.
  writer.write(input as Uint8Array<ArrayBuffer>).catch(() => {});
  writer.close().catch(() => {});
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > max) {
      await reader.cancel().catch(() => {});
      return 'too-big';
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  const r = await pump(new CompressionStream('deflate-raw'), bytes, Number.MAX_SAFE_INTEGER);
  if (r === 'too-big') throw new Error('unreachable');
  return r;
}

/** Inflate at most `max` bytes; 'too-big' beyond, null when the data is not deflate. */
export async function inflate(bytes: Uint8Array, max = MAX_DECODED): Promise<Uint8Array | 'too-big' | null> {
  try {
    return await pump(new DecompressionStream('deflate-raw'), bytes, max);
  } catch {
    return null;
  }
}

// --- the hash: edits ------------------------------------------------------------------------------------------

function hasEdits(e: LinkEdits): boolean {
  return e.yaml !== null || e.execs.length > 0;
}

/** `v1=<payload>`, or '' when there is nothing to carry. */
export async function encodeEdits(e: LinkEdits): Promise<string> {
  if (!hasEdits(e)) return '';
  const json: EditsV1Json = {};
  if (e.yaml !== null) json.yaml = e.yaml;
  if (e.execs.length) json.execs = e.execs.map((x) => ({ netns: x.netns, line: x.line }));
  const bytes = new TextEncoder().encode(JSON.stringify(json));
  return `v${LINK_VERSION}=${toBase64Url(await deflate(bytes))}`;
}

async function decodeV1(payload: string): Promise<LinkResult<LinkEdits>> {
  if (payload.length > MAX_ENCODED) {
    return { ok: false, error: fmt('link.tooLong', { length: payload.length, max: MAX_ENCODED }) };
  }
  const packed = fromBase64Url(payload);
  if (!packed) return { ok: false, error: fmt('link.badChars') };
  const raw = await inflate(packed);
  if (raw === null) return { ok: false, error: fmt('link.truncated') };
  if (raw === 'too-big') return { ok: false, error: fmt('link.tooBig', { max: MAX_DECODED }) };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return { ok: false, error: fmt('link.badUtf8') };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: fmt('link.badJson') };
  }
  // The validator (zod) is only needed for links with edits: it stays out of the first page's script.
  const { validateEditsV1 } = await import('./link-schema');
  return validateEditsV1(json);
}

/** The edits of the local draft `id`, validated as a v1 payload's; notes in the page that it was restored. */
async function decodeDraft(id: string): Promise<LinkResult<LinkEdits>> {
  const found = readDraft(id);
  if (!found) return { ok: false, error: fmt('draft.missing', { id }) };
  const { validateEditsV1 } = await import('./link-schema');
  const r = validateEditsV1(draftEdits(found.json));
  if (r.ok) shareUi.setState({ draftRestored: { savedAt: found.savedAt } });
  return r;
}

/** Decodes a location hash ("#v1=..." or "v1=..."); no edits when there is no hash. Never throws. */
export async function decodeEdits(hash: string): Promise<LinkResult<LinkEdits>> {
  try {
    const h = hash.replace(/^#/, '');
    if (h === '') return { ok: true, value: { yaml: null, execs: [] } };
    if (h.length > MAX_ENCODED + 16) {
      return { ok: false, error: fmt('link.tooLong', { length: h.length, max: MAX_ENCODED }) };
    }
    const draft = /^draft=([0-9a-f]{8,32})$/.exec(h);
    if (draft) return await decodeDraft(draft[1]!);
    const m = /^v(\d{1,6})=(.*)$/s.exec(h);
    if (!m) return { ok: false, error: fmt('link.unknown') };
    const version = Number(m[1]);
    if (version === 1) return await decodeV1(m[2]!);
    if (version > LINK_VERSION) return { ok: false, error: fmt('link.newer', { version }) };
    return { ok: false, error: fmt('link.unknown') };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

// --- the query: the selection ---------------------------------------------------------------------------------

const isPanel = (p: string): p is PanelId => (PANEL_IDS as readonly string[]).includes(p);

/** The simple selection from a query string; invalid fields are dropped. Never throws. */
export function parseQuery(search: string): Omit<LinkState, 'yaml' | 'execs'> {
  const q = new URLSearchParams(search.length > MAX_ENCODED ? search.slice(0, MAX_ENCODED) : search);
  const get = (k: string, re: RegExp): string | null => {
    const v = q.get(k);
    return v !== null && re.test(v) ? v : null;
  };
  const rawEvent = q.get('event');
  const rawStep = q.get('step');
  const step =
    rawEvent !== null && /^[1-9]\d{0,6}$/.test(rawEvent)
      ? Number(rawEvent) - 1
      : rawStep !== null && /^\d{1,7}$/.test(rawStep)
        ? Number(rawStep)
        : null;
  const hidden = (q.get('hide') ?? '')
    .split(',')
    .filter(isPanel)
    .filter((p, i, all) => all.indexOf(p) === i);
  const panel = q.get('panel');
  const embed = q.get('embed');
  return {
    scenario: get('s', ID_RE),
    flow: get('f', ID_RE),
    step,
    netns: get('ns', NETNS_RE),
    hidden,
    lang: get('lang', LANG_RE),
    embed: embed !== null && embed !== '0' && embed !== 'false',
    panel: panel !== null && isPanel(panel) ? panel : null,
  };
}

/** The query string for a selection, keeping parameters it does not own. */
export function formatQuery(search: string, s: Omit<LinkState, 'yaml' | 'execs'>): string {
  const q = new URLSearchParams(search);
  const set = (k: string, v: string | null) => {
    if (v === null || v === '') q.delete(k);
    else q.set(k, v);
  };
  set('s', s.scenario);
  set('f', s.flow);
  // New links number the event from 1; an old link's 0-based step is rewritten, not kept beside it.
  set('event', s.step === null ? null : String(s.step + 1));
  q.delete('step');
  set('ns', s.netns);
  set('hide', s.hidden.join(','));
  set('lang', s.lang);
  set('embed', s.embed ? '1' : null);
  set('panel', s.embed ? s.panel : null);
  const out = q.toString().replace(/%2C/g, ',');
  return out ? `?${out}` : '';
}

/** The whole state of a location. Never throws; `error` says why the edits were dropped. */
export async function decodeLocation(
  search: string,
  hash: string,
): Promise<{ state: LinkState; error: string | null }> {
  const base = parseQuery(search);
  const edits = await decodeEdits(hash);
  if (!edits.ok) return { state: { ...base, yaml: null, execs: [] }, error: edits.error };
  return { state: { ...base, ...edits.value }, error: null };
}

/** The full link for a state: `${origin}${pathname}?query#v1=...`. */
export async function encodeLocation(base: string, state: LinkState): Promise<string> {
  const query = formatQuery('', state);
  const hash = await encodeEdits(state);
  return `${base}${query}${hash ? `#${hash}` : ''}`;
}
