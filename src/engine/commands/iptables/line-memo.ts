/**
 * iptables-restore's parsed command lines, remembered by their text. A line's parse depends
 * only on its text and the family (ipv4/ipv6), except a `-m set` match's check that its set
 * exists: a parse that asked is not remembered. kube-proxy writes the same lines on every
 * node and in every sync (110,000 of them at 10,000 Services), and a world is built again for
 * every trace; each line's words are split and parsed once. A remembered parse is never
 * changed: a caller that sets its table or counters copies its top level, and shares the rule
 * spec, as the rules of one `-s a,b` line share theirs.
 */
import type { ParsedArgs } from './spec';

type Family = 'ipv4' | 'ipv6';

const memo: Record<Family, Map<string, ParsedArgs>> = { ipv4: new Map(), ipv6: new Map() };

/**
 * Lines remembered per family before the memory starts again: twice the largest rule set the
 * bench loads (a cap smaller than one rule set would be emptied by every load and never hit).
 */
const CAPACITY = 400_000;

/** The remembered parse of `line`, shared: the caller copies what it changes. */
export function rememberedLine(family: Family, line: string): Readonly<ParsedArgs> | undefined {
  return memo[family].get(line);
}

/** Remembers the parse of `line` (before the caller changes it). */
export function rememberParse(family: Family, line: string, p: ParsedArgs): void {
  const m = memo[family];
  if (m.size >= CAPACITY) m.clear();
  m.set(line, p);
}
