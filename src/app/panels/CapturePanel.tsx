/** The tcpdump lines of the frames captured at this step. */
import { memo } from 'react';
import { usePanelApp } from '../state/panelState';
import { Empty, Panel } from './Panel';
import { capturesAt } from './trace-select';
import { useT } from '../i18n';

const NONE: ReturnType<typeof capturesAt> = [];

/** The lines, drawn again only when the step's captures change (most steps capture nothing). */
const CaptureLines = memo(function CaptureLines({ caps }: { caps: ReturnType<typeof capturesAt> }) {
  const { t } = useT();
  return (
    <ul className="space-y-1.5">
      {caps.map((c, i) => (
        <li key={i} className="text-xs">
          <span className="font-mono text-slate-600 dark:text-slate-300">
            <span data-raw="">
              {c.netns} # tcpdump -nn -e -i {c.interface}
            </span>{' '}
            ({c.direction === 'tx' ? t('capture.out') : t('capture.in')})
          </span>
          <code className="block font-mono break-all whitespace-pre-wrap text-slate-900 dark:text-slate-100">
            {c.tcpdump}
          </code>
        </li>
      ))}
    </ul>
  );
});

export function CapturePanel() {
  const { t } = useT();
  const caps = usePanelApp((s) => (s.trace ? capturesAt(s.trace, s.step) : NONE));
  return (
    <Panel className="max-h-44 shrink-0" id="capture" title={t('capture.title')} subtitle="tcpdump -nn -e">
      {caps.length === 0 ? <Empty>{t('capture.empty')}</Empty> : <CaptureLines caps={caps} />}
    </Panel>
  );
}
