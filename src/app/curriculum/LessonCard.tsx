/**
 * The lesson beside the journey: its goal, what to watch for, the flows in order, and the
 * checkpoint that marks it done (the mechanism questions of one flow, or a challenge); on a first
 * visit, a welcome card above it. Lazy: loaded when a lesson's scenario is shown.
 */
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { solvedStore } from '../challenge/progress';
import { classroomStore, useClassroom } from '../classroom/store';
import { useT } from '../i18n';
import { scenarioText } from '../i18n/scenario';
import { sendPlayback } from '../playback/actor';
import { scoreOf } from '../quiz/MechanismQuiz';
import { mechanismOf } from '../quiz/set';
import { appStore } from '../state/store';
import { useApp } from '../state/useApp';
import { markLessonDone } from './GuidedPath';
import { lessonOf, LESSONS, PASS_SHARE, quizPassed, type Lesson } from './lessons';
import { lessonText } from './texts';
import { useLessonUi } from './welcome';
import { LESSON_FRAME, WelcomeBlock } from './Welcome';

/** The challenge's title and button: the challenges' catalog (YAML) loads only for a lesson that has one. */
const LazyChallengeCheckpoint = lazy(() => import('./ChallengeCheckpoint'));

const btn = 'rounded bg-sky-700 px-3 py-1 text-sm font-medium text-white hover:bg-sky-800';

function useCheckpoint(lesson: Lesson) {
  const trace = useApp((s) => s.trace);
  const flowId = useApp((s) => s.flowId);
  const scenarioId = useApp((s) => s.scenarioId);
  const scenarioEdited = useApp((s) => s.scenarioText !== null || s.execs.length > 0);
  const quiz = useClassroom((s) => s.quiz && s.quizVersion === 2 && !s.quizMore);
  const answers = useClassroom((s) => s.answers);
  const solved = useStore(solvedStore);
  const cp = lesson.checkpoint;
  const score = useMemo(() => {
    if (cp.kind !== 'quiz' || !quiz || !trace || scenarioEdited) return null;
    if (scenarioId !== lesson.scenario || flowId !== cp.flow || trace.flow !== cp.flow) return null;
    return scoreOf(mechanismOf(trace, false), answers);
  }, [cp, quiz, trace, scenarioEdited, scenarioId, flowId, lesson.scenario, answers]);
  const passed = cp.kind === 'challenge' ? solved.has(cp.id) : score !== null && quizPassed(score);
  useEffect(() => {
    if (passed) markLessonDone(lesson.scenario);
  }, [passed, lesson.scenario]);
  return { score, passed };
}

function Checkpoint({ lesson, lang }: { lesson: Lesson; lang: 'en' | 'zh-CN' }) {
  const { score, passed } = useCheckpoint(lesson);
  const cp = lesson.checkpoint;
  const total = score?.total ?? 0;
  return (
    <div className="space-y-1" data-testid="lesson-checkpoint" data-passed={passed ? 'yes' : 'no'}>
      <h3 className="text-sm font-semibold">{lessonText(lang, 'checkpoint')}</h3>
      {cp.kind === 'quiz' ? (
        <>
          <p className="text-sm">
            {lessonText(lang, 'quiz', {
              flow: cp.flow,
              pass: Math.ceil(total * PASS_SHARE) || '60%',
              total: total || '…',
            })}
          </p>
          {score && <p className="text-xs">{lessonText(lang, 'progress', { ...score })}</p>}
          {!score && !passed && (
            <button
              type="button"
              className={btn}
              onClick={() => {
                const s = appStore.getState();
                if (s.flowId !== cp.flow || s.execs.length > 0) s.selectScenario(lesson.scenario, cp.flow);
                classroomStore.getState().setQuiz(true);
                classroomStore.getState().setQuizMore(false);
                sendPlayback({ type: 'SEEK', step: 0 });
              }}
            >
              {lessonText(lang, 'takeQuiz')}
            </button>
          )}
        </>
      ) : (
        <Suspense fallback={null}>
          <LazyChallengeCheckpoint id={cp.id} passed={passed} lang={lang} />
        </Suspense>
      )}
      {passed && (
        <p
          role="status"
          className="text-sm font-semibold text-emerald-800 dark:text-emerald-200"
          data-testid="lesson-done"
        >
          {lessonText(lang, 'passed')}
        </p>
      )}
    </div>
  );
}

/** `welcomeHere`: the welcome sits at the card's top (the phone shows it on a card of its own above the journey). */
export default function LessonCard({ welcomeHere = true }: { welcomeHere?: boolean }) {
  const { lang } = useT();
  const scenarioId = useApp((s) => s.scenarioId);
  const flowId = useApp((s) => s.flowId);
  const catalog = useApp((s) => s.catalog);
  const welcome = useLessonUi((s) => s.welcome);
  // Open on a first visit, and it stays open when the welcome is dismissed.
  const [open, setOpen] = useState(welcome);
  const lesson = lessonOf(scenarioId);
  if (!lesson) return null;
  const n = LESSONS.indexOf(lesson) + 1;
  const info = catalog?.find((c) => c.id === lesson.scenario);
  const title = info ? scenarioText(info, lang).title : lesson.scenario;
  const loc = (l: { en: string; zh: string }) => (lang === 'zh-CN' ? l.zh : l.en);
  return (
    <section aria-labelledby="lesson-heading" data-testid="lesson" className={LESSON_FRAME}>
      {welcomeHere && <WelcomeBlock />}
      <h2 id="lesson-heading" className="text-sm font-semibold">
        {lessonText(lang, 'heading', { n, total: LESSONS.length, title })}
      </h2>
      <p className="text-sm">
        <strong>{lessonText(lang, 'goal')}:</strong> {loc(lesson.goal)}
      </p>
      <details open={open || welcome} onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary className="cursor-pointer text-sm font-medium">{lessonText(lang, 'details')}</summary>
        <div className="mt-1 space-y-2">
          <div>
            <h3 className="text-sm font-semibold">{lessonText(lang, 'watch')}</h3>
            <ul className="list-disc pl-5 text-sm">
              {lesson.watch.map((w, i) => (
                <li key={i}>{loc(w)}</li>
              ))}
            </ul>
          </div>
          <div>
            <h3 className="text-sm font-semibold">{lessonText(lang, 'flows')}</h3>
            <ol className="list-decimal pl-5 text-sm">
              {lesson.flows.map((f) => {
                const fi = info?.flows.find((x) => x.id === f);
                const label = fi ? (lang === 'zh-CN' && fi.zh ? fi.zh.title : fi.title) : f;
                return (
                  <li key={f}>
                    <button
                      type="button"
                      className="text-left underline"
                      aria-current={f === flowId ? 'step' : undefined}
                      onClick={() => appStore.getState().selectFlow(f)}
                    >
                      {label}
                    </button>
                    {f === flowId && <span className="text-xs"> · {lessonText(lang, 'current')}</span>}
                  </li>
                );
              })}
            </ol>
          </div>
          <Checkpoint lesson={lesson} lang={lang} />
        </div>
      </details>
    </section>
  );
}
