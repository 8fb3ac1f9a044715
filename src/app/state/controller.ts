/**
 * Wires the store, the playback actor, the worker and the URL together. No React here.
 * - a new scenario/flow/exec list computes a new Trace in the worker, then LOADs the playback;
 * - the playback step is mirrored into the store;
 * - the selection is mirrored into the URL.
 */
import type { Actor } from 'xstate';
import type { playbackMachine } from '../playback/machine';
import { callWorker } from '../worker/client';
import type { AppStoreApi } from './store';
import { formatUrl, parseUrl } from './url';

export const DEFAULT_SCENARIO = 'flannel-host-gw';
/** How long after a step the URL is updated. */
export const URL_DELAY_MS = 120;

export function startController(store: AppStoreApi, actor: Actor<typeof playbackMachine>): () => void {
  const initial = parseUrl(window.location.search);
  let pendingStep: number | null = initial.step;
  let seq = 0;

  const unsubActor = actor.subscribe((snap) => {
    if (store.getState().step !== snap.context.step) store.getState().setStep(snap.context.step);
  });

  async function computeTrace(keepStep: boolean): Promise<void> {
    const { scenarioId, flowId, execs, step } = store.getState();
    if (!scenarioId || !flowId) return;
    const mine = ++seq;
    const startAt = pendingStep ?? (keepStep ? step : 0);
    pendingStep = null;
    store.getState().setLoading();
    actor.send({ type: 'LOAD', step: startAt });
    try {
      const trace = await callWorker({ type: 'trace', scenarioId, flowId, execs });
      if (mine !== seq) return;
      store.getState().setTrace(trace);
      actor.send({ type: 'LOADED', steps: trace.events.length });
    } catch (e) {
      if (mine !== seq) return;
      const message = e instanceof Error ? e.message : String(e);
      store.getState().setError(message);
      actor.send({ type: 'FAILED', error: message });
    }
  }

  // The URL follows the step, but off the input's critical path: history.replaceState costs about a
  // millisecond, so a burst of steps (playback, held arrow keys) writes it once, shortly after.
  let urlTimer: ReturnType<typeof setTimeout> | null = null;
  const writeUrl = () => {
    urlTimer = null;
    const s = store.getState();
    const search = formatUrl(window.location.search, {
      scenario: s.scenarioId,
      flow: s.flowId,
      step: s.trace ? s.step : pendingStep,
    });
    if (search !== window.location.search) {
      window.history.replaceState(window.history.state, '', `${window.location.pathname}${search}`);
    }
  };

  const unsubStore = store.subscribe((s, prev) => {
    const selectionChanged = s.scenarioId !== prev.scenarioId || s.flowId !== prev.flowId;
    if (selectionChanged || s.execs !== prev.execs) void computeTrace(!selectionChanged);
    if (selectionChanged) {
      if (urlTimer !== null) clearTimeout(urlTimer);
      writeUrl();
    } else if (s.step !== prev.step && urlTimer === null) {
      urlTimer = setTimeout(writeUrl, URL_DELAY_MS);
    }
  });

  callWorker({ type: 'catalog' })
    .then((catalog) => {
      store.getState().setCatalog(catalog);
      const wanted =
        catalog.find((c) => c.id === initial.scenario) ?? catalog.find((c) => c.id === DEFAULT_SCENARIO);
      const chosen = wanted ?? catalog[0];
      if (!chosen) {
        store.getState().setError('No scenarios are available yet.');
        return;
      }
      store.getState().selectScenario(chosen.id, chosen.id === initial.scenario ? initial.flow : null);
    })
    .catch((e: unknown) => store.getState().setError(e instanceof Error ? e.message : String(e)));

  return () => {
    if (urlTimer !== null) clearTimeout(urlTimer);
    unsubActor.unsubscribe();
    unsubStore();
  };
}
