/**
 * A link that names a scenario or a flow the catalog lacks opens another one: this says which was
 * asked for and what opened instead. It floats over the page under the header, so it moves nothing,
 * and stays until dismissed.
 */
import type { JSX } from 'react';
import { useT, type Lang } from '../i18n';
import { flowText, scenarioText } from '../i18n/scenario';
import { useApp } from '../state/useApp';
import type { ScenarioInfo } from '../types';
import { shareUi, useShareUi, type LinkNotice as Notice } from './uiStore';

/** "Title: flow title" in `lang`, or the ids when the catalog does not have them. */
function openedName(catalog: ScenarioInfo[] | null, opened: Notice['opened'], lang: Lang): string {
  const info = catalog?.find((c) => c.id === opened.scenario);
  if (!info) return opened.scenario;
  const flow = info.flows.find((f) => f.id === opened.flow);
  const title = scenarioText(info, lang).title;
  return flow ? `${title}: ${flowText(flow, lang).title}` : title;
}

export function LinkNotice(): JSX.Element | null {
  const { t, lang } = useT();
  const notice = useShareUi((s) => s.linkNotice);
  const catalog = useApp((s) => s.catalog);
  if (!notice) return null;
  const opened = openedName(catalog, notice.opened, lang);
  const info = catalog?.find((c) => c.id === notice.opened.scenario);
  const text =
    notice.scenario !== undefined
      ? t('notice.scenario', { asked: notice.scenario, opened })
      : t('notice.flow', {
          asked: notice.flow ?? '',
          scenario: info ? scenarioText(info, lang).title : notice.opened.scenario,
          opened,
        });
  return (
    <div
      role="status"
      aria-label={t('notice.label')}
      data-testid="link-notice"
      className="fixed top-14 left-1/2 z-40 flex w-[min(40rem,calc(100vw-1rem))] -translate-x-1/2 items-start gap-3 rounded-lg border border-amber-400 bg-amber-50 px-3 py-2 text-sm text-amber-950 shadow-lg dark:border-amber-600 dark:bg-amber-950 dark:text-amber-50"
    >
      <p className="flex-1">{text}</p>
      <button
        type="button"
        className="shrink-0 rounded px-1 font-semibold underline focus-visible:outline-2 focus-visible:outline-blue-600"
        onClick={() => shareUi.setState({ linkNotice: null })}
      >
        {t('notice.dismiss')}
      </button>
    </div>
  );
}
