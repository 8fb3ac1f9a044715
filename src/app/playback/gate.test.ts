import { createActor, initialTransition, SimulatedClock, transition } from 'xstate';
import { describe, expect, it } from 'vitest';
import { frontier, type QuizGate } from './gate';
import { BASE_STEP_MS, playbackMachine, type PlaybackEvent } from './machine';

describe('the quiz holds playback back', () => {
  it('stops just before the first unanswered question ahead', () => {
    expect(frontier([3, 7], -1)).toBe(2);
    expect(frontier([7], 2)).toBe(6);
    expect(frontier([], 0)).toBe(Number.POSITIVE_INFINITY);
    expect(frontier(null, 4)).toBe(Number.POSITIVE_INFINITY);
    // Until the questions are in, playback holds where it is.
    expect(frontier('loading', 4)).toBe(4);
  });
  it('turned on mid-journey, it holds before the next question ahead, not one already behind', () => {
    expect(frontier([3, 7], 5)).toBe(6);
    expect(frontier([3, 7], 7)).toBe(Number.POSITIVE_INFINITY);
    // Back before the earlier question, it is asked again.
    expect(frontier([3, 7], 1)).toBe(2);
  });
});

/** A 12-event Trace without hops (every event a stop), at `step`, the quiz asking at 3 and 7. */
function at(step: number, gate: QuizGate = [3, 7]) {
  let [s] = initialTransition(playbackMachine);
  [s] = transition(playbackMachine, s, { type: 'QUIZ_GATE', gate });
  [s] = transition(playbackMachine, s, { type: 'LOAD', step });
  [s] = transition(playbackMachine, s, { type: 'LOADED', steps: 12 });
  return s;
}
const send = (s: ReturnType<typeof at>, ...events: PlaybackEvent[]) => {
  for (const e of events) [s] = transition(playbackMachine, s, e);
  return s;
};
const where = (s: ReturnType<typeof at>) => `${String(s.value)}@${s.context.step}`;

describe('the playback machine obeys the quiz', () => {
  it('steps forward up to the question and no further', () => {
    expect(where(send(at(0), { type: 'STEP_FORWARD' }, { type: 'STEP_FORWARD' }))).toBe('paused@2');
    expect(where(send(at(2), { type: 'STEP_FORWARD' }))).toBe('ready@2');
    expect(where(send(at(2), { type: 'NEXT_EVENT' }))).toBe('ready@2');
    // Back is never held.
    expect(where(send(at(2), { type: 'STEP_BACK' }))).toBe('paused@1');
  });

  it('a step that would jump over the question stops in front of it', () => {
    const hops = [
      { first: 0, last: 1, focus: 1, kind: 'decision' as const, key: false },
      { first: 2, last: 5, focus: 5, kind: 'move' as const, key: false },
      { first: 6, last: 11, focus: 6, kind: 'decision' as const, key: false },
    ];
    let [s] = initialTransition(playbackMachine);
    s = send(s, { type: 'QUIZ_GATE', gate: [3] }, { type: 'LOAD' }, { type: 'LOADED', steps: 12, hops });
    expect(s.context.step).toBe(1);
    expect(where(send(s, { type: 'STEP_FORWARD' }))).toBe('paused@2');
  });

  it('seeking, End and the scrubber stop in front of the question', () => {
    expect(where(send(at(0), { type: 'SEEK', step: 9 }))).toBe('paused@2');
    expect(where(send(at(0), { type: 'LAST' }))).toBe('paused@2');
    // Answered, the next one holds.
    expect(where(send(at(0), { type: 'QUIZ_GATE', gate: [7] }, { type: 'LAST' }))).toBe('paused@6');
    expect(where(send(at(0), { type: 'QUIZ_GATE', gate: [] }, { type: 'LAST' }))).toBe('finished@11');
  });

  it('play does not start at the question; Space neither', () => {
    expect(where(send(at(2), { type: 'PLAY' }))).toBe('ready@2');
    expect(where(send(at(2), { type: 'TOGGLE' }))).toBe('ready@2');
    expect(where(send(at(1), { type: 'PLAY' }))).toBe('playing@1');
  });

  it('until the questions are in, nothing moves forward', () => {
    const s = at(4, 'loading');
    expect(where(send(s, { type: 'STEP_FORWARD' }))).toBe('ready@4');
    expect(where(send(s, { type: 'SEEK', step: 9 }))).toBe('paused@4');
    expect(where(send(s, { type: 'SEEK', step: 1 }))).toBe('paused@1');
  });

  it('a link to a later step opens there; the question ahead still holds', () => {
    const s = at(5);
    expect(where(s)).toBe('ready@5');
    expect(where(send(s, { type: 'LAST' }))).toBe('paused@6');
  });

  it('the timer plays up to the question and pauses there', () => {
    const clock = new SimulatedClock();
    const actor = createActor(playbackMachine, { clock }).start();
    actor.send({ type: 'QUIZ_GATE', gate: [3, 7] });
    actor.send({ type: 'LOAD' });
    actor.send({ type: 'LOADED', steps: 12 });
    actor.send({ type: 'PLAY' });
    for (let i = 0; i < 6; i++) clock.increment(BASE_STEP_MS);
    expect(where(actor.getSnapshot())).toBe('paused@2');
    // Answered: play goes on to the next question.
    actor.send({ type: 'QUIZ_GATE', gate: [7] });
    actor.send({ type: 'PLAY' });
    for (let i = 0; i < 10; i++) clock.increment(BASE_STEP_MS);
    expect(where(actor.getSnapshot())).toBe('paused@6');
    actor.stop();
  });

  it('turning the quiz on while playing pauses in front of the next question', () => {
    const clock = new SimulatedClock();
    const actor = createActor(playbackMachine, { clock }).start();
    actor.send({ type: 'LOAD' });
    actor.send({ type: 'LOADED', steps: 12 });
    actor.send({ type: 'PLAY' });
    clock.increment(BASE_STEP_MS);
    clock.increment(BASE_STEP_MS);
    expect(where(actor.getSnapshot())).toBe('playing@2');
    actor.send({ type: 'QUIZ_GATE', gate: [3] });
    expect(where(actor.getSnapshot())).toBe('paused@2');
    actor.stop();
  });
});
