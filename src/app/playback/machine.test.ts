import { createActor, initialTransition, SimulatedClock, transition } from 'xstate';
import { describe, expect, it } from 'vitest';
import { BASE_STEP_MS, playbackMachine } from './machine';

function loaded(steps: number, step?: number) {
  let [s] = initialTransition(playbackMachine);
  [s] = transition(playbackMachine, s, { type: 'LOAD', step });
  expect(s.value).toBe('loading');
  [s] = transition(playbackMachine, s, { type: 'LOADED', steps });
  return s;
}

describe('playback machine (pure transitions)', () => {
  it('starts idle, loads, and is ready at step 0', () => {
    const [s0] = initialTransition(playbackMachine);
    expect(s0.value).toBe('idle');
    const s = loaded(5);
    expect(s.value).toBe('ready');
    expect(s.context).toMatchObject({ step: 0, steps: 5 });
  });

  it('restores a pending step from LOAD, clamped to the trace', () => {
    expect(loaded(5, 3).context.step).toBe(3);
    expect(loaded(5, 99).value).toBe('finished');
    expect(loaded(5, -4).context.step).toBe(0);
  });

  it('steps forward and back, pausing, and finishes on the last step', () => {
    const path: string[] = [];
    let s = loaded(3);
    for (const type of ['STEP_FORWARD', 'STEP_FORWARD', 'STEP_BACK', 'STEP_FORWARD'] as const) {
      [s] = transition(playbackMachine, s, { type });
      path.push(`${String(s.value)}@${s.context.step}`);
    }
    expect(path).toEqual(['paused@1', 'finished@2', 'paused@1', 'finished@2']);
  });

  it('SEEK clamps, RESET returns to ready at 0, LAST finishes', () => {
    let s = loaded(10);
    [s] = transition(playbackMachine, s, { type: 'SEEK', step: 4 });
    expect([s.value, s.context.step]).toEqual(['paused', 4]);
    [s] = transition(playbackMachine, s, { type: 'RESET' });
    expect([s.value, s.context.step]).toEqual(['ready', 0]);
    [s] = transition(playbackMachine, s, { type: 'LAST' });
    expect([s.value, s.context.step]).toEqual(['finished', 9]);
    [s] = transition(playbackMachine, s, { type: 'PLAY' });
    expect([s.value, s.context.step]).toEqual(['playing', 0]);
  });

  it('FAILED goes to error; a new LOAD recovers', () => {
    let [s] = initialTransition(playbackMachine);
    [s] = transition(playbackMachine, s, { type: 'LOAD' });
    [s] = transition(playbackMachine, s, { type: 'FAILED', error: 'boom' });
    expect(s.value).toBe('error');
    expect(s.context.error).toBe('boom');
    [s] = transition(playbackMachine, s, { type: 'LOAD' });
    [s] = transition(playbackMachine, s, { type: 'LOADED', steps: 2 });
    expect(s.value).toBe('ready');
  });

  it('speed steps through the presets and stays within bounds', () => {
    let s = loaded(3);
    [s] = transition(playbackMachine, s, { type: 'FASTER' });
    expect(s.context.speed).toBe(2);
    for (let i = 0; i < 10; i++) [s] = transition(playbackMachine, s, { type: 'SLOWER' });
    expect(s.context.speed).toBe(0.25);
    [s] = transition(playbackMachine, s, { type: 'SPEED', speed: 4 });
    expect(s.context.speed).toBe(4);
  });
});

describe('playback machine (actor with a simulated clock)', () => {
  function start(steps: number) {
    const clock = new SimulatedClock();
    const actor = createActor(playbackMachine, { clock });
    const path: string[] = [];
    actor.subscribe((s) => path.push(`${String(s.value)}@${s.context.step}`));
    actor.start();
    actor.send({ type: 'LOAD' });
    actor.send({ type: 'LOADED', steps });
    return { clock, actor, path };
  }

  it('plays one step per tick and finishes at the end', () => {
    const { clock, actor, path } = start(4);
    actor.send({ type: 'PLAY' });
    expect(actor.getSnapshot().value).toBe('playing');
    clock.increment(BASE_STEP_MS - 1);
    expect(actor.getSnapshot().context.step).toBe(0);
    clock.increment(1);
    expect(actor.getSnapshot().context.step).toBe(1);
    clock.increment(BASE_STEP_MS);
    clock.increment(BASE_STEP_MS);
    expect(actor.getSnapshot().value).toBe('finished');
    expect(actor.getSnapshot().context.step).toBe(3);
    for (let i = 0; i < 5; i++) clock.increment(BASE_STEP_MS);
    expect(actor.getSnapshot().context.step).toBe(3);
    const distinct = path.filter((p, i) => p !== path[i - 1]);
    expect(distinct).toEqual([
      'idle@0',
      'loading@0',
      'ready@0',
      'playing@0',
      'playing@1',
      'playing@2',
      'finished@3',
    ]);
    actor.stop();
  });

  it('speed scales the timer; pause stops it', () => {
    const { clock, actor } = start(20);
    actor.send({ type: 'SPEED', speed: 2 });
    actor.send({ type: 'PLAY' });
    clock.increment(BASE_STEP_MS / 2);
    expect(actor.getSnapshot().context.step).toBe(1);
    actor.send({ type: 'SPEED', speed: 0.5 });
    clock.increment(BASE_STEP_MS);
    expect(actor.getSnapshot().context.step).toBe(1);
    clock.increment(BASE_STEP_MS);
    expect(actor.getSnapshot().context.step).toBe(2);
    actor.send({ type: 'PAUSE' });
    for (let i = 0; i < 5; i++) clock.increment(BASE_STEP_MS * 2);
    expect(actor.getSnapshot().value).toBe('paused');
    expect(actor.getSnapshot().context.step).toBe(2);
    actor.stop();
  });
});
