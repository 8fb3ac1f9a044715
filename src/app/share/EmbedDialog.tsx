/** The Embed dialog: which panel to show beside the canvas, and the snippet that embeds this step. */
import { Dialog } from './Dialog';
import { PANEL_IDS } from './link';
import { fmt } from './strings';
import { toolBtn } from './toolBtn';
import type { PanelId } from '../state/store';
import { useT } from '../i18n';
import type { UiKey } from '../i18n/ui-en';

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

export function EmbedDialog({
  open,
  onClose,
  panel,
  onPanel,
  snippet,
}: {
  open: boolean;
  onClose: () => void;
  panel: PanelId;
  /** Another panel picked: the snippet is made again for it. */
  onPanel: (p: PanelId) => void;
  snippet: string;
}) {
  const { t } = useT();
  return (
    <Dialog open={open} title={fmt('share.embedTitle')} onClose={onClose}>
      <p className="mb-2">{fmt('share.embedHelp')}</p>
      <label className="mb-2 flex items-center gap-2">
        {fmt('share.embedPanel')}
        <select
          value={panel}
          onChange={(e) => onPanel(e.target.value as PanelId)}
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
  );
}
