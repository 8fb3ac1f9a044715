/** Edited or imported scenarios in the store: their catalog entry replaces (or joins) the built-in one. */
import type { AppState, AppStoreApi } from '../state/store';
import type { ScenarioInfo } from '../types';
import { shareUi } from './uiStore';

/** The catalog with `info` in place of the entry with its id (appended when new). */
export function patchCatalog(catalog: ScenarioInfo[], info: ScenarioInfo): ScenarioInfo[] {
  const i = catalog.findIndex((c) => c.id === info.id);
  if (i < 0) return [...catalog, info];
  const out = [...catalog];
  out[i] = info;
  return out;
}

/** Show `text` (already checked: `info` is its entry) as the current scenario, keeping flow and step when they still exist. */
export function applyEdited(
  store: AppStoreApi,
  text: string,
  info: ScenarioInfo,
  opts: { flow?: string | null; extra?: Partial<AppState> } = {},
): void {
  const s = store.getState();
  const catalog = patchCatalog(s.catalog ?? [], info);
  const wanted = opts.flow ?? s.flowId;
  const flowId = info.flows.find((f) => f.id === wanted)?.id ?? info.flows[0]?.id ?? null;
  const sameScenario = s.scenarioId === info.id;
  store.setState({
    catalog,
    scenarioId: info.id,
    flowId,
    scenarioText: text,
    ...(sameScenario ? {} : { execs: [], selectedNetns: null }),
    error: null,
    ...opts.extra,
  });
}

/** Back to the built-in catalog entries (after the edited text was dropped). */
export function restoreBuiltin(store: AppStoreApi): void {
  const builtin = shareUi.getState().builtinCatalog;
  if (!builtin) return;
  const s = store.getState();
  const info = builtin.find((c) => c.id === s.scenarioId);
  const flowId = info?.flows.find((f) => f.id === s.flowId)?.id ?? info?.flows[0]?.id ?? null;
  store.setState({ catalog: builtin, ...(flowId !== s.flowId ? { flowId } : {}) });
}
