/**
 * Pure lookups for the iptables and Conntrack panels: the `iptables -S` and `ip6tables -S`
 * snapshots grouped by table, and the marks of the rules traversed at a step. No React; unit-tested.
 */
import type { TableSnapshot, TraceEvent, TraversedRule } from '../types';

export interface RuleRow {
  /** Index in the snapshot's rows. */
  index: number;
  row: string;
  origin?: string;
  /** The chain a `-P`, `-N` or `-A` line is about. */
  chain: string | null;
}

export interface RuleGroup {
  /** filter, nat, mangle, raw… (from the `*table` header line). */
  table: string;
  rows: RuleRow[];
  /** The table belongs to iptables-legacy's rule set, listed after iptables-nft's (sim/tables.ts). */
  legacy?: true;
}

/** The row sim/tables.ts puts between iptables-nft's tables and iptables-legacy's. */
const LEGACY_ROW = '# iptables-legacy';

const groupCache = new WeakMap<TableSnapshot, RuleGroup[]>();

function chainOf(row: string): string | null {
  const m = /^-[APN] (\S+)/.exec(row);
  return m ? m[1]! : null;
}

/** The rows of an 'iptables' snapshot, grouped under their `*table` headers (memoised per snapshot). */
export function groupRules(snap: TableSnapshot): RuleGroup[] {
  let groups = groupCache.get(snap);
  if (groups) return groups;
  groups = [];
  let cur: RuleGroup | null = null;
  let legacy = false;
  snap.rows.forEach((row, index) => {
    if (row === LEGACY_ROW) {
      legacy = true;
      return;
    }
    if (row.startsWith('*')) {
      cur = { table: row.slice(1).trim(), rows: [], ...(legacy ? { legacy: true as const } : {}) };
      groups!.push(cur);
      return;
    }
    if (row === 'COMMIT' || row.trim() === '') return;
    if (!cur) {
      cur = { table: 'filter', rows: [] };
      groups!.push(cur);
    }
    const origin = snap.origins?.[index];
    cur.rows.push({ index, row, chain: chainOf(row), ...(origin ? { origin } : {}) });
  });
  groupCache.set(snap, groups);
  return groups;
}

export interface RuleMark {
  /** 1-based positions in the order the rules were evaluated at this step (a rule can be reached twice). */
  order: number[];
  matched: boolean;
  /** For `-m statistic --mode random`: the probability of matching when reached. */
  probability?: number;
}

export const ruleKey = (table: string, row: string): string => `${table}\u0000${row}`;

/** How many rules (and policies) a traversal evaluated: a run of passed rules counts each. */
export function evaluatedCount(traversed: readonly TraversedRule[]): number {
  let n = 0;
  for (const t of traversed) n += t.count ?? 1;
  return n;
}

/**
 * What happened to each rule at this event in `netns`, keyed by ruleKey(table, row). A run of
 * rules passed without a match (one `traversed` entry from `row` to `last`) marks every row of
 * its chain between the two in `groups`, numbered by their place in the chain.
 */
export function ruleMarks(
  ev: TraceEvent | undefined,
  netns: string,
  groups: readonly RuleGroup[] = [],
): Map<string, RuleMark> {
  const marks = new Map<string, RuleMark>();
  if (!ev || ev.netns !== netns) return marks;
  const mark = (table: string, row: string, order: number, t: TraversedRule): void => {
    const key = ruleKey(table, row);
    const m = marks.get(key) ?? { order: [], matched: false };
    m.order.push(order);
    m.matched ||= t.matched;
    if (t.probability !== undefined) m.probability = t.probability;
    marks.set(key, m);
  };
  let n = 1;
  for (const t of ev.traversed ?? []) {
    if (t.count === undefined) mark(t.table, t.row, n, t);
    else for (const [row, k] of runRows(groups, t)) mark(t.table, row, n + k, t);
    n += t.count ?? 1;
  }
  return marks;
}

/** The rows a run stands for that the listing holds, with their offset in the run. */
function runRows(groups: readonly RuleGroup[], t: TraversedRule): [string, number][] {
  const rows = groups.find((g) => g.table === t.table)?.rows.filter((r) => r.chain === t.chain) ?? [];
  const start = rows.findIndex((r) => r.row === t.row);
  if (start < 0) return [[t.row, 0]];
  const out: [string, number][] = [];
  for (let k = start; k < rows.length; k++) {
    const row = rows[k]!.row;
    // A listing cut short keeps only a run's ends: the last row is numbered by the run's length.
    out.push([row, row === t.last ? t.count! - 1 : k - start]);
    if (row === t.last) break;
  }
  return out;
}

/**
 * The rule (or chain policy) whose verdict decided this event, as ruleKey(table, row), or null.
 * Its table is the one of the last traversed entry with that text (a policy line such as
 * "-P INPUT ACCEPT" exists in several tables), else the first table that has the row.
 */
export function decidedRuleKey(
  groups: readonly RuleGroup[],
  ev: TraceEvent | undefined,
  netns: string,
  tool: XtTool = 'iptables',
): string | null {
  const d = ev?.decidedBy;
  if (!ev || !d || d.table !== tool || d.netns !== netns) return null;
  const t = [...(ev.traversed ?? [])].reverse().find((x) => x.row === d.row);
  if (t) return ruleKey(t.table, d.row);
  for (const g of groups) if (g.rows.some((r) => r.row === d.row)) return ruleKey(g.table, d.row);
  return null;
}

/** "50%", "33.3%", "0.1%". */
export function formatProbability(p: number): string {
  const pct = p * 100;
  return `${parseFloat(pct >= 1 ? pct.toFixed(1) : pct.toPrecision(2))}%`;
}

/** A one-line summary of the rules evaluated at this step: "10 rules evaluated in filter FORWARD". */
export function traversalSummary(ev: TraceEvent | undefined, netns: string): string | null {
  if (!ev || ev.netns !== netns || !ev.traversed || ev.traversed.length === 0) return null;
  const first = ev.traversed[0]!;
  const n = evaluatedCount(ev.traversed.filter((t) => !t.row.startsWith('-P ')));
  const rules = `${n} rule${n === 1 ? '' : 's'}`;
  return `${rules} evaluated from ${first.table} ${first.chain}`;
}

/** The two xtables front ends: IPv4's rules and IPv6's (NFPROTO_IPV6) are separate tables. */
export type XtTool = 'iptables' | 'ip6tables';

/**
 * The event whose rules `tool`'s listing of `netns` marks, or undefined. Each family's chains
 * name their own table in `decidedBy` (both families have a "filter FORWARD" with a "-P FORWARD
 * DROP" line, so the traversal alone cannot tell them apart); a traversal with no decider is
 * IPv4's, as before ip6tables existed.
 */
export function xtEvent(ev: TraceEvent | undefined, netns: string, tool: XtTool): TraceEvent | undefined {
  if (!ev || ev.netns !== netns || isNftEvent(ev)) return undefined;
  const d = ev.decidedBy?.table;
  if (tool === 'ip6tables') return d === 'ip6tables' ? ev : undefined;
  return d === 'iptables' || (ev.traversed?.length && d !== 'ip6tables') ? ev : undefined;
}

/**
 * What a listing holds: no rule at all ('none'), only the built-in chains' ACCEPT policies
 * ('policies', the state of a netns whose modules loaded but nobody wrote a rule), or rules.
 */
export function xtContent(snap: TableSnapshot | undefined): 'none' | 'policies' | 'rules' {
  const rules = snap?.rows.filter((r) => !r.startsWith('*') && r !== 'COMMIT' && r.trim() !== '') ?? [];
  if (rules.length === 0) return 'none';
  return rules.every((r) => /^-P \S+ ACCEPT$/.test(r)) ? 'policies' : 'rules';
}

/** Is this event nf_tables' own (its decision, or the rules it walked)? */
export function isNftEvent(ev: TraceEvent | undefined): boolean {
  return ev?.decidedBy?.table === 'nftables';
}

export interface WalkSummary {
  /** Rules looked at, the chains' policies not counted. */
  count: number;
  table: string;
  chain: string;
  /** Set when no rule applied and a chain's policy (ACCEPT, DROP) decided the packet. */
  policy?: string;
}

/**
 * What the rule walk of one step amounts to. A walk that met no rule and ended at a policy says
 * which policy: "0 rules evaluated" there hid the verdict that decided the packet.
 */
export function walkSummary(traversed: NonNullable<TraceEvent['traversed']>): WalkSummary {
  const first = traversed[0]!;
  const count = evaluatedCount(traversed.filter((r) => !r.row.startsWith('-P ')));
  const policy = traversed.find((r) => r.row.startsWith('-P '));
  if (count === 0 && policy) {
    const [, chain, verdict] = policy.row.split(' ');
    return { count, table: policy.table, chain: chain!, policy: verdict! };
  }
  return { count, table: first.table, chain: first.chain };
}
