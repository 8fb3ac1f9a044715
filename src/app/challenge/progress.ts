/** Challenges solved on this device (localStorage), for the list and the lessons' checkpoints. */
import { createStore } from 'zustand/vanilla';

export const SOLVED_KEY = 'packet-journey.challenges.v1';

function load(): ReadonlySet<string> {
  try {
    const list: unknown = JSON.parse(window.localStorage.getItem(SOLVED_KEY) ?? '[]');
    return new Set(Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : []);
  } catch {
    return new Set();
  }
}

export const solvedStore = createStore<ReadonlySet<string>>()(() =>
  typeof window === 'undefined' ? new Set() : load(),
);

export function markSolved(id: string): void {
  if (solvedStore.getState().has(id)) return;
  const next = new Set(solvedStore.getState()).add(id);
  solvedStore.setState(next, true);
  try {
    window.localStorage.setItem(SOLVED_KEY, JSON.stringify([...next]));
  } catch {
    // Private mode: solved only for this visit.
  }
}
