/** A learner's quiz answers in the URL: `qa=<step>.<choice>,...` (small: it ships with the first page). */
export function formatAnswers(answers: Record<number, number>): string {
  return Object.entries(answers)
    .map(([s, c]) => `${s}.${c}`)
    .join(',');
}

export function parseAnswers(raw: string | null): Record<number, number> {
  const out: Record<number, number> = {};
  for (const part of (raw ?? '').split(',')) {
    const m = /^(\d+)\.(\d+)$/.exec(part);
    if (m) out[Number(m[1])] = Number(m[2]);
  }
  return out;
}
