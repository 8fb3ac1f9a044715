/** Scenario and flow pickers: scenarios grouped by their `group`, each with its flows. */
import { appStore } from '../state/store';
import { useApp } from '../state/useApp';
import { SCENARIO_GROUPS } from '../types';

const select =
  'h-9 min-w-0 max-w-full rounded-md border border-slate-300 bg-white px-2 text-sm text-slate-900 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100';

export function ScenarioPicker() {
  const catalog = useApp((s) => s.catalog);
  const scenarioId = useApp((s) => s.scenarioId);
  const flowId = useApp((s) => s.flowId);
  const info = catalog?.find((c) => c.id === scenarioId);
  const groups = [...SCENARIO_GROUPS, ...new Set((catalog ?? []).map((c) => c.group))].filter(
    (g, i, all) => all.indexOf(g) === i && catalog?.some((c) => c.group === g),
  );
  const flow = info?.flows.find((f) => f.id === flowId);

  return (
    <div className="flex min-w-0 flex-1 flex-wrap items-center gap-2">
      <label className="flex min-w-0 items-center gap-1 text-sm">
        <span className="text-slate-700 dark:text-slate-200">Scenario</span>
        <select
          className={`${select} w-72`}
          value={scenarioId ?? ''}
          disabled={!catalog}
          onChange={(e) => appStore.getState().selectScenario(e.target.value)}
        >
          {!catalog && <option value="">Loading scenarios…</option>}
          {groups.map((g) => (
            <optgroup key={g} label={g}>
              {catalog!
                .filter((c) => c.group === g)
                .map((c) => (
                  <option key={c.id} value={c.id} title={c.description}>
                    {c.title}
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
      </label>
      <label className="flex min-w-0 items-center gap-1 text-sm">
        <span className="text-slate-700 dark:text-slate-200">Flow</span>
        <select
          className={`${select} w-64`}
          value={flowId ?? ''}
          disabled={!info || info.flows.length === 0}
          onChange={(e) => appStore.getState().selectFlow(e.target.value)}
        >
          {info?.flows.length === 0 && <option value="">No flows</option>}
          {info?.flows.map((f) => (
            <option key={f.id} value={f.id} title={f.description}>
              {f.title}
            </option>
          ))}
        </select>
      </label>
      {info && (
        <p
          className="min-w-0 basis-full truncate text-xs text-slate-600 dark:text-slate-300"
          title={info.description}
        >
          <span className="font-medium">{info.group}</span> · {flow?.description ?? info.description}
        </p>
      )}
    </div>
  );
}
