/** Command history with Up/Down navigation, like a shell's. */
export interface History {
  entries: string[];
  /** Position while browsing: entries.length means "the line being typed". */
  cursor: number;
}

export const emptyHistory: History = { entries: [], cursor: 0 };

export function pushHistory(h: History, line: string): History {
  const entries = line && h.entries[h.entries.length - 1] !== line ? [...h.entries, line] : h.entries;
  return { entries, cursor: entries.length };
}

export function browse(h: History, dir: -1 | 1): { history: History; line: string } {
  const cursor = Math.max(0, Math.min(h.entries.length, h.cursor + dir));
  return { history: { ...h, cursor }, line: h.entries[cursor] ?? '' };
}
