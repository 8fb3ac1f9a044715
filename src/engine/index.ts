/**
 * The public engine API, for the CLI, the Worker and the page. Everything else under
 * src/engine is an implementation detail.
 */
export { loadScenario, formatPath, MAX_SCENARIO_BYTES } from './scenario/load';
export type {
  Correction,
  Scenario,
  ScenarioFlow,
  ScenarioMachine,
  ScenarioNic,
  ScenarioSegment,
  ScenarioServer,
  SetupStep,
} from './scenario/load';
export { applyExec, buildWorld, findNetns, logExec } from './scenario/build';
export type { BuildOptions, BuiltWorld, ExecCommand } from './scenario/build';
export { ScenarioError } from './scenario/errors';
export { GROUPS, ROLES, SCENARIO_VERSION, ScenarioFileSchema, scenarioJsonSchema } from './scenario/schema';
export type { Localized, ScenarioFile } from './scenario/schema';
export { traceFlow, traceBuilt, traceAll, listFlows, findFlow, topologyOf, MAX_FLOW_TASKS } from './sim/run';
export { netnsTables } from './sim/tables';
export type { FlowInfo } from './sim/run';
export { TRACE_VERSION } from './kernel/trace';
export type {
  Capture,
  Chapter,
  DecidedBy,
  EventKind,
  Explain,
  Hop,
  KeyMoment,
  SetupLogEntry,
  TableName,
  TableSnapshot,
  Topology,
  TopologyInterface,
  TopologyNetns,
  Trace,
  TraceEvent,
  Verdict,
} from './kernel/trace';
export { renderExplain } from './sim/messages';
export { traceToPcapng } from './sim/pcapng-export';
export { CommandError } from './kernel/errors';
export { asEngineError, bugReport, EngineError, InternalError, UserError } from './util/errors';
export type { InternalErrorContext, UserErrorSource } from './util/errors';
export { runCommand } from './commands';
export type { CommandContext, CommandResult } from './commands/types';
export type { World, Machine } from './kernel/world';
export type { KernelObserver } from './kernel/observer';
export type { Layer, Packet } from './net/layers';
