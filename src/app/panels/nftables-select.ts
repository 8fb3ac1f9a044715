/**
 * Pure lookups for the nftables panel: the `nft list ruleset` snapshot split into its tables
 * with the chain each line belongs to, and the marks of the rules nf_tables evaluated at a
 * step. No React; unit-tested.
 */
import type { TableSnapshot, TraceEvent } from '../types';
import { isNftEvent, type RuleMark } from './netfilter-select';

export interface NftLine {
  /** Index in the snapshot's rows. */
  index: number;
  row: string;
  origin?: string;
  /** The chain whose block holds this line (its base chain line and rules), else null. */
  chain: string | null;
}

export interface NftTableBlock {
  /** "inet filter", "ip nat": family and name, as the Trace's traversed rules name the table. */
  table: string;
  lines: NftLine[];
}

const blockCache = new WeakMap<TableSnapshot, NftTableBlock[]>();

/** `table inet filter {` opens a table; `\tchain forward {` a chain; `\t}` closes a chain or set. */
function tableBlocks(snap: TableSnapshot): NftTableBlock[] {
  const blocks: NftTableBlock[] = [];
  let cur: NftTableBlock | null = null;
  let chain: string | null = null;
  snap.rows.forEach((row, index) => {
    const table = /^table (\S+ \S+) \{$/.exec(row);
    if (table || !cur) {
      cur = { table: table ? table[1]! : '', lines: [] };
      blocks.push(cur);
    }
    const open = /^\tchain (\S+) \{$/.exec(row);
    if (open) chain = open[1]!;
    const origin = snap.origins?.[index];
    cur.lines.push({ index, row, chain: open ? null : chain, ...(origin ? { origin } : {}) });
    if (row === '\t}' || row === '}') chain = null;
  });
  return blocks;
}

/** The lines of an 'nftables' snapshot, one block per table (memoised per snapshot). */
export function nftTableBlocks(snap: TableSnapshot): NftTableBlock[] {
  let blocks = blockCache.get(snap);
  if (!blocks) {
    blocks = tableBlocks(snap);
    blockCache.set(snap, blocks);
  }
  return blocks;
}

/**
 * A rule's identity across steps: its table, chain and text without the counter's values (a
 * counter counts the packet after the Trace named the rule, so the listing moves on).
 */
export function nftRuleKey(table: string, chain: string, row: string): string {
  return `${table}\u0000${chain}\u0000${row.replace(/counter packets \d+ bytes \d+/g, 'counter')}`;
}

/** What happened to each nft rule at this event in `netns`, keyed by nftRuleKey. */
export function nftMarks(ev: TraceEvent | undefined, netns: string): Map<string, RuleMark> {
  const marks = new Map<string, RuleMark>();
  if (!ev || ev.netns !== netns || !isNftEvent(ev)) return marks;
  (ev.traversed ?? []).forEach((t, i) => {
    const key = nftRuleKey(t.table, t.chain, t.row);
    const m = marks.get(key) ?? { order: [], matched: false };
    m.order.push(i + 1);
    m.matched ||= t.matched;
    marks.set(key, m);
  });
  return marks;
}

/** The rule (or base chain's policy line) whose verdict decided this event, as nftRuleKey, or null. */
export function nftDecidedKey(ev: TraceEvent | undefined, netns: string): string | null {
  const d = ev?.decidedBy;
  if (!ev || !d || d.table !== 'nftables' || d.netns !== netns) return null;
  const t = [...(ev.traversed ?? [])].reverse().find((x) => x.row === d.row);
  return t ? nftRuleKey(t.table, t.chain, t.row) : null;
}

/** The rules counted in "N rules evaluated": rules, not the base chain's policy line. */
export function nftRulesEvaluated(ev: TraceEvent): number {
  return (ev.traversed ?? []).filter((t) => !/^\t*type \S+ hook /.test(t.row)).length;
}
