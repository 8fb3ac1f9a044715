/**
 * The terminal's scrollback and command history, per scenario: switching scenario shows that
 * scenario's own (kept across a reload in sessionStorage), and every change is saved.
 */
import { useEffect, useState } from 'react';
import { emptyHistory, type History } from './history';
import { loadTerminal, saveTerminal, type SavedLine } from './persist';

export function useScrollback(scenarioId: string | null) {
  const [lines, setLines] = useState<SavedLine[]>([]);
  const [history, setHistory] = useState<History>(emptyHistory);
  // The scenario whose scrollback is shown: each scenario keeps its own, across a reload too.
  const [shownFor, setShownFor] = useState<string | null>(null);

  // Adjusted while rendering (not in an effect) so a switch never paints the other scenario's lines.
  if (scenarioId !== shownFor) {
    const saved = scenarioId ? loadTerminal(scenarioId) : { lines: [], history: [] };
    setShownFor(scenarioId);
    setLines(saved.lines);
    setHistory({ entries: saved.history, cursor: saved.history.length });
  }
  useEffect(() => {
    if (shownFor) saveTerminal(shownFor, { lines, history: history.entries });
  }, [shownFor, lines, history.entries]);

  return { lines, setLines, history, setHistory };
}
