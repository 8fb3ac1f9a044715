/** Messages between the page and the trace worker. */
import type { Exec, ScenarioInfo, TableSnapshot, Trace } from '../types';

export interface CommandOutcome {
  output: string;
  /** True when the command failed (output is the tool's error message). */
  failed: boolean;
  /** True when the command changed some table: the flow must be re-run with it. */
  changed: boolean;
}

/** The result of checking edited scenario YAML: its catalog entry, or the ScenarioError's message. */
export type CheckOutcome = { ok: true; info: ScenarioInfo } | { ok: false; error: string };

/**
 * `yaml`, when given, is the scenario's text (edited or imported) and replaces the built-in
 * scenario `scenarioId`.
 */
export type WorkerRequest =
  | { type: 'catalog' }
  | { type: 'trace'; scenarioId: string; flowId: string; execs: Exec[]; yaml?: string }
  /** A terminal line, run in the world the Trace of `flowId` (null: no flow picked) is computed from. */
  | {
      type: 'command';
      scenarioId: string;
      flowId: string | null;
      execs: Exec[];
      netns: string;
      line: string;
      yaml?: string;
    }
  /** The tables of a namespace the Trace of this flow does not carry (its `tableNetns` lacks it). */
  | { type: 'tables'; scenarioId: string; flowId: string; execs: Exec[]; netns: string; yaml?: string }
  | { type: 'lab'; scenarioId: string; flowId: string; execs: Exec[]; yaml?: string }
  | { type: 'source'; scenarioId: string }
  | { type: 'check'; yaml: string }
  | { type: 'pcapng'; trace: Trace };

export type WorkerResult<R extends WorkerRequest> = R extends { type: 'catalog' }
  ? ScenarioInfo[]
  : R extends { type: 'trace' }
    ? Trace
    : R extends { type: 'lab' } | { type: 'source' }
      ? string
      : R extends { type: 'check' }
        ? CheckOutcome
        : R extends { type: 'pcapng' }
          ? Uint8Array
          : R extends { type: 'tables' }
            ? TableSnapshot[]
            : CommandOutcome;

export type WorkerMessage = { id: number; request: WorkerRequest };
/**
 * A failed request: `category` says whether the input was wrong (user) or the engine broke
 * (internal); an internal error carries the bug report the page offers to copy.
 */
export type WorkerReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: string; category: 'user' | 'internal'; report?: string };
