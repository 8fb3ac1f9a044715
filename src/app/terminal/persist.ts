/**
 * The terminal's scrollback and history survive a reload: kept in sessionStorage (this tab only),
 * per scenario, bounded (the newest lines and commands within MAX_CHARS). Nothing here throws:
 * storage that is missing, full or refused just means nothing is kept.
 */
export interface SavedLine {
  kind: 'input' | 'output' | 'error' | 'note';
  text: string;
}

export interface SavedTerminal {
  lines: SavedLine[];
  history: string[];
}

const PREFIX = 'packet-journey:terminal:';
/** Most characters kept per scenario (a `iptables-save` of a big world alone can be megabytes). */
export const MAX_CHARS = 200_000;
export const MAX_HISTORY = 200;

function storage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}

/** The newest lines (and commands) whose text fits in `max` characters; a longer last line is cut from its start. */
export function boundTerminal(t: SavedTerminal, max = MAX_CHARS): SavedTerminal {
  const history = t.history.slice(-MAX_HISTORY);
  let room = max - history.reduce((n, h) => n + h.length, 0);
  const lines: SavedLine[] = [];
  for (let i = t.lines.length - 1; i >= 0 && room > 0; i--) {
    const l = t.lines[i]!;
    lines.unshift(l.text.length <= room ? l : { kind: l.kind, text: l.text.slice(l.text.length - room) });
    room -= l.text.length;
  }
  return { lines, history };
}

export function saveTerminal(scenarioId: string, t: SavedTerminal): void {
  try {
    const s = storage();
    if (t.lines.length === 0 && t.history.length === 0) s?.removeItem(PREFIX + scenarioId);
    else s?.setItem(PREFIX + scenarioId, JSON.stringify(boundTerminal(t)));
  } catch {
    // Full or refused: the terminal simply starts empty after a reload.
  }
}

const KINDS = new Set(['input', 'output', 'error', 'note']);

/** What was saved for `scenarioId`, checked field by field (storage is input like any other). */
export function loadTerminal(scenarioId: string): SavedTerminal {
  const empty: SavedTerminal = { lines: [], history: [] };
  let json: unknown;
  try {
    const text = storage()?.getItem(PREFIX + scenarioId);
    if (!text) return empty;
    json = JSON.parse(text);
  } catch {
    return empty;
  }
  if (!json || typeof json !== 'object') return empty;
  const { lines, history } = json as { lines?: unknown; history?: unknown };
  const okLine = (l: unknown): l is SavedLine =>
    !!l &&
    typeof l === 'object' &&
    KINDS.has((l as SavedLine).kind) &&
    typeof (l as SavedLine).text === 'string';
  return boundTerminal({
    lines: Array.isArray(lines) ? lines.filter(okLine) : [],
    history: Array.isArray(history) ? history.filter((h): h is string => typeof h === 'string') : [],
  });
}
