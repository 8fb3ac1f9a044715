/** Starting, resuming and leaving a challenge: its world becomes the page's edited scenario. */
import { applyEdited } from '../share/edits';
import { appStore } from '../state/store';
import { callWorker } from '../worker/client';
import { DEFAULT_SCENARIO } from '../state/controller';
import type { Challenge } from './challenge';
import { challengeById } from './catalog';
import { deflate, fromBase64Url, inflate, MAX_ENCODED, toBase64Url } from '../share/link';
import { ChallengeError, parseChallenge } from './challenge';
import { challengeStore } from './store';

/** A teacher's challenge as `chy=` carries it; null when it would not fit a link. */
export async function encodeCustom(source: string): Promise<string | null> {
  const param = toBase64Url(await deflate(new TextEncoder().encode(source)));
  return param.length <= MAX_ENCODED ? param : null;
}

/** The challenge a `chy=` link carries, or an error that says what is wrong with it. */
export async function decodeCustom(param: string): Promise<Challenge | string> {
  const bytes = fromBase64Url(param);
  const raw = bytes && (await inflate(bytes));
  if (!raw || raw === 'too-big') return "The link's challenge (chy=) is damaged or too big.";
  try {
    return { ...parseChallenge(new TextDecoder().decode(raw), "the link's challenge"), id: 'custom' };
  } catch (e) {
    return e instanceof ChallengeError ? e.message : String(e);
  }
}

/**
 * Opens the challenge's broken world, with none of the learner's changes. A teacher's own
 * challenge comes with its YAML, which its link then carries.
 */
export async function startChallenge(c: Challenge, source?: string): Promise<void> {
  const customParam = c.id === 'custom' && source !== undefined ? await encodeCustom(source) : null;
  // The challenge is on before its world arrives, so the world's arrival does not end it.
  challengeStore.setState({
    id: c.id,
    hints: 0,
    listOpen: false,
    custom: c.id === 'custom' ? c : null,
    customParam,
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
export async function resumeChallenge(id: string): Promise<void> {
  let c = challengeById(id) ?? challengeStore.getState().custom ?? undefined;
  const param = challengeStore.getState().customParam;
  if (!c && id === 'custom' && param) {
    const got = await decodeCustom(param);
    if (typeof got === 'string') appStore.getState().setError(got);
    else {
      c = got;
      challengeStore.setState({ custom: got });
    }
  }
  if (!c) {
    challengeStore.setState({ id: null, hints: 0, customParam: null });
    return;
  }
  const s = appStore.getState();
  if (s.scenarioText !== c.scenario) void startChallenge(c);
  else challengeStore.setState({ world: s.scenarioId });
}

export function leaveChallenge(c: Challenge): void {
  challengeStore.setState({ id: null, hints: 0, custom: null, customParam: null, world: null });
  appStore.getState().setScenarioText(null);
  appStore.getState().selectScenario(c.lesson ?? DEFAULT_SCENARIO);
}
