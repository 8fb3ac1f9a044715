/**
 * A lesson's challenge checkpoint: the challenge's title and the button that opens it. A chunk of
 * its own: the built-in challenges are parsed from YAML when their catalog loads, and a lesson
 * whose checkpoint is a quiz (lesson 1, which a first visit opens) never needs them.
 */
import { challengeById } from '../challenge/catalog';
import { startChallenge } from '../challenge/run';
import { lessonText } from './texts';

const btn = 'rounded bg-sky-700 px-3 py-1 text-sm font-medium text-white hover:bg-sky-800';

export default function ChallengeCheckpoint({
  id,
  passed,
  lang,
}: {
  id: string;
  passed: boolean;
  lang: 'en' | 'zh-CN';
}) {
  const challenge = challengeById(id);
  return (
    <>
      <p className="text-sm">
        {lessonText(lang, 'challenge', {
          title: challenge ? (lang === 'zh-CN' ? challenge.title.zh : challenge.title.en) : id,
        })}
      </p>
      {!passed && challenge && (
        <button type="button" className={btn} onClick={() => void startChallenge(challenge)}>
          {lessonText(lang, 'takeChallenge')}
        </button>
      )}
    </>
  );
}
