/** A scenario's catalog entry: what the pickers, the lessons and links need, without loading it. */
import { listFlows, type Scenario } from '../../engine';
import type { ScenarioInfo } from '../types';

export function infoOf(id: string, s: Scenario): ScenarioInfo {
  return {
    id,
    group: s.group,
    title: s.title.en,
    description: s.description.en,
    concept: s.concept.en,
    zh: { title: s.title.zh, description: s.description.zh, concept: s.concept.zh },
    flows: listFlows(s).map((f) => ({
      id: f.id,
      title: f.title.en,
      ...(f.description ? { description: f.description.en } : {}),
      zh: { title: f.title.zh, ...(f.description ? { description: f.description.zh } : {}) },
    })),
    ...(s.corrections?.length ? { corrections: s.corrections.map(({ line: _line, ...c }) => c) } : {}),
  };
}
