/** Where a ScenarioError points: `FILE:LINE[:COL][ PATH]: MESSAGE` (the loader's format). */
export interface ErrorPlace {
  line: number;
  col: number | null;
  message: string;
}

export function parseErrorPlace(message: string): ErrorPlace | null {
  const m = /^[^\s:]+:(\d+)(?::(\d+))?(?::|\s)\s*(.*)$/s.exec(message.trim());
  if (!m) return null;
  const line = Number(m[1]);
  if (!Number.isSafeInteger(line) || line < 1) return null;
  return { line, col: m[2] ? Number(m[2]) : null, message: m[3]!.trim() || message };
}

/** Character offsets [from, to) of a 1-based line (and column) in `text`, clamped to the text. */
export function rangeOf(text: string, line: number, col: number | null): { from: number; to: number } {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return { from: text.length, to: text.length };
    start = nl + 1;
  }
  const endNl = text.indexOf('\n', start);
  const end = endNl < 0 ? text.length : endNl;
  const from = col !== null ? Math.min(end, start + Math.max(0, col - 1)) : start;
  return { from, to: Math.max(from, end) };
}
