/** Messages between the page and the trace worker. */
import type { Exec, ScenarioInfo, Trace } from '../types';

export interface CommandOutcome {
  output: string;
  /** True when the command failed (output is the tool's error message). */
  failed: boolean;
  /** True when the command changed some table: the flow must be re-run with it. */
  changed: boolean;
}

export type WorkerRequest =
  | { type: 'catalog' }
  | { type: 'trace'; scenarioId: string; flowId: string; execs: Exec[] }
  | { type: 'command'; scenarioId: string; execs: Exec[]; netns: string; line: string }
  | { type: 'lab'; scenarioId: string; flowId: string; execs: Exec[] };

export type WorkerResult<R extends WorkerRequest> = R extends { type: 'catalog' }
  ? ScenarioInfo[]
  : R extends { type: 'trace' }
    ? Trace
    : R extends { type: 'lab' }
      ? string
      : CommandOutcome;

export type WorkerMessage = { id: number; request: WorkerRequest };
export type WorkerReply =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
