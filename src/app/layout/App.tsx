/**
 * The page. On a desktop the canvas comes first: the header is one row, the canvas fills what the
 * column beside it leaves, the timeline sits under it; the column holds the explanation and the panel
 * that decided the step, then the others. In presenter mode the canvas and a caption fill the screen.
 * On a phone: the pickers, the vertical journey (the canvas one tap away), the explanation and the
 * panels, with the player sticky at the bottom.
 */
import { lazy, Suspense, useState } from 'react';
import { Timeline, Transport } from '../controls/Controls';
import { NotesRow, ScenarioBlurb } from '../picker/ScenarioPicker';
import { CanvasSlot } from './CanvasSlot';
import { WhenIdle } from './WhenIdle';
import { LinkNotice } from '../share/LinkNotice';
import { ShareWorkbench } from '../share/ShareWorkbench';
import { PresenterLayer } from '../classroom/PresenterLayer';
import { ChunkBoundary } from '../offline/ReloadOffer';
import { useClassroom } from '../classroom/store';
import { WelcomeCard } from '../curriculum/Welcome';
import { useT } from '../i18n';
import { PanelStateProvider } from '../state/panelState';
import { Caption, PresenterControls } from './Caption';
import { Header } from './Header';
import { Journey } from './Journey';
import { Overlays } from './Overlays';
import { QuizPanel, Story } from './Story';
import { PHONE, useMedia } from './useMedia';

/** The side column's panels: drawn when the browser is first idle, from a chunk of their own. */
const LazySidePanels = lazy(() => import('./SidePanels'));
const SidePanels = () => (
  <WhenIdle>
    <ChunkBoundary>
      <Suspense fallback={null}>
        <LazySidePanels />
      </Suspense>
    </ChunkBoundary>
  </WhenIdle>
);

/** The glossary's terms and dialog load when it is first opened, and stay (so it can close as a dialog does). */
const LazyGlossary = lazy(() => import('../glossary/GlossaryDialog'));
function Glossary() {
  const open = useClassroom((s) => s.glossaryOpen);
  const [opened, setOpened] = useState(open);
  if (open && !opened) setOpened(true);
  return opened ? (
    <ChunkBoundary>
      <Suspense fallback={null}>
        <LazyGlossary />
      </Suspense>
    </ChunkBoundary>
  ) : null;
}

const card = 'rounded-lg border border-slate-200 bg-white shadow-sm dark:border-slate-700 dark:bg-slate-900';

type View = 'journey' | 'canvas';

/** The phone's switch between the journey and the canvas. */
function ViewSwitch({ view, onChange }: { view: View; onChange(v: View): void }) {
  const { t } = useT();
  return (
    <div role="group" aria-label={t('layout.view')} className="flex gap-1">
      {(['journey', 'canvas'] as const).map((v) => (
        <button
          key={v}
          type="button"
          aria-pressed={view === v}
          onClick={() => onChange(v)}
          className={`h-10 flex-1 rounded-md border text-sm font-semibold ${
            view === v
              ? 'border-sky-700 bg-sky-700 text-white'
              : 'border-slate-300 bg-white text-slate-800 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100'
          }`}
        >
          {t(v === 'journey' ? 'layout.journey' : 'layout.canvas')}
        </button>
      ))}
    </div>
  );
}

/** The phone: the pickers, the vertical journey (the canvas one tap away), the story, the panels. */
function PhoneMain({ view, setView }: { view: View; setView(v: View): void }) {
  const presenter = useClassroom((s) => s.presenter);
  return (
    <main className="flex min-w-0 flex-col gap-2 p-2 pb-0">
      {/* A first visit greets before the journey (the static shell painted this card already). */}
      {!presenter && <WelcomeCard />}
      <NotesRow />
      <ScenarioBlurb />
      <ViewSwitch view={view} onChange={setView} />
      {view === 'journey' ? (
        <Journey />
      ) : (
        <div className="h-[70vh]">
          <CanvasSlot />
        </div>
      )}
      <Story phone />
      <SidePanels />
      <div className={`sticky bottom-0 z-20 -mx-2 mt-2 flex flex-col gap-1 px-2 py-1.5 ${card}`}>
        <Transport />
        <Timeline />
      </div>
    </main>
  );
}

/** A desktop: the canvas first, the timeline under it, the story and the panels in the column. */
function DesktopMain() {
  const presenterQuiz = useClassroom((s) => s.quiz && s.presenter);
  return (
    <main className="pj-main grid min-h-0 flex-1 grid-cols-1 gap-2 p-2 lg:grid-cols-[minmax(0,1fr)_clamp(18rem,24vw,28rem)]">
      <div className="pj-stage flex min-h-[28rem] min-w-0 flex-col gap-2 lg:min-h-0">
        <div className="relative min-h-0 flex-1">
          <CanvasSlot />
          <PresenterControls />
        </div>
        {/* The side column steps aside in presenter mode; a quiz comes with the caption. */}
        {presenterQuiz && <QuizPanel />}
        <Caption />
        <div className={`pj-timeline px-3 py-1 ${card}`}>
          <Timeline />
        </div>
      </div>
      <aside className="pj-side flex min-h-0 min-w-0 flex-col gap-2">
        <NotesRow />
        <ScenarioBlurb />
        <Story phone={false} />
        <SidePanels />
      </aside>
    </main>
  );
}

/**
 * The page's frame. It subscribes only to the language and the layout (phone or not): what changes
 * while the page is in use (the lesson, the quiz, a poll) is read by the part that shows it, so a
 * change redraws that part, not the whole page in one task.
 */
export function App() {
  // A language switch redraws the page: some panels read their words (fmt) without subscribing.
  useT();
  const phone = useMedia(PHONE);
  // Here, not in PhoneMain: the phone's choice outlives a turn to landscape and back.
  const [view, setView] = useState<View>('journey');
  return (
    <div className="pj-app flex min-h-dvh flex-col bg-slate-100 text-slate-900 lg:h-dvh lg:min-h-0 dark:bg-slate-950 dark:text-slate-100">
      <Header />
      <ShareWorkbench />
      <LinkNotice />
      <Glossary />
      <Overlays />
      <PresenterLayer />
      <PanelStateProvider>
        {phone ? <PhoneMain view={view} setView={setView} /> : <DesktopMain />}
      </PanelStateProvider>
    </div>
  );
}
