import { describe, expect, it } from 'vitest';
import { shortcutFor } from './keyboard';

const k = (key: string) => ({ key, ctrlKey: false, metaKey: false, altKey: false });

describe('keyboard shortcuts', () => {
  it('maps the documented keys', () => {
    expect(shortcutFor(k(' '))).toEqual({ type: 'TOGGLE' });
    expect(shortcutFor(k('ArrowLeft'))).toEqual({ type: 'STEP_BACK' });
    expect(shortcutFor(k('ArrowRight'))).toEqual({ type: 'STEP_FORWARD' });
    expect(shortcutFor(k('Home'))).toEqual({ type: 'FIRST' });
    expect(shortcutFor(k('End'))).toEqual({ type: 'LAST' });
    expect(shortcutFor(k('+'))).toEqual({ type: 'FASTER' });
    expect(shortcutFor(k('-'))).toEqual({ type: 'SLOWER' });
    expect(shortcutFor(k('x'))).toBeNull();
    // Presentation clickers.
    expect(shortcutFor(k('PageDown'))).toEqual({ type: 'STEP_FORWARD' });
    expect(shortcutFor(k('PageUp'))).toEqual({ type: 'STEP_BACK' });
    expect(shortcutFor({ ...k('ArrowLeft'), ctrlKey: true })).toBeNull();
    // Shift+arrows: one kernel event, whatever the granularity.
    expect(shortcutFor({ ...k('ArrowRight'), shiftKey: true })).toEqual({ type: 'NEXT_EVENT' });
    expect(shortcutFor({ ...k('ArrowLeft'), shiftKey: true })).toEqual({ type: 'PREV_EVENT' });
  });
});
