/**
 * The rules a packet passed without a match, as the Trace records them. A short run is one
 * entry a rule, as `iptables -S` prints each; a long one (kube-proxy's KUBE-SERVICES: a
 * packet for the last Service passes 10,000 rules) is one entry holding its first and last
 * rule and how many it spans, so the walk costs what the rules cost, not 10,000 printed rows.
 */
import type { TraversedRule } from '../trace';
import type { Rule } from './types';
import { formatRule } from './xt-text';

/** A run of passed rules this long or longer is recorded as one entry. */
export const RUN_MIN = 64;

export class PassedRuns {
  private chain = '';
  private readonly rules: Rule[] = [];

  constructor(
    private readonly table: string,
    private readonly out: TraversedRule[],
  ) {}

  /** Rule `r` of `chain` did not match. */
  add(chain: string, r: Rule): void {
    if (chain !== this.chain) this.flush();
    this.chain = chain;
    this.rules.push(r);
  }

  /** Records the run so far (before a matching rule, a jump's return or the chain's end). */
  flush(): void {
    const rs = this.rules;
    if (rs.length === 0) return;
    const { table, chain } = this;
    if (rs.length < RUN_MIN)
      for (const r of rs) this.out.push({ table, chain, row: formatRule(table, chain, r), matched: false });
    else
      this.out.push({
        table,
        chain,
        row: formatRule(table, chain, rs[0]!),
        matched: false,
        count: rs.length,
        last: formatRule(table, chain, rs[rs.length - 1]!),
      });
    rs.length = 0;
  }
}

/** How many rules (and policies) a traversal evaluated: a run counts its rules. */
export function traversedCount(traversed: readonly TraversedRule[]): number {
  let n = 0;
  for (const t of traversed) n += t.count ?? 1;
  return n;
}
