/**
 * The header: one row on a desktop (title, scenario, flow, play, and the Share, Classroom and Tools
 * menus); on a phone the title and one menu, the pickers below, the player sticky at the bottom.
 */
import { lazy, Suspense, type ReactNode } from 'react';
import { Transport } from '../controls/Controls';
import { useT } from '../i18n';
import { LanguageSelect } from '../i18n/LanguageSelect';
import { ChunkBoundary } from '../offline/ReloadOffer';
import { ScenarioPicker } from '../picker/ScenarioPicker';
import { Menu } from './Menu';
import { PHONE, useMedia } from './useMedia';

// The menus' contents are one chunk, fetched as the header mounts (see menus.tsx).
const menus = () => import('./menus');
const ShareMenu = lazy(() => menus().then((m) => ({ default: m.ShareMenu })));
const ClassroomMenu = lazy(() => menus().then((m) => ({ default: m.ClassroomMenu })));
const ToolsMenu = lazy(() => menus().then((m) => ({ default: m.ToolsMenu })));

function Later({ children }: { children: ReactNode }) {
  return (
    <ChunkBoundary>
      <Suspense fallback={null}>{children}</Suspense>
    </ChunkBoundary>
  );
}

function Group({ label, children }: { label: string; children: ReactNode }) {
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
  const share = (
    <Later>
      <ShareMenu />
    </Later>
  );
  const classroom = (
    <Later>
      <ClassroomMenu />
    </Later>
  );
  const tools = (
    <Later>
      <ToolsMenu />
    </Later>
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
