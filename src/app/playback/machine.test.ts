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

describe('playback by hop', () => {
  // Three hops: a decision (events 0-2, shown at 2), a folded ARP resolution (3-6, shown at 6),
  // a move with a key moment (7-8, shown at 8), and a last decision (9-11) whose stop is the
  // journey's last event (11), not its focus: the journey ends where the Trace ends.
  const hops = [
    { first: 0, last: 2, focus: 2, kind: 'decision' as const, key: false },
    { first: 3, last: 6, focus: 6, kind: 'resolve' as const, key: false },
    { first: 7, last: 8, focus: 8, kind: 'move' as const, key: true },
    { first: 9, last: 11, focus: 10, kind: 'decision' as const, key: false },
  ];
  function withHops(step?: number) {
    let [s] = initialTransition(playbackMachine);
    [s] = transition(playbackMachine, s, { type: 'LOAD', ...(step !== undefined ? { step } : {}) });
    [s] = transition(playbackMachine, s, { type: 'LOADED', steps: 12, hops });
    return s;
  }
  const go = (
    s: ReturnType<typeof withHops>,
    type: 'STEP_FORWARD' | 'STEP_BACK' | 'NEXT_EVENT' | 'PREV_EVENT',
  ) => transition(playbackMachine, s, { type })[0];

  it('starts at the first hop and steps hop by hop, an ARP resolution being one step', () => {
    let s = withHops();
    expect([s.context.granularity, s.context.step]).toEqual(['hops', 2]);
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) seen.push((s = go(s, 'STEP_FORWARD')).context.step);
    expect(seen).toEqual([6, 8, 11]);
    expect(s.value).toBe('finished');
    expect(go(s, 'STEP_BACK').context.step).toBe(8);
  });

  it('a link step is kept as is, between stops too; the next step goes to the next hop', () => {
    const s = withHops(4);
    expect(s.context.step).toBe(4);
    expect(go(s, 'STEP_FORWARD').context.step).toBe(6);
    expect(go(s, 'STEP_BACK').context.step).toBe(2);
  });

  it('Shift+arrows move one event whatever the granularity', () => {
    let s = withHops();
    s = go(s, 'NEXT_EVENT');
    expect(s.context.step).toBe(3);
    s = go(go(s, 'PREV_EVENT'), 'PREV_EVENT');
    expect(s.context.step).toBe(1);
  });

  it('key moments stop at the first hop, each key moment and the last hop', () => {
    let s = withHops();
    [s] = transition(playbackMachine, s, { type: 'GRANULARITY', granularity: 'key' });
    expect(s.context.step).toBe(2);
    expect((s = go(s, 'STEP_FORWARD')).context.step).toBe(8);
    expect((s = go(s, 'STEP_FORWARD')).context.step).toBe(11);
    [s] = transition(playbackMachine, s, { type: 'GRANULARITY', granularity: 'events' });
    expect(go(s, 'STEP_BACK').context.step).toBe(10);
  });

  it('an expanded ARP resolution is stepped event by event, and folds back', () => {
    let s = withHops();
    s = go(s, 'STEP_FORWARD');
    [s] = transition(playbackMachine, s, { type: 'EXPAND' });
    expect(s.context.expanded).toEqual([1]);
    expect(go(s, 'STEP_BACK').context.step).toBe(5);
    s = go(go(go(s, 'STEP_BACK'), 'STEP_BACK'), 'STEP_BACK');
    expect(s.context.step).toBe(3);
    [s] = transition(playbackMachine, s, { type: 'EXPAND' });
    expect(s.context.expanded).toEqual([]);
    // EXPAND on a hop that is not a resolution does nothing.
    [s] = transition(playbackMachine, s, { type: 'EXPAND', hop: 0 });
    expect(s.context.expanded).toEqual([]);
  });

  it('plays one hop per tick', () => {
    const clock = new SimulatedClock();
    const actor = createActor(playbackMachine, { clock }).start();
    actor.send({ type: 'LOAD' });
    actor.send({ type: 'LOADED', steps: 12, hops });
    actor.send({ type: 'PLAY' });
    clock.increment(BASE_STEP_MS);
    expect(actor.getSnapshot().context.step).toBe(6);
    clock.increment(BASE_STEP_MS);
    expect(actor.getSnapshot().context.step).toBe(8);
    clock.increment(BASE_STEP_MS);
    expect(actor.getSnapshot().value).toBe('finished');
    expect(actor.getSnapshot().context.step).toBe(11);
    actor.stop();
  });
});

describe('a whole ping plays at 1x in at most 20 s', () => {
  it('for every catalog ping flow, hops x the tick fit in 20 s', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { loadScenario, traceFlow } = await import('../../engine');
    for (const f of readdirSync('scenarios').filter((x) => x.endsWith('.yaml'))) {
      const s = loadScenario(readFileSync(`scenarios/${f}`, 'utf8'), f);
      for (const flow of s.flows.filter((x) => /^ping\b/.test(x.command))) {
        const t = traceFlow(s, flow.id);
        expect([flow.id, t.hops.length * BASE_STEP_MS <= 20_000]).toEqual([flow.id, true]);
      }
    }
  }, 60_000);
});
