/**
 * The class poll: the presenter's poll (open or not) and, on a student's phone, the code from the
 * link (`?poll=<code>`). Small; the poll UI is lazy. No server and no third-party request: the
 * phones recompute the question, the teacher enters a show-of-hands tally, and tabs of one
 * browser can also vote over a BroadcastChannel.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';

export interface PollState {
  presenting: boolean;
  /** A student's view: the code of the poll to answer. */
  code: string | null;
}

export const pollStore = createStore<PollState>()(() => ({
  presenting: false,
  code:
    typeof window === 'undefined'
      ? null
      : (new URLSearchParams(window.location.search).get('poll')?.slice(0, 16) ?? null),
}));

export function usePoll<T>(selector: (s: PollState) => T): T {
  return useStore(pollStore, selector);
}

export const pollChannel = (code: string) => `packet-journey-poll-${code}`;
