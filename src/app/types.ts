/** Types the app shares with the engine (type-only imports: no engine code in the main bundle). */
export type {
  Capture,
  DecidedBy,
  EventKind,
  Explain,
  Hop,
  TableName,
  TableSnapshot,
  Topology,
  Trace,
  TraceEvent,
  TraversedRule,
  Verdict,
} from '../engine/kernel/trace';
export type { Layer } from '../engine/net/layers';

/** A command the learner typed in the terminal that changed the world; re-applied before the flow runs. */
export interface Exec {
  netns: string;
  line: string;
}

/** A scenario's or flow's texts in Simplified Chinese (from the YAML's `zh`). */
export interface ZhText {
  title: string;
  description?: string;
  concept?: string;
}

export interface FlowInfo {
  id: string;
  title: string;
  description?: string;
  zh?: ZhText;
}

/** A correction of the source notes ("The notes say / Linux does"), as the scenario carries it. */
export type CorrectionInfo = Omit<import('../engine/scenario/load').Correction, 'line'>;

export interface ScenarioInfo {
  id: string;
  group: string;
  title: string;
  description: string;
  /** What the scenario teaches (English). */
  concept?: string;
  zh?: ZhText;
  flows: FlowInfo[];
  corrections?: CorrectionInfo[];
}

/** The catalog's groups, in teaching order: the scenario schema's list. */
export { GROUPS as SCENARIO_GROUPS } from '../engine/scenario/groups';
