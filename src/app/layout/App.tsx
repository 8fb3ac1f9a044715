/** The page: header with pickers; canvas and controls; the step's story; the tables and tools. */
import { Controls } from '../controls/Controls';
import { CapturePanel } from '../panels/CapturePanel';
import { EventLogPanel } from '../panels/EventLogPanel';
import { ExplanationPanel } from '../panels/ExplanationPanel';
import { HeaderStackPanel } from '../panels/HeaderStackPanel';
import { ConntrackPanel } from '../panels/ConntrackPanel';
import { IptablesPanel } from '../panels/IptablesPanel';
import { FdbPanel, NeighborsPanel, RoutesPanel } from '../panels/tablePanels';
import { LabButton } from '../lab/LabButton';
import { ScenarioPicker } from '../picker/ScenarioPicker';
import { Terminal } from '../terminal/Terminal';
import { CanvasSlot } from './CanvasSlot';
import { WhenIdle } from './WhenIdle';
import { ChangesPanel } from '../share/ChangesPanel';
import { ShareToolbar } from '../share/ShareToolbar';
import { ShareWorkbench } from '../share/ShareWorkbench';
import { ClassroomBar, PresenterLayer } from '../classroom/ClassroomBar';
import { useClassroom } from '../classroom/store';
import { GuidedPath } from '../curriculum/GuidedPath';
import { GlossaryDialog } from '../glossary/GlossaryDialog';
import { useT } from '../i18n';
import { LanguageSelect } from '../i18n/LanguageSelect';
import { QuizPanel } from '../quiz/QuizPanel';
import { PanelStateProvider } from '../state/panelState';

export function App() {
  const { t } = useT();
  const quiz = useClassroom((s) => s.quiz);
  return (
    <div className="min-h-screen bg-slate-100 text-slate-900 dark:bg-slate-950 dark:text-slate-100">
      <header className="flex flex-wrap items-center gap-x-6 gap-y-1 border-b border-slate-200 bg-white px-4 py-2 dark:border-slate-800 dark:bg-slate-900">
        <h1 className="text-xl font-bold tracking-tight whitespace-nowrap">{t('app.title')}</h1>
        <ScenarioPicker />
        <div data-presenter-hide="">
          <LabButton />
        </div>
        <div data-presenter-hide="">
          <ShareToolbar />
        </div>
        <GuidedPath />
        <ClassroomBar />
        <LanguageSelect />
      </header>
      <ShareWorkbench />
      <GlossaryDialog />
      <PresenterLayer />
      <PanelStateProvider>
        <main className="grid grid-cols-1 gap-3 p-3 xl:grid-cols-[minmax(0,1fr)_minmax(0,27rem)]">
          <div className="flex min-w-0 flex-col gap-3">
            <div className="h-[50vh] min-h-72">
              <CanvasSlot />
            </div>
            <Controls />
          </div>
          <div className="relative min-h-[24rem] min-w-0">
            <div className={`flex flex-col gap-3 ${quiz ? '' : 'xl:absolute xl:inset-0'}`}>
              {quiz && <QuizPanel />}
              <ExplanationPanel />
              <HeaderStackPanel />
              <CapturePanel />
            </div>
          </div>
          {/* Below the fold on most screens: the browser skips their layout and paint until they scroll near. */}
          <div className="grid min-w-0 grid-cols-[repeat(auto-fill,minmax(min(100%,24rem),1fr))] gap-3 xl:col-span-2 *:[contain-intrinsic-size:auto_16rem] *:[content-visibility:auto]">
            <WhenIdle>
              <RoutesPanel />
              <NeighborsPanel />
              <FdbPanel />
              <IptablesPanel />
              <ConntrackPanel />
              <Terminal />
              <ChangesPanel />
              <EventLogPanel />
            </WhenIdle>
          </div>
        </main>
      </PanelStateProvider>
    </div>
  );
}
