/** The quiz beside the journey (a chunk of its own): the mechanism questions, or a first-quiz link's. */
import { useClassroom } from '../classroom/store';
import { MechanismQuiz } from './MechanismQuiz';
import { RecallQuiz } from './RecallQuiz';

export default function QuizPanel() {
  const version = useClassroom((s) => s.quizVersion);
  return version === 1 ? <RecallQuiz /> : <MechanismQuiz />;
}
