/** Header buttons: edit the scenario, copy a link, embed, export, import. */
import { lazy, Suspense, useState } from 'react';
import { ExportMenu } from '../export/ExportMenu';
import { appStore } from '../state/store';
import { Dialog } from './Dialog';
import { embedSnippet } from './embedSnippet';
import { PANEL_IDS, type LinkState } from './link';
import { fmt } from './strings';
import { shareUi, useShareUi } from './uiStore';
import { absoluteLink, linkStateOf } from './urlSync';
import { classroomStore, formatClassroomUrl } from '../classroom/store';
import type { PanelId } from '../state/store';

const ImportDialog = lazy(() => import('../import/ImportDialog'));

export const toolBtn =
  'inline-flex h-8 items-center rounded-md border border-slate-300 bg-white px-2.5 text-sm text-slate-800 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-sky-500 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100 dark:hover:bg-slate-700';

/**
 * The link to this step. A shared link opens in the same mode (quiz, presenter); the learner's own
 * quiz answers stay with them. An embed carries neither.
 */
function currentLink(extra: Partial<LinkState> = {}): Promise<string> {
  const s = appStore.getState();
  const { quiz, presenter } = classroomStore.getState();
  const keep = extra.embed ? '' : formatClassroomUrl('', { quiz, presenter, answers: {} });
  return absoluteLink(linkStateOf(s, s.step, extra), keep);
}

export function ShareToolbar() {
  const editorOpen = useShareUi((s) => s.editorOpen);
  const [link, setLink] = useState<string | null>(null);
  const [copied, setCopied] = useState<boolean | null>(null);
  const [embedOpen, setEmbedOpen] = useState(false);
  const [importOpen, setImportOpen] = useState(false);
  const [panel, setPanel] = useState<PanelId>('headers');
  const [snippet, setSnippet] = useState('');

  const copy = async () => {
    const url = await currentLink();
    setLink(url);
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };

  const openEmbed = async (p: PanelId = panel) => {
    setPanel(p);
    setSnippet(embedSnippet(await currentLink({ embed: true, panel: p })));
    setEmbedOpen(true);
  };

  return (
    <div className="flex flex-wrap items-center gap-1.5" role="toolbar" aria-label={fmt('share.tools')}>
      <button
        type="button"
        className={toolBtn}
        aria-pressed={editorOpen}
        onClick={() => shareUi.setState({ editorOpen: !editorOpen })}
      >
        {editorOpen ? fmt('editor.close') : fmt('editor.open')}
      </button>
      <button type="button" className={toolBtn} onClick={() => void copy()}>
        {fmt('share.copyLink')}
      </button>
      <button type="button" className={toolBtn} onClick={() => void openEmbed()}>
        {fmt('share.embed')}
      </button>
      <ExportMenu />
      <button type="button" className={toolBtn} onClick={() => setImportOpen(true)}>
        {fmt('import.button')}
      </button>
      {link !== null && (
        <div className="flex basis-full items-center gap-2 text-xs" role="status">
          <span>{copied ? fmt('share.copied') : fmt('share.copyFailed')}</span>
          <input
            readOnly
            value={link}
            aria-label={fmt('share.linkLabel')}
            data-testid="share-link"
            onFocus={(e) => e.target.select()}
            className="min-w-0 flex-1 rounded border border-slate-300 bg-slate-50 px-1 font-mono dark:border-slate-600 dark:bg-slate-800"
          />
          <button type="button" className="underline" onClick={() => setLink(null)}>
            {fmt('share.dismiss')}
          </button>
        </div>
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
            {PANEL_IDS.filter((p) => p !== 'terminal' && p !== 'changes').map((p) => (
              <option key={p} value={p}>
                {p}
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
      {importOpen && (
        <Suspense fallback={null}>
          <ImportDialog onClose={() => setImportOpen(false)} />
        </Suspense>
      )}
    </div>
  );
}
