import { lazy, StrictMode, startTransition, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import './index.css';
import { initialLangReady } from './i18n';
import { syncClassroomUrl } from './classroom/store';
import { startI18nSync } from './i18n/sync';
import { installQuizGate } from './quiz/gate';
import { startLessons } from './curriculum/welcome';
import { startChallenges } from './challenge/boot';
import { registerServiceWorker } from './offline/register';
import { App } from './layout/App';
import { loadCanvas, warmLayouts } from './layout/CanvasSlot';
import { isEmbed } from './embed/isEmbed';
import { playbackActor, sendPlayback } from './playback/actor';
import { installShortcuts } from './playback/keyboard';
import { startController } from './state/controller';
import { appStore } from './state/store';

/** Runs `f` in a task of its own, after those already queued: the boot below is three tasks, not one. */
const nextTask = (f: () => void) => setTimeout(f, 0);

// What must hear the store's first changes is installed at once (the catalog and the link are fetched
// and decoded from here on); drawing waits for the following tasks, so no single task does it all.
startI18nSync(appStore);
startController(appStore, playbackActor, { opening: startLessons() });
installQuizGate(appStore, playbackActor);
syncClassroomUrl();
startChallenges(appStore);
installShortcuts(sendPlayback);
warmLayouts(appStore);

/** The embed view is a chunk of its own: the full page never loads it. */
const EmbedApp = lazy(() => import('./embed/EmbedApp'));

const root = document.getElementById('root');
if (!root) throw new Error('#root element missing from index.html');

nextTask(() => {
  // The canvas's chunk downloads while the worker computes the first Trace, not after React mounts.
  void loadCanvas();
  registerServiceWorker();
  // After the link's language is in (at once for English), and as a transition, so React renders the
  // first page in slices and the main thread stays free for input.
  void initialLangReady.then(() =>
    nextTask(() =>
      startTransition(() => {
        createRoot(root).render(
          <StrictMode>
            {isEmbed(window.location.search) ? (
              <Suspense fallback={null}>
                <EmbedApp />
              </Suspense>
            ) : (
              <App />
            )}
          </StrictMode>,
        );
      }),
    ),
  );
});
