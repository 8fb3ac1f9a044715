/**
 * The story beside the canvas (on a phone, under the journey): the challenge, the lesson (or a first
 * visit's welcome), the quiz and the step's explanation. Its own component, subscribed to what it
 * shows: the lesson starting when the catalog opens it, a challenge or the quiz being turned on,
 * redraws this part alone, not the whole page (App).
 */
import { lazy, Suspense } from 'react';
import { ExplanationPanel } from '../panels/ExplanationPanel';
import { useChallenge } from '../challenge/store';
import { useClassroom } from '../classroom/store';
import { PATH } from '../curriculum/path';
import { WelcomeCard } from '../curriculum/Welcome';
import { useApp } from '../state/useApp';

/** The quiz is a chunk of its own, fetched when it is turned on. */
const LazyQuiz = lazy(() => import('../quiz/QuizPanel'));
export const QuizPanel = () => (
  <Suspense fallback={null}>
    <LazyQuiz />
  </Suspense>
);

/** A challenge is a chunk of its own too. */
const LazyChallenge = lazy(() => import('../challenge/ChallengePanel'));

/**
 * The lesson of a scenario on the guided path, with its checkpoint (and a first visit's welcome, which
 * is drawn before the chunk arrives: see Welcome.tsx).
 */
const LazyLesson = lazy(() => import('../curriculum/LessonCard'));

export function Story({ phone }: { phone: boolean }) {
  const quiz = useClassroom((s) => s.quiz);
  const presenter = useClassroom((s) => s.presenter);
  const challenge = useChallenge((s) => s.id !== null);
  const lesson = useApp((s) => s.scenarioId !== null && PATH.includes(s.scenarioId));
  return (
    <>
      {challenge && (
        <Suspense fallback={null}>
          <LazyChallenge />
        </Suspense>
      )}
      {!presenter &&
        (lesson ? (
          <Suspense fallback={phone ? null : <WelcomeCard />}>
            <LazyLesson welcomeHere={!phone} />
          </Suspense>
        ) : (
          // Before the catalog has opened lesson 1 on a first visit: the welcome, where its card goes.
          !phone && <WelcomeCard />
        ))}
      {quiz && !presenter && <QuizPanel />}
      <ExplanationPanel />
    </>
  );
}
