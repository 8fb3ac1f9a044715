/**
 * What opens over the page on demand: the class poll (the presenter's, and a student's phone opened
 * with ?poll=<code>) and the list of challenges, each a chunk of its own. Subscribed here, not in App,
 * so opening one redraws this part alone.
 */
import { lazy, Suspense } from 'react';
import { useChallenge } from '../challenge/store';
import { usePoll } from '../poll/store';

const LazyChallengeList = lazy(() => import('../challenge/ChallengeList'));
const LazyPollPresenter = lazy(() => import('../poll/PollPresenter'));
const LazyPollStudent = lazy(() => import('../poll/PollStudent'));

export function Overlays() {
  const challengeList = useChallenge((s) => s.listOpen);
  const polling = usePoll((s) => s.presenting);
  const pollCode = usePoll((s) => s.code);
  return (
    <>
      {(polling || pollCode) && (
        <Suspense fallback={null}>
          {pollCode ? <LazyPollStudent code={pollCode} /> : <LazyPollPresenter />}
        </Suspense>
      )}
      {challengeList && (
        <Suspense fallback={null}>
          <LazyChallengeList />
        </Suspense>
      )}
    </>
  );
}
