/**
 * The edits as a file, for when they are too large for a link: the scenario's YAML (edited, or the
 * built-in one) and, after it, the terminal's changes as comments (they are not part of a scenario
 * file, but nothing typed may be dropped).
 */
import { appStore } from '../state/store';
import type { Exec } from '../types';
import { callWorker } from '../worker/client';
import { download } from './download';
import { fmt } from './strings';

export function scenarioFileText(yaml: string, execs: Exec[]): string {
  if (execs.length === 0) return yaml;
  const lines = execs.map((x) => `#   ${x.netns} # ${x.line}`);
  return `${yaml.replace(/\n*$/, '\n')}\n# ${fmt('draft.execsHeader')}\n${lines.join('\n')}\n`;
}

/** Downloads the current scenario and changes as `<scenario>.yaml`. */
export async function downloadScenario(): Promise<void> {
  const s = appStore.getState();
  const id = s.scenarioId ?? 'scenario';
  const yaml = s.scenarioText ?? (await callWorker({ type: 'source', scenarioId: id }));
  download(`${id}.yaml`, scenarioFileText(yaml, s.execs), 'text/yaml');
}
