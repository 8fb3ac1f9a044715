/**
 * The playback machine: which step of the Trace is shown, and whether it advances on its own.
 * The step is an event index, the one source of truth; the granularity (hops, key moments, every
 * event) decides where stepping and playing stop (stops.ts). Pure data (xstate v5); the timer is a
 * delayed transition scaled by the speed, so it can be driven by a SimulatedClock in tests.
 * The quiz's hold is a guard here too (gate.ts): every way forward (keys, clicker, scrubber, the
 * timer) stops in front of an unanswered question, whoever sends the event.
 */
import { assign, setup } from 'xstate';
import { frontier, type QuizGate } from './gate';
import { firstStop, hopAt, lastStop, nextStop, prevStop, type Granularity, type HopStop } from './stops';

export const SPEEDS = [0.25, 0.5, 1, 2, 4] as const;
/** Milliseconds per stop at speed 1: a whole ping (at most 28 hops) plays in 20 s. */
export const BASE_STEP_MS = 700;

export interface PlaybackContext {
  /** The event shown (index into trace.events). */
  step: number;
  /** Number of steps (events) in the loaded Trace. */
  steps: number;
  /** The Trace's hops (empty: every event is a stop). */
  hops: HopStop[];
  granularity: Granularity;
  /** Hops shown event by event (an expanded ARP resolution). */
  expanded: number[];
  speed: number;
  /** Step to show once the next LOADED arrives (from the URL, or kept across a new Trace); null: the first stop. */
  pendingStep: number | null;
  /** The quiz's unanswered questions (null: no quiz); no step forward passes the first one ahead. */
  gate: QuizGate;
  error?: string;
}

export type PlaybackEvent =
  | { type: 'LOAD'; step?: number }
  | { type: 'LOADED'; steps: number; step?: number; hops?: HopStop[] }
  | { type: 'FAILED'; error: string }
  | { type: 'PLAY' }
  | { type: 'PAUSE' }
  | { type: 'TOGGLE' }
  | { type: 'STEP_FORWARD' }
  | { type: 'STEP_BACK' }
  /** One event forward or back, whatever the granularity (Shift+Right / Shift+Left). */
  | { type: 'NEXT_EVENT' }
  | { type: 'PREV_EVENT' }
  | { type: 'GRANULARITY'; granularity: Granularity }
  /** Fold or unfold the ARP resolution at the current step (or hop `hop`). */
  | { type: 'EXPAND'; hop?: number }
  | { type: 'RESET' }
  | { type: 'FIRST' }
  | { type: 'LAST' }
  | { type: 'SEEK'; step: number }
  | { type: 'SPEED'; speed: number }
  | { type: 'FASTER' }
  | { type: 'SLOWER' }
  /** The quiz was turned on or off, answered, or its questions changed (a new Trace, more questions). */
  | { type: 'QUIZ_GATE'; gate: QuizGate };

const clamp = (step: number, steps: number): number =>
  Math.max(0, Math.min(Math.max(0, steps - 1), Number.isFinite(step) ? Math.trunc(step) : 0));

/** As far forward as the quiz lets the learner go from the current step. */
const limit = (c: PlaybackContext, to: number): number => Math.min(to, frontier(c.gate, c.step));

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
    atEnd: ({ context }) => context.steps > 0 && nextStop(context, context.step) === undefined,
    /** The quiz lets the learner past the current step. */
    mayAdvance: ({ context }) => context.step < frontier(context.gate, context.step),
    /** An unanswered question is next: playing stops here. */
    held: ({ context }) => context.step >= frontier(context.gate, context.step),
  },
  delays: {
    tick: ({ context }) => BASE_STEP_MS / context.speed,
  },
  actions: {
    // A step forward that would pass a question stops right in front of it.
    forward: assign({
      step: ({ context }) => limit(context, nextStop(context, context.step) ?? context.step),
    }),
    back: assign({ step: ({ context }) => prevStop(context, context.step) ?? context.step }),
    nextEvent: assign({ step: ({ context }) => limit(context, clamp(context.step + 1, context.steps)) }),
    prevEvent: assign({ step: ({ context }) => clamp(context.step - 1, context.steps) }),
    first: assign({ step: ({ context }) => firstStop(context) }),
    last: assign({ step: ({ context }) => limit(context, lastStop(context)) }),
    granularity: assign({
      granularity: ({ context, event }) =>
        event.type === 'GRANULARITY' ? event.granularity : context.granularity,
    }),
    expand: assign({
      expanded: ({ context, event }) => {
        if (event.type !== 'EXPAND') return context.expanded;
        const i = event.hop ?? hopAt(context.hops, context.step);
        if (context.hops[i]?.kind !== 'resolve') return context.expanded;
        return context.expanded.includes(i)
          ? context.expanded.filter((x) => x !== i)
          : [...context.expanded, i];
      },
    }),
    seek: assign({
      step: ({ context, event }) =>
        event.type === 'SEEK' ? limit(context, clamp(event.step, context.steps)) : context.step,
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
      const hops = event.hops ?? [];
      const want = event.step ?? context.pendingStep;
      const start = firstStop({ ...context, steps, hops, expanded: [] });
      return {
        steps,
        hops,
        expanded: [],
        step: want === null ? start : clamp(want, steps),
        pendingStep: null,
        error: undefined,
      };
    }),
    gate: assign({ gate: ({ context, event }) => (event.type === 'QUIZ_GATE' ? event.gate : context.gate) }),
    loading: assign({ pendingStep: ({ event }) => (event.type === 'LOAD' ? (event.step ?? null) : null) }),
    failed: assign({
      error: ({ event }) => (event.type === 'FAILED' ? event.error : undefined),
      steps: 0,
      step: 0,
    }),
  },
}).createMachine({
  id: 'playback',
  initial: 'idle',
  context: {
    step: 0,
    steps: 0,
    hops: [],
    granularity: 'hops',
    expanded: [],
    speed: 1,
    pendingStep: null,
    gate: null,
  },
  on: {
    // A loaded step (a link's, an edit's) is where the learner is: the questions behind it wait.
    LOAD: { target: '.loading', actions: 'loading' },
    QUIZ_GATE: { actions: 'gate' },
    // Neither changes the step: they change where the next one is.
    GRANULARITY: { actions: 'granularity' },
    EXPAND: { actions: 'expand' },
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
        PLAY: { guard: 'mayAdvance', target: 'playing' },
        TOGGLE: { guard: 'mayAdvance', target: 'playing' },
        STEP_FORWARD: { guard: 'mayAdvance', target: 'paused', actions: 'forward' },
        STEP_BACK: { target: 'paused', actions: 'back' },
        NEXT_EVENT: { guard: 'mayAdvance', target: 'paused', actions: 'nextEvent' },
        PREV_EVENT: { target: 'paused', actions: 'prevEvent' },
        SEEK: { target: 'paused', actions: 'seek' },
        FIRST: { target: 'ready', actions: 'first' },
        LAST: { target: 'paused', actions: 'last' },
        RESET: { target: 'ready', actions: 'first' },
      },
    },
    playing: {
      always: [
        { guard: 'atEnd', target: 'finished' },
        { guard: 'held', target: 'paused' },
      ],
      after: {
        tick: { target: 'playing', reenter: true, actions: 'forward' },
      },
      on: {
        PAUSE: 'paused',
        TOGGLE: 'paused',
        STEP_FORWARD: { guard: 'mayAdvance', target: 'paused', actions: 'forward' },
        STEP_BACK: { target: 'paused', actions: 'back' },
        NEXT_EVENT: { guard: 'mayAdvance', target: 'paused', actions: 'nextEvent' },
        PREV_EVENT: { target: 'paused', actions: 'prevEvent' },
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
        PLAY: { guard: 'mayAdvance', target: 'playing' },
        TOGGLE: { guard: 'mayAdvance', target: 'playing' },
        STEP_FORWARD: { guard: 'mayAdvance', actions: 'forward', target: 'paused', reenter: true },
        STEP_BACK: { actions: 'back' },
        NEXT_EVENT: { guard: 'mayAdvance', actions: 'nextEvent', target: 'paused', reenter: true },
        PREV_EVENT: { actions: 'prevEvent' },
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
        PREV_EVENT: { target: 'paused', actions: 'prevEvent' },
        // The hop's own events after its focus, or a finer granularity, may lie past the end.
        NEXT_EVENT: { guard: 'mayAdvance', target: 'paused', actions: 'nextEvent' },
        GRANULARITY: { target: 'paused', actions: 'granularity' },
        EXPAND: { target: 'paused', actions: 'expand' },
        SEEK: { target: 'paused', actions: 'seek' },
        FIRST: { target: 'paused', actions: 'first' },
        RESET: { target: 'ready', actions: 'first' },
      },
    },
    error: {},
  },
});

export type PlaybackStateName = 'idle' | 'loading' | 'ready' | 'playing' | 'paused' | 'finished' | 'error';
