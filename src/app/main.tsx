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

startI18nSync(appStore);
startController(appStore, playbackActor, { opening: startLessons() });
installQuizGate(appStore, playbackActor);
syncClassroomUrl();
startChallenges(appStore);
installShortcuts(sendPlayback);
registerServiceWorker();
// The canvas's chunk downloads while the worker computes the first Trace, not after React mounts.
void loadCanvas();
warmLayouts(appStore);

/** The embed view is a chunk of its own: the full page never loads it. */
const EmbedApp = lazy(() => import('./embed/EmbedApp'));

const root = document.getElementById('root');
if (!root) throw new Error('#root element missing from index.html');
// After the link's language is in (at once for English), and as a transition, so React renders the
// first page in slices and the main thread stays free for input.
void initialLangReady.then(() =>
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
);
