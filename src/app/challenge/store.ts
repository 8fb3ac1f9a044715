/**
 * Which challenge is on, how many hints are shown, and whether the list is open: small, in the
 * first page; everything else about challenges loads on demand. The challenge and its hints live
 * in the URL (`ch=<id>&chh=<n>`), beside the edits the share link already carries in its hash
 * (the challenge's world and the learner's commands), so a link reopens, and replays, the attempt.
 * A challenge a teacher wrote (id "custom") travels whole in `chy=`: its YAML, deflated, base64url.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { Challenge } from './challenge';

export interface ChallengeState {
  id: string | null;
  hints: number;
  listOpen: boolean;
  /** A challenge pasted by its author (id "custom"), not one of the built-in files. */
  custom: Challenge | null;
  /** That challenge's YAML as the link carries it (`chy=`), so the link opens it anywhere. */
  customParam: string | null;
  /** The scenario id of the challenge's world, once it is open (choosing another one ends the challenge). */
  world: string | null;
}

const ID_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;

type UrlPart = Pick<ChallengeState, 'id' | 'hints' | 'customParam'>;

const PARAM_RE = /^[A-Za-z0-9_-]{1,65536}$/;

export function parseChallengeUrl(search: string): UrlPart {
  const q = new URLSearchParams(search);
  const id = q.get('ch');
  const hints = Number(q.get('chh') ?? '0');
  const chy = q.get('chy');
  return {
    id: id !== null && ID_RE.test(id) ? id : null,
    hints: Number.isInteger(hints) && hints >= 0 && hints <= 20 ? hints : 0,
    customParam: id === 'custom' && chy !== null && PARAM_RE.test(chy) ? chy : null,
  };
}

export function formatChallengeUrl(search: string, s: UrlPart): string {
  const q = new URLSearchParams(search);
  if (s.id) q.set('ch', s.id);
  else q.delete('ch');
  if (s.id && s.hints > 0) q.set('chh', String(s.hints));
  else q.delete('chh');
  if (s.id === 'custom' && s.customParam) q.set('chy', s.customParam);
  else q.delete('chy');
  const out = q.toString().replace(/%2C/g, ',');
  return out ? `?${out}` : '';
}

export const challengeStore = createStore<ChallengeState>()(() => ({
  ...(typeof window === 'undefined'
    ? { id: null, hints: 0, customParam: null }
    : parseChallengeUrl(window.location.search)),
  listOpen: false,
  custom: null,
  world: null,
}));

export function useChallenge<T>(selector: (s: ChallengeState) => T): T {
  return useStore(challengeStore, selector);
}

/** Keeps the challenge in the URL. */
export function syncChallengeUrl(): () => void {
  return challengeStore.subscribe((s, prev) => {
    if (s.id === prev.id && s.hints === prev.hints && s.customParam === prev.customParam) return;
    const search = formatChallengeUrl(window.location.search, s);
    if (search !== window.location.search)
      window.history.replaceState(
        window.history.state,
        '',
        `${window.location.pathname}${search}${window.location.hash}`,
      );
  });
}
