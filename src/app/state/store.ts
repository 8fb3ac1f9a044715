/**
 * The one app store (vanilla zustand): what is selected, the computed Trace and the step shown.
 * React components read it through useApp(selector); the controller and the playback actor write it.
 */
import { createStore } from 'zustand/vanilla';
import type { Exec, ScenarioInfo, TableSnapshot, Trace } from '../types';

export type PanelId =
  | 'routes'
  | 'neigh'
  | 'fdb'
  | 'iptables'
  | 'nftables'
  | 'conntrack'
  | 'headers'
  | 'capture'
  | 'events'
  | 'explanation'
  | 'terminal'
  | 'changes';

export interface AppState {
  catalog: ScenarioInfo[] | null;
  scenarioId: string | null;
  flowId: string | null;
  /** Commands typed in the terminal that changed the world, in order. */
  execs: Exec[];
  /** The scenario's YAML when edited or imported (it replaces the built-in `scenarioId`); null: built-in. */
  scenarioText: string | null;
  /** The language in the link (`lang`). */
  lang: string | null;
  trace: Trace | null;
  /**
   * Tables of namespaces the Trace does not carry (the journey never touches them), asked of
   * the worker when a panel shows one; reset with every new Trace.
   */
  netnsTables: Record<string, TableSnapshot[]>;
  loading: boolean;
  /** Index of the event shown (the Trace's `step`). */
  step: number;
  /** The netns clicked on the canvas or chosen in the terminal; null follows the current event. */
  selectedNetns: string | null;
  /** Panels the learner collapsed. */
  collapsed: Partial<Record<PanelId, boolean>>;
  error: string | null;
  /** For an internal error (a bug): the text "copy a bug report" hands out. */
  errorReport: string | null;
}

export interface AppActions {
  setCatalog(catalog: ScenarioInfo[]): void;
  selectScenario(scenarioId: string, flowId?: string | null): void;
  selectFlow(flowId: string): void;
  addExec(exec: Exec): void;
  clearExecs(): void;
  /** Undo one change (by its index in `execs`). */
  removeExec(index: number): void;
  /** Edited YAML (null: back to the built-in scenario); the changes and the step stay. */
  setScenarioText(text: string | null): void;
  setLoading(): void;
  setTrace(trace: Trace): void;
  /** The worker's answer for `netns`, if `trace` is still the one shown. */
  addNetnsTables(trace: Trace, netns: string, tables: TableSnapshot[]): void;
  setError(error: string, report?: string): void;
  setStep(step: number): void;
  selectNetns(netns: string | null): void;
  togglePanel(panel: PanelId): void;
}

export type AppStore = AppState & AppActions;

export const initialAppState: AppState = {
  catalog: null,
  scenarioId: null,
  flowId: null,
  execs: [],
  scenarioText: null,
  lang: null,
  trace: null,
  netnsTables: {},
  loading: false,
  step: 0,
  selectedNetns: null,
  collapsed: {},
  error: null,
  errorReport: null,
};

export function createAppStore(init: Partial<AppState> = {}) {
  return createStore<AppStore>()((set, get) => ({
    ...initialAppState,
    ...init,
    setCatalog: (catalog) => set({ catalog }),
    selectScenario: (scenarioId, flowId = null) => {
      const info = get().catalog?.find((s) => s.id === scenarioId);
      const flow = info?.flows.find((f) => f.id === flowId)?.id ?? info?.flows[0]?.id ?? null;
      set({ scenarioId, flowId: flow, execs: [], scenarioText: null, selectedNetns: null, error: null });
    },
    selectFlow: (flowId) => set({ flowId, error: null }),
    addExec: (exec) => set((s) => ({ execs: [...s.execs, exec] })),
    clearExecs: () => set({ execs: [] }),
    removeExec: (index) => set((s) => ({ execs: s.execs.filter((_, i) => i !== index) })),
    setScenarioText: (scenarioText) => set({ scenarioText }),
    setLoading: () => set({ loading: true, error: null, errorReport: null }),
    setTrace: (trace) => set({ trace, netnsTables: {}, loading: false, error: null, errorReport: null }),
    addNetnsTables: (trace, netns, tables) =>
      set((s) => (s.trace === trace ? { netnsTables: { ...s.netnsTables, [netns]: tables } } : {})),
    setError: (error, report) => set({ error, errorReport: report ?? null, loading: false }),
    setStep: (step) => set({ step }),
    selectNetns: (selectedNetns) => set({ selectedNetns }),
    togglePanel: (panel) => set((s) => ({ collapsed: { ...s.collapsed, [panel]: !s.collapsed[panel] } })),
  }));
}

export type AppStoreApi = ReturnType<typeof createAppStore>;

export const appStore: AppStoreApi = createAppStore();
