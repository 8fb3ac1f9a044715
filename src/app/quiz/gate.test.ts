import { readFileSync } from 'node:fs';
import { createActor } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import { loadScenario, traceFlow } from '../../engine';
import { classroomStore } from '../classroom/store';
import { playbackMachine } from '../playback/machine';
import { hopStops } from '../playback/stops';
import { createAppStore } from '../state/store';
import type { Trace } from '../types';
import { gatedSteps, installQuizGate } from './gate';
import { loadQuizSet } from './loader';

describe('the steps the quiz holds playback at', () => {
  it('are the questions not answered yet, in order', () => {
    const q = (step: number) => ({ step });
    expect(gatedSteps([q(3), q(7)], {})).toEqual([3, 7]);
    expect(gatedSteps([q(3), q(7)], { 3: 1 })).toEqual([7]);
    expect(gatedSteps([q(3)], { 3: 0 })).toEqual([]);
  });
});

describe('the quiz tells the playback machine', () => {
  afterEach(() => classroomStore.getState().setQuiz(false));

  it('turned on, answered and turned off, End goes as far as the quiz allows', async () => {
    const yaml = readFileSync('scenarios/flannel-vxlan.yaml', 'utf8');
    const trace = traceFlow(loadScenario(yaml, 'flannel-vxlan.yaml'), 'pod-a-ping-pod-b') as Trace;
    const store = createAppStore();
    const actor = createActor(playbackMachine).start();
    const stop = installQuizGate(store, actor);
    store.getState().setTrace(trace);
    actor.send({ type: 'LOAD' });
    actor.send({ type: 'LOADED', steps: trace.events.length, hops: hopStops(trace.hops ?? []) });
    const start = actor.getSnapshot().context.step;
    const end = () => {
      actor.send({ type: 'LAST' });
      return actor.getSnapshot().context.step;
    };

    classroomStore.getState().setQuiz(true);
    // Until the questions are in, nothing moves forward.
    if (actor.getSnapshot().context.gate === 'loading') expect(end()).toBe(start);
    const set = await loadQuizSet();
    await Promise.resolve();
    const { quizVersion, quizMore } = classroomStore.getState();
    const asked = set.quizSteps(trace, quizVersion, quizMore).map((q) => q.step);
    expect(actor.getSnapshot().context.gate).toEqual(asked);
    // A question at or before the first stop is behind the learner: it waits.
    const ahead = asked.filter((s) => s > start);
    expect(ahead.length).toBeGreaterThan(1);
    expect(end()).toBe(ahead[0]! - 1);

    classroomStore.getState().answer(ahead[0]!, 0);
    expect(end()).toBe(ahead[1]! - 1);

    classroomStore.getState().setQuiz(false);
    expect(end()).toBe(trace.events.length - 1);
    expect(actor.getSnapshot().value).toBe('finished');
    stop();
    actor.stop();
  }, 60_000);
});
