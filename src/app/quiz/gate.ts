/**
 * The quiz holds playback back: the playback machine keeps which steps are gated (a guard of its
 * own, playback/gate.ts); this tells it. Every change to the quiz goes through the classroom store
 * (turned on or off from the Classroom bar or a lesson, answered, reset, more questions) and a new
 * Trace through the app store; both are watched here, so the machine always knows. The questions
 * themselves load with the quiz (loader.ts).
 */
import type { Actor } from 'xstate';
import { classroomStore, type ClassroomState } from '../classroom/store';
import { sameGate, type QuizGate } from '../playback/gate';
import type { playbackMachine } from '../playback/machine';
import type { AppStoreApi } from '../state/store';
import type { Trace } from '../types';
import { loadQuizSet, quizSet } from './loader';

/** The steps of the questions not yet answered, in order. */
export function gatedSteps(
  questions: readonly { step: number }[],
  answers: Record<number, number>,
): number[] {
  return questions.filter((q) => answers[q.step] === undefined).map((q) => q.step);
}

/** The hold for the shown Trace: none without the quiz, 'loading' until its questions are in. */
export function quizGateOf(
  trace: Trace | null,
  c: Pick<ClassroomState, 'quiz' | 'answers' | 'quizVersion' | 'quizMore'>,
): QuizGate {
  if (!c.quiz || !trace) return null;
  const set = quizSet();
  if (!set) return 'loading';
  return gatedSteps(set.quizSteps(trace, c.quizVersion, c.quizMore), c.answers);
}

export function installQuizGate(store: AppStoreApi, actor: Actor<typeof playbackMachine>): () => void {
  let sent: QuizGate | undefined;
  const update = () => {
    const gate = quizGateOf(store.getState().trace, classroomStore.getState());
    // The questions load as soon as the quiz is on, so the first step forward already knows them.
    if (gate === 'loading') void loadQuizSet().then(update);
    if (sameGate(gate, sent)) return;
    sent = gate;
    actor.send({ type: 'QUIZ_GATE', gate });
  };
  update();
  const unsubClassroom = classroomStore.subscribe(update);
  // A new Trace's questions reach the machine before the Trace's LOADED does (setTrace comes first).
  const unsubApp = store.subscribe((s, prev) => {
    if (s.trace !== prev.trace) update();
  });
  return () => {
    unsubClassroom();
    unsubApp();
  };
}
