/** Keyboard shortcuts for playback, ignored while typing in a field. */
import type { PlaybackEvent } from './machine';

export function shortcutFor(
  e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'> & { shiftKey?: boolean },
): PlaybackEvent | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  // Shift+Right / Shift+Left: one kernel event, whatever the granularity.
  if (e.shiftKey && e.key === 'ArrowRight') return { type: 'NEXT_EVENT' };
  if (e.shiftKey && e.key === 'ArrowLeft') return { type: 'PREV_EVENT' };
  switch (e.key) {
    case ' ':
    case 'Spacebar':
      return { type: 'TOGGLE' };
    case 'ArrowRight': // the next hop (or key moment, or event: the granularity says)
    case 'PageDown': // presentation clickers send PageDown / PageUp
      return { type: 'STEP_FORWARD' };
    case 'ArrowLeft':
    case 'PageUp':
      return { type: 'STEP_BACK' };
    case 'Home':
      return { type: 'FIRST' };
    case 'End':
      return { type: 'LAST' };
    case '+':
    case '=':
      return { type: 'FASTER' };
    case '-':
    case '_':
      return { type: 'SLOWER' };
    default:
      return null;
  }
}

/** Targets that own the keys themselves: text fields, selects, the scrubber, and buttons for Space. */
export function isTypingTarget(target: EventTarget | null, key: string): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT' || tag === 'INPUT') return true;
  if ((tag === 'BUTTON' || tag === 'SUMMARY' || tag === 'A') && (key === ' ' || key === 'Enter')) return true;
  return false;
}

export function installShortcuts(send: (e: PlaybackEvent) => void): () => void {
  const onKey = (e: KeyboardEvent) => {
    if (e.defaultPrevented || isTypingTarget(e.target, e.key)) return;
    const ev = shortcutFor(e);
    if (!ev) return;
    e.preventDefault();
    send(ev);
  };
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}
