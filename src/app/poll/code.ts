/**
 * A class poll's short code: which scenario, flow and question, in a few characters a class can
 * type or read off the projector. It names positions in the catalog (sorted ids, the same on every
 * copy of the site) and the question's step, in base 36: "7.0.p" is scenario 7, flow 0, step 25.
 * No server: every phone recomputes the same question from the same Trace.
 */
export interface PollTarget {
  scenario: string;
  flow: string;
  step: number;
}

const CODE_RE = /^([0-9a-z]{1,3})\.([0-9a-z]{1,2})\.([0-9a-z]{1,4})$/;

export function encodePoll(catalog: { id: string; flows: { id: string }[] }[], t: PollTarget): string | null {
  const si = catalog.findIndex((c) => c.id === t.scenario);
  const fi = si < 0 ? -1 : catalog[si]!.flows.findIndex((f) => f.id === t.flow);
  if (si < 0 || fi < 0 || t.step < 0) return null;
  return `${si.toString(36)}.${fi.toString(36)}.${t.step.toString(36)}`;
}

export function decodePoll(
  catalog: { id: string; flows: { id: string }[] }[],
  code: string,
): PollTarget | null {
  const m = CODE_RE.exec(code.trim().toLowerCase());
  if (!m) return null;
  const s = catalog[parseInt(m[1]!, 36)];
  const f = s?.flows[parseInt(m[2]!, 36)];
  if (!s || !f) return null;
  return { scenario: s.id, flow: f.id, step: parseInt(m[3]!, 36) };
}

/** Letters for choices, as a class raises hands for them. */
export const LETTERS = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
