/**
 * The editor's text survives a reload even when it does not load yet: a valid text is in the link
 * (it becomes the scenario), but a text with an error would otherwise be lost. It is kept in
 * sessionStorage (this tab), one text per tab, with the scenario it belongs to and a fingerprint of
 * the scenario text it was edited from: it is offered back only on top of that same scenario.
 */
const KEY = 'packet-journey:editor-unparsed';

export interface Unparsed {
  scenarioId: string;
  /** fingerprint(scenarioText) when the editing started from it; 'builtin' for the built-in file. */
  base: string;
  text: string;
}

function storage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}

/** FNV-1a over the UTF-16 units, with the length: cheap for a megabyte and enough to tell texts apart. */
export function fingerprint(text: string | null): string {
  if (text === null) return 'builtin';
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return `${text.length}:${(h >>> 0).toString(16)}`;
}

export function saveUnparsed(u: Unparsed): void {
  try {
    storage()?.setItem(KEY, JSON.stringify(u));
  } catch {
    // Full or refused: the text lives until the tab reloads, as before.
  }
}

export function clearUnparsed(): void {
  try {
    storage()?.removeItem(KEY);
  } catch {
    // Nothing kept, nothing to clear.
  }
}

/** The text kept for this scenario, edited from `scenarioText`, if any. */
export function loadUnparsed(scenarioId: string, scenarioText: string | null): string | null {
  let u: Partial<Unparsed>;
  try {
    u = JSON.parse(storage()?.getItem(KEY) ?? 'null') as Partial<Unparsed>;
  } catch {
    return null;
  }
  if (!u || u.scenarioId !== scenarioId || typeof u.text !== 'string') return null;
  return u.base === fingerprint(scenarioText) && u.text !== scenarioText ? u.text : null;
}
