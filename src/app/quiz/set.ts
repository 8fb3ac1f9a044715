/**
 * The question set of a Trace, computed once per Trace and setting. Version 1 is the first quiz
 * ("predict the next hop": recall of values), kept so that links made with it still open the same
 * questions; version 2 asks about mechanisms at the key moments. Loaded with the quiz, not the page.
 */
import type { Trace } from '../types';
import { mechanismQuestions, type MQuestion } from './mechanism';
import { questionsFor, type Question } from './questions';
import type { QuizVersion } from '../classroom/store';

const v1 = new WeakMap<Trace, Question[]>();
const v2 = new WeakMap<Trace, MQuestion[]>();
const v2more = new WeakMap<Trace, MQuestion[]>();

export function recallOf(trace: Trace): Question[] {
  let q = v1.get(trace);
  if (!q) v1.set(trace, (q = questionsFor(trace)));
  return q;
}

export function mechanismOf(trace: Trace, more: boolean): MQuestion[] {
  const cache = more ? v2more : v2;
  let q = cache.get(trace);
  if (!q) cache.set(trace, (q = mechanismQuestions(trace, { more })));
  return q;
}

/** The steps the quiz asks at, in order. */
export function quizSteps(trace: Trace, version: QuizVersion, more: boolean): { step: number }[] {
  return version === 1 ? recallOf(trace) : mechanismOf(trace, more);
}
