/**
 * One command line run in the worker against the current world: what it prints, and, when it
 * changed the world, the exec kept so the flow is traced again with it.
 */
import { appStore } from '../state/store';
import { callWorker } from '../worker/client';
import type { SavedLine } from './persist';

export async function runCommand(
  scenarioId: string,
  netns: string,
  line: string,
  changedNote: string,
): Promise<SavedLine[]> {
  const { execs, scenarioText, flowId } = appStore.getState();
  const r = await callWorker({
    type: 'command',
    scenarioId,
    flowId,
    execs,
    netns,
    line,
    ...(scenarioText !== null ? { yaml: scenarioText } : {}),
  });
  const add: SavedLine[] = [];
  if (r.output) add.push({ kind: r.failed ? 'error' : 'output', text: r.output });
  if (r.changed) {
    add.push({ kind: 'note', text: changedNote });
    appStore.getState().addExec({ netns, line });
  }
  return add;
}
