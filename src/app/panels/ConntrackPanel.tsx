/**
 * The netns's connection tracking table (`conntrack -L`) at this step, the entry that decided
 * this step highlighted. An entry is confirmed into the table only as its first packet leaves
 * the hooks; until then the entry that decided (e.g. the SNAT) is shown as unconfirmed.
 */
import { usePanelApp } from '../state/panelState';
import { Empty, Panel } from './Panel';
import { eventAt, shownNetns, tableAt, tablesPending } from './trace-select';
import { useT } from '../i18n';

const HIT =
  'bg-amber-100 font-semibold text-amber-950 ring-1 ring-amber-500 dark:bg-amber-900/70 dark:text-amber-50';

export function ConntrackPanel() {
  const { t } = useT();
  const trace = usePanelApp((s) => s.trace);
  const netns = usePanelApp((s) => shownNetns(s.trace, s.step, s.selectedNetns));
  const snap = usePanelApp((s) =>
    s.trace && netns ? tableAt(s.trace, netns, 'conntrack', s.step, s.netnsTables) : undefined,
  );
  const reading = usePanelApp((s) => tablesPending(s.trace, netns, s.netnsTables));
  const decided = usePanelApp((s) => {
    const d = eventAt(s.trace, s.step)?.decidedBy;
    return d && d.table === 'conntrack' && d.netns === netns ? d.row : null;
  });
  const rows = snap?.rows ?? [];
  const hit = decided === null ? -1 : rows.indexOf(decided);
  const pending = decided !== null && hit < 0 ? decided : null;
  const count = rows.length;

  return (
    <Panel
      id="conntrack"
      title={t('conntrack.title')}
      subtitle={netns ? `${netns} # conntrack -L` : 'conntrack -L'}
    >
      {!trace || !netns ? (
        <Empty>{t('panel.nothing')}</Empty>
      ) : reading ? (
        <Empty>{t('panel.loadingTables', { netns })}</Empty>
      ) : count === 0 && !pending ? (
        <Empty>{t('conntrack.none', { netns })}</Empty>
      ) : (
        <div className="space-y-1">
          <ol data-raw="" className="font-mono text-xs leading-5">
            {rows.map((row, i) => (
              <li
                key={`${i}:${row}`}
                aria-current={i === hit ? 'true' : undefined}
                className={`rounded py-px pr-1 pl-5 -indent-4 break-words whitespace-pre-wrap ${
                  i === hit ? HIT : 'text-slate-800 dark:text-slate-200'
                }`}
              >
                {row}
                {i === hit && <span className="sr-only"> {t('panel.decided')}</span>}
              </li>
            ))}
            {pending && (
              <li
                aria-current="true"
                className={`rounded border border-dashed border-amber-600 py-px pr-1 pl-5 -indent-4 break-words whitespace-pre-wrap ${HIT}`}
              >
                {pending}
                <span className="block indent-0 font-sans text-[11px] font-normal text-amber-900 dark:text-amber-200">
                  {t('conntrack.unconfirmed')}
                </span>
              </li>
            )}
          </ol>
          <p data-raw="" className="text-xs text-slate-600 dark:text-slate-300">
            conntrack v1.4.7 (conntrack-tools): {count} flow entries have been shown.
          </p>
        </div>
      )}
    </Panel>
  );
}
