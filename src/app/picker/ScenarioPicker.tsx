/** Scenario and flow pickers: scenarios grouped by their `group`, each with its flows. */
import { lazy, Suspense } from 'react';
import { appStore } from '../state/store';
import { useApp } from '../state/useApp';
import { SCENARIO_GROUPS } from '../types';
import { useT } from '../i18n';
import { flowText, scenarioText } from '../i18n/scenario';
import type { UiKey } from '../i18n/ui-en';

// The notes' corrections and the search box: their own chunk, loaded once the catalog is there.
const NotesBar = lazy(() => import('../notes/NotesBar'));

const select =
  'h-9 min-w-0 max-w-full rounded-md border border-slate-300 bg-white px-2 text-sm text-slate-900 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100';

export function ScenarioPicker() {
  const { t, lang } = useT();
  const catalog = useApp((s) => s.catalog);
  const scenarioId = useApp((s) => s.scenarioId);
  const flowId = useApp((s) => s.flowId);
  const info = catalog?.find((c) => c.id === scenarioId);
  const groups = [...SCENARIO_GROUPS, ...new Set((catalog ?? []).map((c) => c.group))].filter(
    (g, i, all) => all.indexOf(g) === i && catalog?.some((c) => c.group === g),
  );
  const groupName = (g: string) => {
    const key = `group.${g}` as UiKey;
    const s = t(key);
    return s === key ? g : s;
  };

  return (
    <div className="pj-picker flex min-w-0 flex-1 flex-col items-stretch gap-2 md:flex-row md:items-center">
      <label className="flex min-w-0 flex-[1.2] items-center gap-1 text-sm">
        <span className="shrink-0 whitespace-nowrap text-slate-700 dark:text-slate-200">
          {t('picker.scenario')}
        </span>
        <select
          className={`${select} w-full`}
          value={scenarioId ?? ''}
          disabled={!catalog}
          onChange={(e) => appStore.getState().selectScenario(e.target.value)}
        >
          {!catalog && <option value="">{t('picker.loading')}</option>}
          {groups.map((g) => (
            <optgroup key={g} label={groupName(g)}>
              {catalog!
                .filter((c) => c.group === g)
                .map((c) => (
                  <option key={c.id} value={c.id} title={scenarioText(c, lang).description}>
                    {scenarioText(c, lang).title}
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
      </label>
      <label className="flex min-w-0 flex-1 items-center gap-1 text-sm">
        <span className="shrink-0 whitespace-nowrap text-slate-700 dark:text-slate-200">
          {t('picker.flow')}
        </span>
        <select
          className={`${select} w-full`}
          value={flowId ?? ''}
          disabled={!info || info.flows.length === 0}
          onChange={(e) => appStore.getState().selectFlow(e.target.value)}
        >
          {info?.flows.length === 0 && <option value="">{t('picker.noFlows')}</option>}
          {info?.flows.map((f) => (
            <option key={f.id} value={f.id} title={flowText(f, lang).description}>
              {flowText(f, lang).title}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

/**
 * The notes' corrections and the search over scenarios, devices and terms: beside the scenario's
 * blurb rather than in the header, which stays one row (scenario, flow, play, menus).
 */
export function NotesRow() {
  const catalog = useApp((s) => s.catalog);
  // Its height is kept from the first paint, so nothing below moves when the catalog arrives.
  return (
    <div className="min-h-9 shrink-0" data-presenter-hide="">
      {catalog && (
        <Suspense fallback={null}>
          <NotesBar />
        </Suspense>
      )}
    </div>
  );
}

/** The scenario's group and what its flow shows: one line above the explanation. */
export function ScenarioBlurb() {
  const { t, lang } = useT();
  const info = useApp((s) => s.catalog?.find((c) => c.id === s.scenarioId));
  const flowId = useApp((s) => s.flowId);
  const flow = info?.flows.find((f) => f.id === flowId);
  const key = info ? (`group.${info.group}` as UiKey) : null;
  const group = key && t(key) !== key ? t(key) : info?.group;
  const text = info
    ? ((flow && flowText(flow, lang).description) ?? scenarioText(info, lang).description)
    : '';
  // Always one line tall, so nothing below moves when the catalog arrives.
  return (
    <p
      className="h-4 min-w-0 shrink-0 truncate text-xs leading-4 text-slate-600 dark:text-slate-300"
      title={text || undefined}
      data-presenter-hide=""
    >
      {info ? (
        <>
          <span className="font-medium">{group}</span> · {text}
        </>
      ) : (
        '\u00a0'
      )}
    </p>
  );
}
