import { UserError } from '../util/errors';

/**
 * A command refused by the kernel or the tool, with the message the real tool prints.
 * Commands throw it before changing anything, so nothing is half-applied.
 */
export class CommandError extends UserError {
  constructor(
    message: string,
    /** Exit status the real tool returns (iproute2 uses 2 for netlink errors, 1 for usage). */
    readonly status = 2,
  ) {
    super('command', message);
    this.name = 'CommandError';
  }
}
