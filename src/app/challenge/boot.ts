/**
 * Challenges in the first page: the URL sync and a watcher. A link that names a challenge resumes
 * it once the page has its first journey; choosing another scenario ends it. The rest is lazy.
 */
import type { AppStoreApi } from '../state/store';
import { challengeStore, syncChallengeUrl } from './store';

export function startChallenges(store: AppStoreApi): () => void {
  const unsync = syncChallengeUrl();
  let pending = challengeStore.getState().id;
  const unsub = store.subscribe((s, prev) => {
    const id = challengeStore.getState().id;
    if (!id) return;
    if (pending && s.trace && !prev.trace) {
      const want = pending;
      pending = null;
      void import('./run').then((m) => m.resumeChallenge(want));
      return;
    }
    const world = challengeStore.getState().world;
    if (!pending && world && s.scenarioId !== prev.scenarioId && s.scenarioId !== world)
      challengeStore.setState({ id: null, hints: 0, custom: null, customParam: null, world: null });
  });
  return () => {
    unsync();
    unsub();
  };
}
