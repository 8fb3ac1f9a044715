/** How iptables frames its messages: the error kinds and the PARAMETER_PROBLEM shorthand. */
import { UserError } from '../../util/errors';

/**
 * How a message is framed:
 * - param: "TOOL v1.8.9 (nf_tables): CORE\nTry `TOOL -h' ..." (exit 2, PARAMETER_PROBLEM);
 * - bare: "CORE\nTry `TOOL -h' ..." (exit 2, e.g. "Bad argument `x'");
 * - plain: "iptables: CORE" (exit 1, the libiptc/nft error strings);
 * - versioned: "TOOL v1.8.9 (nf_tables): CORE" with its own status (kernel errors, -t bogus).
 */
export type IptErrorKind = 'param' | 'bare' | 'plain' | 'versioned';

export class IptError extends UserError {
  constructor(
    readonly kind: IptErrorKind,
    readonly core: string,
    readonly status: number,
  ) {
    super('command', core);
    this.name = 'IptError';
  }
}

export const param = (core: string): IptError => new IptError('param', core, 2);
