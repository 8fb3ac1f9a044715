/**
 * A first visit's welcome: what the page is, and the way into lesson 1. Small and in the first page
 * (not in the lazy lesson card), so React's first render draws it where the static shell in
 * index.html already painted it: the shell's copy is the page's largest text, and the page must not
 * flash it away while the lesson card's chunk arrives. shell.test.ts checks the two say the same.
 */
import { useT } from '../i18n';
import { appStore } from '../state/store';
import { PATH } from './path';
import { lessonText } from './texts';
import { dismissWelcome, useLessonUi } from './welcome';

/** The lesson card's frame: the welcome sits at its top. */
export const LESSON_FRAME =
  'shrink-0 space-y-2 rounded-lg border-2 border-sky-500 bg-sky-50 px-3 py-2 shadow-sm dark:bg-sky-950';

const btn = 'rounded bg-sky-700 px-3 py-1 text-sm font-medium text-white hover:bg-sky-800';

/** The welcome's heading, words and buttons, when this is a first visit (nothing otherwise). */
export function WelcomeBlock() {
  const { lang } = useT();
  const welcome = useLessonUi((s) => s.welcome);
  if (!welcome) return null;
  return (
    <div data-testid="welcome" className="space-y-1 border-b border-sky-300 pb-2">
      <h2 className="text-base font-bold">{lessonText(lang, 'welcome')}</h2>
      <p className="text-sm">{lessonText(lang, 'welcomeText', { total: PATH.length })}</p>
      <div className="flex gap-2">
        <button type="button" className={btn} onClick={dismissWelcome}>
          {lessonText(lang, 'start')}
        </button>
        <button
          type="button"
          className="rounded border border-sky-700 px-3 py-1 text-sm"
          onClick={() => {
            dismissWelcome();
            appStore.getState().selectScenario('flannel-host-gw', 'pod1-ping-pod3');
          }}
        >
          {lessonText(lang, 'explore')}
        </button>
      </div>
    </div>
  );
}

/** The welcome alone in the lesson card's frame: the phone's first card, and the card until its chunk is in. */
export function WelcomeCard() {
  const { lang } = useT();
  const welcome = useLessonUi((s) => s.welcome);
  if (!welcome) return null;
  return (
    <section aria-label={lessonText(lang, 'welcome')} className={LESSON_FRAME}>
      <WelcomeBlock />
    </section>
  );
}
