/**
 * The quiz's hold on playback, kept in the playback machine's context: the steps of the questions
 * not yet answered, 'loading' while the questions load (playback holds where it is), or null
 * without a quiz. Pure; the machine's guards ask `frontier` before any step forward.
 */
export type QuizGate = readonly number[] | 'loading' | null;

/**
 * The last step the learner may reach from `step`: just before the first unanswered question
 * ahead. Questions behind the step (the quiz turned on mid-journey, a link to a later step) wait
 * until the learner steps back before them.
 */
export function frontier(gate: QuizGate, step: number): number {
  if (gate === null) return Number.POSITIVE_INFINITY;
  if (gate === 'loading') return step;
  let open = Number.POSITIVE_INFINITY;
  for (const s of gate) if (s > step && s < open) open = s;
  return open - 1;
}

export function sameGate(a: QuizGate | undefined, b: QuizGate | undefined): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  return a.every((s, i) => s === b[i]);
}
