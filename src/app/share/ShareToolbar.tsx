/**
 * The header menus' buttons: Share (copy a link, embed, export) and Tools (edit the scenario, import
 * from a node). Their dialogs and the copied-link notice live outside the menus (portals): a closed
 * menu must not take them along, and a notice must not move the page.
 */
import { lazy, Suspense, useState } from 'react';
import { createPortal } from 'react-dom';
import { ExportMenu } from '../export/ExportMenu';
import { ChunkBoundary } from '../offline/ReloadOffer';
import { appStore } from '../state/store';
import { Dialog } from './Dialog';
import { embedSnippet } from './embedSnippet';
import { MAX_ENCODED, PANEL_IDS, type LinkState } from './link';
import { downloadScenario } from './scenarioFile';
import { fmt } from './strings';
import { shareUi, useShareUi } from './uiStore';
import { absoluteLink, linkStateOf, type SharedLink } from './urlSync';
import { classroomStore, formatClassroomUrl } from '../classroom/store';
import type { PanelId } from '../state/store';
import { useT } from '../i18n';
import type { UiKey } from '../i18n/ui-en';

const ImportDialog = lazy(() => import('../import/ImportDialog'));

export const toolBtn =
  'inline-flex h-8 items-center rounded-md border border-slate-300 bg-white px-2.5 text-sm text-slate-800 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-sky-500 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100 dark:hover:bg-slate-700';

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

/** The panels an embed can show beside the canvas, by the names their headings have. */
const PANEL_TITLES = {
  routes: 'routes.title',
  neigh: 'neigh.title',
  fdb: 'fdb.title',
  iptables: 'iptables.title',
  conntrack: 'conntrack.title',
  headers: 'headers.title',
  capture: 'capture.title',
  events: 'events.title',
  explanation: 'explanation.title',
} as const satisfies Partial<Record<PanelId, UiKey>>;
const EMBED_PANELS = PANEL_IDS.filter((p): p is keyof typeof PANEL_TITLES => p in PANEL_TITLES);

/** What the notice under Copy link says: copied (or copy it yourself), or why no link was made. */
type Copied = { kind: 'copied' | 'manual'; url: string } | { kind: 'tooLong'; length: number };

function tooLongText(length: number): string {
  return fmt('share.tooLong', { length, max: MAX_ENCODED });
}

export function ShareButtons() {
  const { t } = useT();
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
      {notice !== null &&
        createPortal(
          <div
            className="fixed inset-x-2 bottom-2 z-40 mx-auto flex max-w-2xl items-center gap-2 rounded-lg border border-slate-300 bg-white px-3 py-2 text-xs shadow-lg dark:border-slate-600 dark:bg-slate-900"
            role={notice.kind === 'tooLong' ? 'alert' : 'status'}
          >
            {notice.kind === 'tooLong' ? (
              <>
                <span className="flex-1" data-testid="share-too-long">
                  {tooLongText(notice.length)}
                </span>
                <button type="button" className={toolBtn} onClick={() => void downloadScenario()}>
                  {fmt('draft.download')}
                </button>
              </>
            ) : (
              <>
                <span>{notice.kind === 'copied' ? fmt('share.copied') : fmt('share.copyFailed')}</span>
                <input
                  readOnly
                  value={notice.url}
                  aria-label={fmt('share.linkLabel')}
                  data-testid="share-link"
                  onFocus={(e) => e.target.select()}
                  className="min-w-0 flex-1 rounded border border-slate-300 bg-slate-50 px-1 font-mono dark:border-slate-600 dark:bg-slate-800"
                />
              </>
            )}
            <button type="button" className="underline" onClick={() => setNotice(null)}>
              {fmt('share.dismiss')}
            </button>
          </div>,
          document.body,
        )}
      <Dialog open={embedOpen} title={fmt('share.embedTitle')} onClose={() => setEmbedOpen(false)}>
        <p className="mb-2">{fmt('share.embedHelp')}</p>
        <label className="mb-2 flex items-center gap-2">
          {fmt('share.embedPanel')}
          <select
            value={panel}
            onChange={(e) => void openEmbed(e.target.value as PanelId)}
            className="rounded border border-slate-300 bg-white px-1 dark:border-slate-600 dark:bg-slate-800"
          >
            {EMBED_PANELS.map((p) => (
              <option key={p} value={p}>
                {t(PANEL_TITLES[p])}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1">
          {fmt('share.snippetLabel')}
          <textarea
            readOnly
            value={snippet}
            rows={4}
            data-testid="embed-snippet"
            onFocus={(e) => e.target.select()}
            className="w-full rounded border border-slate-300 bg-slate-50 p-1 font-mono text-xs dark:border-slate-600 dark:bg-slate-800"
          />
        </label>
        <button
          type="button"
          className={`${toolBtn} mt-2`}
          onClick={() => void navigator.clipboard.writeText(snippet).catch(() => {})}
        >
          {fmt('share.copySnippet')}
        </button>
      </Dialog>
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
