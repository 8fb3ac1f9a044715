/**
 * The playback machine: which step of the Trace is shown, and whether it advances on its own.
 * Pure data (xstate v5); the timer is a delayed transition scaled by the speed, so it can be
 * driven by a SimulatedClock in tests.
 */
import { assign, setup } from 'xstate';

export const SPEEDS = [0.25, 0.5, 1, 2, 4] as const;
/** Milliseconds per step at speed 1. */
export const BASE_STEP_MS = 700;

export interface PlaybackContext {
  step: number;
  /** Number of steps (events) in the loaded Trace. */
  steps: number;
  speed: number;
  /** Step to show once the next LOADED arrives (from the URL). */
  pendingStep: number;
  error?: string;
}

export type PlaybackEvent =
  | { type: 'LOAD'; step?: number }
  | { type: 'LOADED'; steps: number; step?: number }
  | { type: 'FAILED'; error: string }
  | { type: 'PLAY' }
  | { type: 'PAUSE' }
  | { type: 'TOGGLE' }
  | { type: 'STEP_FORWARD' }
  | { type: 'STEP_BACK' }
  | { type: 'RESET' }
  | { type: 'FIRST' }
  | { type: 'LAST' }
  | { type: 'SEEK'; step: number }
  | { type: 'SPEED'; speed: number }
  | { type: 'FASTER' }
  | { type: 'SLOWER' };

const clamp = (step: number, steps: number): number =>
  Math.max(0, Math.min(Math.max(0, steps - 1), Number.isFinite(step) ? Math.trunc(step) : 0));

const nextSpeed = (speed: number, dir: 1 | -1): number => {
  const i = SPEEDS.findIndex((s) => s >= speed);
  const at = i < 0 ? SPEEDS.length - 1 : i;
  return SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, at + dir))]!;
};

export const playbackMachine = setup({
  types: {
    context: {} as PlaybackContext,
    events: {} as PlaybackEvent,
  },
  guards: {
    atEnd: ({ context }) => context.steps > 0 && context.step >= context.steps - 1,
  },
  delays: {
    tick: ({ context }) => BASE_STEP_MS / context.speed,
  },
  actions: {
    forward: assign({ step: ({ context }) => clamp(context.step + 1, context.steps) }),
    back: assign({ step: ({ context }) => clamp(context.step - 1, context.steps) }),
    first: assign({ step: 0 }),
    last: assign({ step: ({ context }) => clamp(context.steps - 1, context.steps) }),
    seek: assign({
      step: ({ context, event }) => (event.type === 'SEEK' ? clamp(event.step, context.steps) : context.step),
    }),
    speed: assign({
      speed: ({ context, event }) => {
        if (event.type === 'SPEED') return event.speed > 0 ? event.speed : context.speed;
        if (event.type === 'FASTER') return nextSpeed(context.speed, 1);
        if (event.type === 'SLOWER') return nextSpeed(context.speed, -1);
        return context.speed;
      },
    }),
    loaded: assign(({ context, event }) => {
      if (event.type !== 'LOADED') return {};
      const steps = Math.max(0, event.steps);
      return {
        steps,
        step: clamp(event.step ?? context.pendingStep, steps),
        pendingStep: 0,
        error: undefined,
      };
    }),
    loading: assign({ pendingStep: ({ event }) => (event.type === 'LOAD' ? (event.step ?? 0) : 0) }),
    failed: assign({
      error: ({ event }) => (event.type === 'FAILED' ? event.error : undefined),
      steps: 0,
      step: 0,
    }),
  },
}).createMachine({
  id: 'playback',
  initial: 'idle',
  context: { step: 0, steps: 0, speed: 1, pendingStep: 0 },
  on: {
    LOAD: { target: '.loading', actions: 'loading' },
    SPEED: { actions: 'speed' },
    FASTER: { actions: 'speed' },
    SLOWER: { actions: 'speed' },
  },
  states: {
    idle: {
      on: { LOADED: { target: 'ready', actions: 'loaded' } },
    },
    loading: {
      on: {
        LOADED: { target: 'ready', actions: 'loaded' },
        FAILED: { target: 'error', actions: 'failed' },
      },
    },
    ready: {
      always: { guard: 'atEnd', target: 'finished' },
      on: {
        PLAY: 'playing',
        TOGGLE: 'playing',
        STEP_FORWARD: { target: 'paused', actions: 'forward' },
        STEP_BACK: { target: 'paused', actions: 'back' },
        SEEK: { target: 'paused', actions: 'seek' },
        FIRST: { target: 'ready', actions: 'first' },
        LAST: { target: 'paused', actions: 'last' },
        RESET: { target: 'ready', actions: 'first' },
      },
    },
    playing: {
      always: { guard: 'atEnd', target: 'finished' },
      after: {
        tick: { target: 'playing', reenter: true, actions: 'forward' },
      },
      on: {
        PAUSE: 'paused',
        TOGGLE: 'paused',
        STEP_FORWARD: { target: 'paused', actions: 'forward' },
        STEP_BACK: { target: 'paused', actions: 'back' },
        SEEK: { target: 'playing', reenter: true, actions: 'seek' },
        FIRST: { target: 'playing', reenter: true, actions: 'first' },
        LAST: { target: 'paused', actions: 'last' },
        RESET: { target: 'ready', actions: 'first' },
        // A new speed restarts the timer so it takes effect at once.
        SPEED: { target: 'playing', reenter: true, actions: 'speed' },
        FASTER: { target: 'playing', reenter: true, actions: 'speed' },
        SLOWER: { target: 'playing', reenter: true, actions: 'speed' },
      },
    },
    paused: {
      always: { guard: 'atEnd', target: 'finished' },
      on: {
        PLAY: 'playing',
        TOGGLE: 'playing',
        STEP_FORWARD: { actions: 'forward', target: 'paused', reenter: true },
        STEP_BACK: { actions: 'back' },
        SEEK: { actions: 'seek', target: 'paused', reenter: true },
        FIRST: { actions: 'first' },
        LAST: { actions: 'last', target: 'paused', reenter: true },
        RESET: { target: 'ready', actions: 'first' },
      },
    },
    finished: {
      on: {
        // Playing again from the end starts over.
        PLAY: { target: 'playing', actions: 'first' },
        TOGGLE: { target: 'playing', actions: 'first' },
        STEP_BACK: { target: 'paused', actions: 'back' },
        SEEK: { target: 'paused', actions: 'seek' },
        FIRST: { target: 'paused', actions: 'first' },
        RESET: { target: 'ready', actions: 'first' },
      },
    },
    error: {},
  },
});

export type PlaybackStateName = 'idle' | 'loading' | 'ready' | 'playing' | 'paused' | 'finished' | 'error';
