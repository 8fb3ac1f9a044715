/**
 * The quiz holds playback back: while a question about the next step is unanswered, the page
 * cannot step, seek or play past it. Pure `limitEvent` (tested) plus the wiring to the stores.
 */
import type { Actor } from 'xstate';
import { classroomStore } from '../classroom/store';
import type { PlaybackEvent, playbackMachine } from '../playback/machine';
import { setPlaybackGuard } from '../playback/actor';
import { nextStop } from '../playback/stops';
import type { AppStoreApi } from '../state/store';
import type { Trace } from '../types';
import { questionsFor, type Question } from './questions';

const cache = new WeakMap<Trace, Question[]>();

/** The questions of a trace, computed once per trace. */
export function quizOf(trace: Trace): Question[] {
  let q = cache.get(trace);
  if (!q) cache.set(trace, (q = questionsFor(trace)));
  return q;
}

/** The last step the learner may see: just before the first unanswered question. */
export function frontier(questions: Question[], answers: Record<number, number>): number {
  const open = questions.find((q) => answers[q.step] === undefined);
  return open ? open.step - 1 : Number.POSITIVE_INFINITY;
}

/**
 * `next` is where a step forward would land (the next hop's stop); when that lies past the
 * question, the step stops right in front of it instead.
 */
export function limitEvent(
  e: PlaybackEvent,
  step: number,
  max: number,
  next = step + 1,
): PlaybackEvent | null {
  switch (e.type) {
    case 'STEP_FORWARD':
      if (next <= max) return e;
      return step < max ? { type: 'SEEK', step: max } : null;
    case 'NEXT_EVENT':
      return step + 1 > max ? null : e;
    case 'LAST':
      return Number.isFinite(max) ? { type: 'SEEK', step: max } : e;
    case 'SEEK':
      return e.step > max ? { type: 'SEEK', step: max } : e;
    case 'PLAY':
      return step >= max ? null : e;
    default:
      return e;
  }
}

export function installQuizGate(store: AppStoreApi, actor: Actor<typeof playbackMachine>): () => void {
  const maxStep = (): number => {
    const { trace } = store.getState();
    const { quiz, answers } = classroomStore.getState();
    if (!quiz || !trace) return Number.POSITIVE_INFINITY;
    return frontier(quizOf(trace), answers);
  };
  setPlaybackGuard((e) => {
    const snap = actor.getSnapshot();
    const step = snap.context.step;
    const max = maxStep();
    if (e.type === 'TOGGLE') return snap.value === 'playing' ? e : limitEvent({ type: 'PLAY' }, step, max);
    return limitEvent(e, step, max, nextStop(snap.context, step) ?? step + 1);
  });
  // Playing stops in front of a question.
  const sub = actor.subscribe((snap) => {
    if (snap.value === 'playing' && snap.context.step >= maxStep()) actor.send({ type: 'PAUSE' });
  });
  return () => {
    setPlaybackGuard(null);
    sub.unsubscribe();
  };
}
