import { describe, expect, it } from 'vitest';
import { frontier, limitEvent } from './gate';
import type { Question } from './questions';

const q = (step: number): Question => ({
  step,
  kind: 'encap',
  prompt: 'quiz.q.encap',
  args: {},
  choices: [{ value: 'yes' }, { value: 'no' }],
  answer: 0,
});

describe('the quiz holds playback back', () => {
  it('stops just before the first unanswered question', () => {
    expect(frontier([q(3), q(7)], {})).toBe(2);
    expect(frontier([q(3), q(7)], { 3: 1 })).toBe(6);
    expect(frontier([q(3)], { 3: 0 })).toBe(Number.POSITIVE_INFINITY);
  });
  it('limits stepping, seeking, playing and the last step', () => {
    expect(limitEvent({ type: 'STEP_FORWARD' }, 2, 2)).toBeNull();
    expect(limitEvent({ type: 'STEP_FORWARD' }, 1, 2)).toEqual({ type: 'STEP_FORWARD' });
    expect(limitEvent({ type: 'SEEK', step: 9 }, 0, 2)).toEqual({ type: 'SEEK', step: 2 });
    expect(limitEvent({ type: 'LAST' }, 0, 2)).toEqual({ type: 'SEEK', step: 2 });
    expect(limitEvent({ type: 'LAST' }, 0, Number.POSITIVE_INFINITY)).toEqual({ type: 'LAST' });
    expect(limitEvent({ type: 'PLAY' }, 2, 2)).toBeNull();
    expect(limitEvent({ type: 'STEP_BACK' }, 2, 2)).toEqual({ type: 'STEP_BACK' });
  });
});

describe('turning the quiz on mid-journey', () => {
  it('holds before the next unanswered question ahead, not one already behind', () => {
    expect(frontier([q(3), q(7)], {}, 5)).toBe(6);
    expect(frontier([q(3), q(7)], {}, 7)).toBe(Number.POSITIVE_INFINITY);
    // Back before the earlier question, it is asked again.
    expect(frontier([q(3), q(7)], {}, 1)).toBe(2);
  });
});
