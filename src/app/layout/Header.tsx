/**
 * The header: one row on a desktop (title, scenario, flow, play, and the Share, Classroom and Tools
 * menus); on a phone the title and one menu, the pickers below, the player sticky at the bottom.
 */
import { ClassroomBar } from '../classroom/ClassroomBar';
import { Transport } from '../controls/Controls';
import { GuidedPath } from '../curriculum/GuidedPath';
import { useT } from '../i18n';
import { LanguageSelect } from '../i18n/LanguageSelect';
import { LabButton } from '../lab/LabButton';
import { ScenarioPicker } from '../picker/ScenarioPicker';
import { ShareButtons, ToolButtons } from '../share/ShareToolbar';
import { Menu } from './Menu';
import { PHONE, useMedia } from './useMedia';

function Group({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div role="group" aria-label={label} className="flex flex-col items-stretch gap-1.5">
      <p aria-hidden="true" className="text-xs font-semibold text-slate-600 uppercase dark:text-slate-300">
        {label}
      </p>
      {children}
    </div>
  );
}

export function Header() {
  const { t } = useT();
  const phone = useMedia(PHONE);
  const share = <ShareButtons />;
  const classroom = (
    <>
      <GuidedPath />
      <ClassroomBar />
    </>
  );
  const tools = (
    <>
      <ToolButtons />
      <LabButton />
    </>
  );
  return (
    <header className="pj-header flex flex-wrap items-center gap-x-3 gap-y-2 border-b border-slate-200 bg-white px-3 py-2 md:flex-nowrap dark:border-slate-800 dark:bg-slate-900">
      <h1 className="shrink-0 text-lg font-bold tracking-tight whitespace-nowrap">{t('app.title')}</h1>
      {phone ? (
        <>
          <div className="ml-auto">
            <Menu label={t('layout.menu')}>
              <Group label={t('layout.share')}>{share}</Group>
              <Group label={t('layout.classroom')}>{classroom}</Group>
              <Group label={t('layout.toolsMenu')}>{tools}</Group>
              <LanguageSelect />
            </Menu>
          </div>
          <div className="basis-full">
            <ScenarioPicker />
          </div>
        </>
      ) : (
        <>
          <ScenarioPicker />
          <Transport />
          <div className="flex shrink-0 items-center gap-1.5">
            <Menu label={t('layout.share')}>{share}</Menu>
            <Menu label={t('layout.classroom')}>{classroom}</Menu>
            <Menu label={t('layout.toolsMenu')}>{tools}</Menu>
            <LanguageSelect />
          </div>
        </>
      )}
    </header>
  );
}
