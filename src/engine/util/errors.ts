/**
 * The engine's errors, a closed hierarchy: every error it raises on purpose is a UserError (the input
 * was wrong: the message names where and what, in the real tool's words) or an InternalError (the
 * model itself broke: a bug, reported with the scenario and the step it was at). Anything else that
 * escapes (a TypeError...) is wrapped into an InternalError at the engine's entry points, so callers
 * never have to show a raw TypeError.
 */

/** What the learner wrote or brought: a scenario file, a command, a shared link, an import. */
export type UserErrorSource = 'scenario' | 'command' | 'link' | 'import';

export abstract class EngineError extends Error {
  abstract readonly category: 'user' | 'internal';
}

export class UserError extends EngineError {
  readonly category = 'user' as const;
  constructor(
    readonly source: UserErrorSource,
    message: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** Where the engine was when it broke: enough to reproduce it. */
export interface InternalErrorContext {
  scenario: string;
  flow?: string;
  /** The setup command or Trace step being run ("setup node1: ip link del eth0", "event 12"). */
  step: string;
}

export class InternalError extends EngineError {
  readonly category = 'internal' as const;
  constructor(
    message: string,
    readonly context: InternalErrorContext,
    /** The original error's stack, for the bug report. */
    readonly detail = '',
  ) {
    super(message);
    this.name = 'InternalError';
  }
}

/** Any error thrown inside the engine, as one of the two: an EngineError stays as it is. */
export function asEngineError(err: unknown, context: InternalErrorContext): EngineError {
  if (err instanceof EngineError) return err;
  // An error from deep recursion (a hostile input we did not cap) is a bug too, but say what it was.
  const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  const detail = err instanceof Error ? (err.stack ?? '') : '';
  return new InternalError(`internal error: ${what}`, context, detail);
}

/** The text "copy a bug report" hands out: what broke, where, and how to get there again. */
export function bugReport(e: InternalError, extra: Record<string, string> = {}): string {
  const lines = [
    'Packet Journey internal error',
    `message: ${e.message}`,
    `scenario: ${e.context.scenario}`,
    ...(e.context.flow !== undefined ? [`flow: ${e.context.flow}`] : []),
    `step: ${e.context.step}`,
    ...Object.entries(extra).map(([k, v]) => `${k}: ${v}`),
  ];
  if (e.detail) lines.push('', e.detail);
  return lines.join('\n');
}
