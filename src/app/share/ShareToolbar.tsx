/**
 * The header menus' buttons: Share (copy a link, embed, export) and Tools (edit the scenario, import
 * from a node). Their dialogs and the copied-link notice live outside the menus (portals): a closed
 * menu must not take them along, and a notice must not move the page.
 */
import { lazy, Suspense, useState } from 'react';
import { ExportMenu } from '../export/ExportMenu';
import { ChunkBoundary } from '../offline/ReloadOffer';
import { appStore } from '../state/store';
import { embedSnippet } from './embedSnippet';
import { EmbedDialog } from './EmbedDialog';
import { type LinkState } from './link';
import { ShareNotice, tooLongText, type Copied } from './ShareNotice';
import { toolBtn } from './toolBtn';
import { fmt } from './strings';
import { shareUi, useShareUi } from './uiStore';
import { absoluteLink, linkStateOf, type SharedLink } from './urlSync';
import { classroomStore, formatClassroomUrl } from '../classroom/store';
import type { PanelId } from '../state/store';
import { useT } from '../i18n';

const ImportDialog = lazy(() => import('../import/ImportDialog'));

export { toolBtn };

/**
 * The link to this step. A shared link opens in the same mode (quiz, presenter); the learner's own
 * quiz answers stay with them. An embed carries neither.
 */
function currentLink(extra: Partial<LinkState> = {}): Promise<SharedLink> {
  const s = appStore.getState();
  const { quiz, presenter } = classroomStore.getState();
  const keep = extra.embed ? '' : formatClassroomUrl('', { quiz, presenter, answers: {} });
  return absoluteLink(linkStateOf(s, s.step, extra), keep);
}

export function ShareButtons() {
  // Subscribes to the language: the labels here and in the notice are fmt() strings.
  useT();
  const [notice, setNotice] = useState<Copied | null>(null);
  const [embedOpen, setEmbedOpen] = useState(false);
  const [panel, setPanel] = useState<PanelId>('headers');
  const [snippet, setSnippet] = useState('');

  // A link that could not open is never handed out: the notice says why and offers the file.
  const copy = async () => {
    const link = await currentLink();
    if (!link.ok) {
      setNotice({ kind: 'tooLong', length: link.length });
      return;
    }
    try {
      await navigator.clipboard.writeText(link.url);
      setNotice({ kind: 'copied', url: link.url });
    } catch {
      setNotice({ kind: 'manual', url: link.url });
    }
  };

  const openEmbed = async (p: PanelId = panel) => {
    setPanel(p);
    const link = await currentLink({ embed: true, panel: p });
    setSnippet(link.ok ? embedSnippet(link.url) : tooLongText(link.length));
    setEmbedOpen(true);
  };

  return (
    <>
      <button type="button" className={toolBtn} onClick={() => void copy()}>
        {fmt('share.copyLink')}
      </button>
      <button type="button" className={toolBtn} onClick={() => void openEmbed()}>
        {fmt('share.embed')}
      </button>
      <ExportMenu />
      {notice !== null && <ShareNotice notice={notice} onDismiss={() => setNotice(null)} />}
      <EmbedDialog
        open={embedOpen}
        onClose={() => setEmbedOpen(false)}
        panel={panel}
        onPanel={(p) => void openEmbed(p)}
        snippet={snippet}
      />
    </>
  );
}

export function ToolButtons() {
  const editorOpen = useShareUi((s) => s.editorOpen);
  const [importOpen, setImportOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className={toolBtn}
        aria-pressed={editorOpen}
        onClick={() => shareUi.setState({ editorOpen: !editorOpen })}
      >
        {editorOpen ? fmt('editor.close') : fmt('editor.open')}
      </button>
      <button type="button" className={toolBtn} onClick={() => setImportOpen(true)}>
        {fmt('import.button')}
      </button>
      {importOpen && (
        <ChunkBoundary>
          <Suspense fallback={null}>
            <ImportDialog onClose={() => setImportOpen(false)} />
          </Suspense>
        </ChunkBoundary>
      )}
    </>
  );
}
