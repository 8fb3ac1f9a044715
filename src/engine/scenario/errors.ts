import { UserError } from '../util/errors';

/**
 * A scenario that cannot be loaded or built. The message names the place the way a
 * compiler does: `FILE:LINE PATH: MESSAGE` (or `FILE:LINE:COL: MESSAGE` for YAML syntax).
 */
export class ScenarioError extends UserError {
  constructor(message: string) {
    super('scenario', message);
    this.name = 'ScenarioError';
  }
}
