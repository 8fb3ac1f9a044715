/**
 * Wires the store, the playback actor, the worker and the URL together. No React here.
 * - a new scenario/flow/exec list computes a new Trace in the worker, then LOADs the playback;
 * - the playback step is mirrored into the store;
 * - the selection is mirrored into the URL;
 * - a panel showing a namespace the Trace does not carry gets its tables from the worker.
 */
import type { Actor } from 'xstate';
import type { playbackMachine } from '../playback/machine';
import { equivalentStep } from '../playback/equivalent';
import { hopStops } from '../playback/stops';
import { applyEdited, restoreBuiltin } from '../share/edits';
import { decodeLocation, type LinkState } from '../share/link';
import { linkStateOf, searchAndHash } from '../share/urlSync';
import { shareUi } from '../share/uiStore';
import { shownNetns, tablesPending } from '../panels/trace-select';
import type { ScenarioInfo, Trace } from '../types';
import { callWorker, startWorker, WorkerError } from '../worker/client';
import { loadPretraced, pretracedTrace } from '../worker/pretraced';
import type { AppState, AppStoreApi, PanelId } from './store';

/** What a bare link opens: a journey across two hosts, the one the guided tour starts from. */
export const DEFAULT_SCENARIO = 'flannel-host-gw';
export const DEFAULT_FLOW = 'pod1-ping-pod3';
/**
 * The built-in scenarios' catalog: computed at build time (a chunk fetched beside the worker's
 * start), so the first scenario's Trace is asked for at once; the worker's when the build has none.
 */
const builtinCatalog = (): Promise<ScenarioInfo[]> =>
  import('virtual:catalog').then(
    (m) => (m.catalog as ScenarioInfo[] | null) ?? callWorker({ type: 'catalog' }),
  );

/** Runs `run` when the browser is next idle (soon at the latest). */
function whenIdle(run: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: 1000 });
  else setTimeout(run, 0);
}

/** How long after a step the URL is updated. */
export const URL_DELAY_MS = 120;

export interface ControllerOptions {
  /** What a bare link opens instead of the default journey, when the catalog has it (a first visit's lesson 1). */
  opening?: string | null;
}

/** What the controller's parts share, mutable. */
interface Shared {
  /** The step a link asked for, applied by the next Trace. */
  pendingStep: number | null;
  /** The link was read and the selection made from it: the URL may be written. */
  initialized: boolean;
  /** While playing, the URL does not follow each step (see urlWriter); it does once playback stops. */
  playing: boolean;
  /** An embed link's own settings, kept in the URL it writes. */
  initialEmbed: Partial<LinkState>;
}

/** Computes the selection's Trace (pretraced or the worker's) and LOADs it into the playback. */
function traceComputer(store: AppStoreApi, actor: Actor<typeof playbackMachine>, shared: Shared) {
  let seq = 0;
  return async function computeTrace(keepStep: boolean): Promise<void> {
    const { scenarioId, flowId, execs, step, scenarioText } = store.getState();
    if (!scenarioId || !flowId) return;
    const mine = ++seq;
    const startAt = shared.pendingStep ?? (keepStep ? step : 0);
    shared.pendingStep = null;
    store.getState().setLoading();
    actor.send({ type: 'LOAD', step: startAt });
    try {
      // A built-in flow as the build traced it comes as data; any change is the worker's to trace.
      const built =
        execs.length === 0 && scenarioText === null ? await pretracedTrace(scenarioId, flowId) : null;
      const trace =
        built ??
        (await callWorker({
          type: 'trace',
          scenarioId,
          flowId,
          execs,
          ...(scenarioText !== null ? { yaml: scenarioText } : {}),
        }));
      if (mine !== seq) return;
      // The worker (the whole engine) loads once the first journey is in, ready for the terminal.
      whenIdle(startWorker);
      // A change to the same flow (the terminal, an edit) keeps the learner where they were, or
      // as near as the new journey allows (the drop that now ends it), not back at the start.
      const was = store.getState();
      const same = keepStep && startAt === step && was.trace && was.trace.flow === trace.flow;
      const at = same ? equivalentStep(was.trace!.events, was.step, trace.events) : undefined;
      store.getState().setTrace(trace);
      actor.send({
        type: 'LOADED',
        steps: trace.events.length,
        hops: hopStops(trace.hops ?? []),
        ...(at !== undefined ? { step: at } : {}),
      });
    } catch (e) {
      if (mine !== seq) return;
      const message = e instanceof Error ? e.message : String(e);
      store.getState().setError(message, e instanceof WorkerError ? e.report : undefined);
      actor.send({ type: 'FAILED', error: message });
    }
  };
}

/** Tables of namespaces the journey never touches are not in the Trace: asked once per Trace and netns. */
function tableFetcher(store: AppStoreApi): () => void {
  const asked = new WeakMap<Trace, Set<string>>();
  return function fetchTables(): void {
    const s = store.getState();
    const { trace } = s;
    const netns = shownNetns(trace, s.step, s.selectedNetns);
    if (!trace || !netns || !s.scenarioId || !s.flowId || !tablesPending(trace, netns, s.netnsTables)) return;
    let set = asked.get(trace);
    if (!set) asked.set(trace, (set = new Set()));
    if (set.has(netns)) return;
    set.add(netns);
    callWorker({
      type: 'tables',
      scenarioId: s.scenarioId,
      flowId: s.flowId,
      execs: s.execs,
      netns,
      ...(s.scenarioText !== null ? { yaml: s.scenarioText } : {}),
    }).then(
      (tables) => store.getState().addNetnsTables(trace, netns, tables),
      // A namespace the world lacks shows as having no tables.
      () => store.getState().addNetnsTables(trace, netns, []),
    );
  };
}

/**
 * The URL follows the step, but off the input's critical path: a burst of steps (held arrow keys)
 * writes it once, shortly after. Not at all while playing: in (headless) Chromium a replaceState
 * recalculates style and fetches and parses the favicon again, a 15-70 ms task on a busy machine
 * that drops frames at every write; the URL catches up when playback pauses or finishes.
 */
function urlWriter(store: AppStoreApi, shared: Shared) {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let seq = 0;
  const now = () => {
    timer = null;
    if (!shared.initialized) return;
    const s = store.getState();
    const mine = ++seq;
    const embed = shared.initialEmbed;
    void searchAndHash(
      window.location.search,
      linkStateOf(s, s.trace ? s.step : shared.pendingStep, embed),
    ).then((tail) => {
      if (mine !== seq) return;
      const current = `${window.location.search}${window.location.hash}`;
      if (tail !== current) {
        window.history.replaceState(window.history.state, '', `${window.location.pathname}${tail}`);
      }
    });
  };
  const cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  return {
    /** Writes the URL at once (a new selection), instead of any write scheduled. */
    now: () => {
      cancel();
      now();
    },
    /** Writes it shortly, once however many changes come before. */
    soon: () => {
      if (timer === null) timer = setTimeout(now, URL_DELAY_MS);
    },
    cancel,
  };
}

/** The choice a link (or a bare visit) opens, from the catalog; a banner says when it is not what was asked. */
function openLinked(
  store: AppStoreApi,
  catalog: ScenarioInfo[],
  initial: LinkState,
  rest: Partial<AppState>,
  options: ControllerOptions,
): void {
  const opening = options.opening ?? DEFAULT_SCENARIO;
  const wanted =
    catalog.find((c) => c.id === initial.scenario) ??
    catalog.find((c) => c.id === opening) ??
    catalog.find((c) => c.id === DEFAULT_SCENARIO);
  const chosen = wanted ?? catalog[0];
  if (!chosen) {
    store.getState().setError('No scenarios are available yet.');
    return;
  }
  const linked = chosen.id === initial.scenario;
  const wantedFlow = linked ? initial.flow : chosen.id === DEFAULT_SCENARIO ? DEFAULT_FLOW : null;
  const flowId = chosen.flows.find((f) => f.id === wantedFlow)?.id ?? chosen.flows[0]?.id ?? null;
  // Say so when the link asked for something that is not there, rather than open another silently.
  const opened = { scenario: chosen.id, flow: flowId };
  if (initial.scenario !== null && !linked) {
    shareUi.setState({ linkNotice: { scenario: initial.scenario, opened } });
  } else if (linked && initial.flow !== null && initial.flow !== flowId) {
    shareUi.setState({ linkNotice: { flow: initial.flow, opened } });
  }
  store.setState({
    scenarioId: chosen.id,
    flowId,
    scenarioText: null,
    ...(linked ? rest : { execs: [], selectedNetns: null, error: null }),
  });
}

/** A link that carries a scenario's text: loaded as an edit, or shown with its error when it does not load. */
async function openLinkedYaml(store: AppStoreApi, initial: LinkState, yaml: string, rest: Partial<AppState>) {
  const checked = await callWorker({ type: 'check', yaml });
  if (checked.ok) {
    applyEdited(store, yaml, checked.info, { flow: initial.flow, extra: rest });
    return;
  }
  // The shared text does not load: show it (the editor marks the error) and say why.
  store.setState({
    scenarioId: initial.scenario ?? 'edited',
    flowId: initial.flow ?? 'edited',
    scenarioText: yaml,
    ...rest,
  });
}

/** The catalog and the decoded link are in: the page's first selection, in one update. */
async function openInitial(
  store: AppStoreApi,
  shared: Shared,
  catalog: ScenarioInfo[],
  initial: LinkState,
  options: ControllerOptions,
): Promise<void> {
  shareUi.setState({ builtinCatalog: catalog });
  store.getState().setCatalog(catalog);
  shared.initialEmbed = initial.embed ? { embed: true, panel: initial.panel } : {};
  shared.pendingStep = initial.step;
  const collapsed: Partial<Record<PanelId, boolean>> = {};
  for (const p of initial.hidden) collapsed[p] = true;
  store.setState({ collapsed, lang: initial.lang });
  // One update for the whole selection, so the flow is traced once, at the link's step.
  const rest = { execs: initial.execs, selectedNetns: initial.netns, error: null };
  shared.initialized = true;
  if (initial.yaml !== null) await openLinkedYaml(store, initial, initial.yaml, rest);
  else openLinked(store, catalog, initial, rest, options);
}

export function startController(
  store: AppStoreApi,
  actor: Actor<typeof playbackMachine>,
  options: ControllerOptions = {},
): () => void {
  // The link is decoded asynchronously (its edits are compressed); the catalog waits for it.
  const initialPromise = decodeLocation(window.location.search, window.location.hash).then(
    ({ state, error }) => {
      if (error) shareUi.setState({ linkError: error });
      return state;
    },
  );
  const shared: Shared = { pendingStep: null, initialized: false, playing: false, initialEmbed: {} };
  const computeTrace = traceComputer(store, actor, shared);
  const fetchTables = tableFetcher(store);
  const url = urlWriter(store, shared);

  // The playback step is mirrored into the store.
  const unsubActor = actor.subscribe((snap) => {
    const wasPlaying = shared.playing;
    shared.playing = snap.matches('playing');
    if (store.getState().step !== snap.context.step) store.getState().setStep(snap.context.step);
    if (wasPlaying && !shared.playing) url.soon();
  });

  const unsubStore = store.subscribe((s, prev) => {
    if (s.scenarioText === null && prev.scenarioText !== null) restoreBuiltin(store);
    const selectionChanged = s.scenarioId !== prev.scenarioId || s.flowId !== prev.flowId;
    const editsChanged = s.execs !== prev.execs || s.scenarioText !== prev.scenarioText;
    if (selectionChanged || editsChanged) void computeTrace(!selectionChanged);
    if (s.trace !== prev.trace || s.selectedNetns !== prev.selectedNetns || s.step !== prev.step)
      fetchTables();
    if (selectionChanged || editsChanged) url.now();
    else if (
      (s.step !== prev.step && !shared.playing) ||
      s.selectedNetns !== prev.selectedNetns ||
      s.collapsed !== prev.collapsed ||
      s.lang !== prev.lang
    )
      url.soon();
  });

  // The built flows' index comes beside the catalog; the worker is not on the first journey's path
  // (see above) and would only take the network from it on a slow line.
  void loadPretraced();
  Promise.all([builtinCatalog(), initialPromise])
    .then(([catalog, initial]) => openInitial(store, shared, catalog, initial, options))
    .catch((e: unknown) => store.getState().setError(e instanceof Error ? e.message : String(e)));

  return () => {
    url.cancel();
    unsubActor.unsubscribe();
    unsubStore();
  };
}
