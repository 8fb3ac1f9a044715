/**
 * The quiz holds playback back: while a question about the next step is unanswered, the page
 * cannot step, seek or play past it. Pure `limitEvent` and `frontier` (tested) plus the wiring to the
 * stores; the questions themselves load with the quiz (loader.ts).
 */
import type { Actor } from 'xstate';
import { classroomStore } from '../classroom/store';
import type { PlaybackEvent, playbackMachine } from '../playback/machine';
import { setPlaybackGuard } from '../playback/actor';
import { nextStop } from '../playback/stops';
import type { AppStoreApi } from '../state/store';
import { loadQuizSet, quizSet } from './loader';

/**
 * The last step the learner may see: just before the first unanswered question ahead of `from`.
 * Questions behind the current step (the quiz was turned on mid-journey) wait until the learner
 * steps back before them.
 */
export function frontier(
  questions: readonly { step: number }[],
  answers: Record<number, number>,
  from = -1,
): number {
  const open = questions.find((q) => q.step > from && answers[q.step] === undefined);
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
    const { quiz, answers, quizVersion, quizMore } = classroomStore.getState();
    if (!quiz || !trace) return Number.POSITIVE_INFINITY;
    const step = actor.getSnapshot().context.step;
    // Until the questions are in (a chunk of their own), playback holds where it is.
    const set = quizSet();
    if (!set) return step;
    return frontier(set.quizSteps(trace, quizVersion, quizMore), answers, step);
  };
  setPlaybackGuard((e) => {
    const snap = actor.getSnapshot();
    const step = snap.context.step;
    const max = maxStep();
    if (e.type === 'TOGGLE') return snap.value === 'playing' ? e : limitEvent({ type: 'PLAY' }, step, max);
    return limitEvent(e, step, max, nextStop(snap.context, step) ?? step + 1);
  });
  // The questions load as soon as the quiz is on, so the first step forward already knows them.
  const load = (on: boolean) => {
    if (on) void loadQuizSet();
  };
  load(classroomStore.getState().quiz);
  const unsubQuiz = classroomStore.subscribe((s) => load(s.quiz));
  // Playing stops in front of a question.
  const sub = actor.subscribe((snap) => {
    if (snap.value === 'playing' && snap.context.step >= maxStep()) actor.send({ type: 'PAUSE' });
  });
  return () => {
    setPlaybackGuard(null);
    sub.unsubscribe();
    unsubQuiz();
  };
}
