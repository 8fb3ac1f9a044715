/** Starting, resuming and leaving a challenge: its world becomes the page's edited scenario. */
import { applyEdited } from '../share/edits';
import { appStore } from '../state/store';
import { callWorker } from '../worker/client';
import { DEFAULT_SCENARIO } from '../state/controller';
import type { Challenge } from './challenge';
import { challengeById } from './catalog';
import { challengeStore } from './store';

/** Opens the challenge's broken world, with none of the learner's changes. */
export async function startChallenge(c: Challenge): Promise<void> {
  // The challenge is on before its world arrives, so the world's arrival does not end it.
  challengeStore.setState({
    id: c.id,
    hints: 0,
    listOpen: false,
    custom: c.id === 'custom' ? c : null,
    world: null,
  });
  const checked = await callWorker({ type: 'check', yaml: c.scenario });
  if (!checked.ok) {
    appStore.getState().setError(checked.error);
    return;
  }
  challengeStore.setState({ world: checked.info.id });
  applyEdited(appStore, c.scenario, checked.info, {
    flow: c.flow,
    extra: { execs: [], selectedNetns: null },
  });
}

/** A link named a challenge: keep the world it carried if it is that challenge's, else open it. */
export function resumeChallenge(id: string): void {
  const c = challengeById(id) ?? challengeStore.getState().custom ?? undefined;
  if (!c) {
    challengeStore.setState({ id: null, hints: 0 });
    return;
  }
  const s = appStore.getState();
  if (s.scenarioText !== c.scenario) void startChallenge(c);
  else challengeStore.setState({ world: s.scenarioId });
}

export function leaveChallenge(c: Challenge): void {
  challengeStore.setState({ id: null, hints: 0, custom: null, world: null });
  appStore.getState().setScenarioText(null);
  appStore.getState().selectScenario(c.lesson ?? DEFAULT_SCENARIO);
}
