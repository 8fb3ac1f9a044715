/**
 * Big iptables rule sets in the Trace. kube-proxy writes 11 rules a Service: at 10,000
 * Services a node's table is 110,000 rows, 10 MB of text, and reading it is most of a
 * trace. Such a table is recorded in part: its state is frozen (chain objects are
 * copy-on-write, so freezing is keeping references), and when the flow has ended only the
 * built-in chains and the chains the journey walked in that namespace become rows, in the
 * order `iptables -S` prints them. The whole table stays one request away (netnsTables).
 */
import type { Netns } from '../kernel/netns';
import { visibleTables } from '../kernel/netfilter/tables';
import { formatRule, printedSpec } from '../kernel/netfilter/xt-text';
import { BUILTIN_CHAINS, type Chain, type Rule, type TableId } from '../kernel/netfilter/types';
import type { Rows } from '../commands/show';

/** A namespace with more rules than this has its iptables table recorded in part. */
export const PARTIAL_RULES = 2000;

/**
 * A walked chain with more rules than this keeps only the rows the journey named: the rules it
 * stopped at and the ends of the runs it passed (the Trace's `traversed` entries).
 */
export const LONG_CHAIN = 256;

/**
 * The tables as they stood: per visible table, its chains in the table's order (a written
 * chain is a new object: copy-on-write). An array, not a Map: copying kube-proxy's 40,000
 * chains into a new Map costs a hundred times more, and only a few are ever looked up.
 */
export interface FrozenIptables {
  tables: { id: TableId; chains: Chain[] }[];
  /** Rows of the whole table, as iptablesRows would give them. */
  total: number;
}

/** The iptables tables of `ns`, frozen, when they hold more than PARTIAL_RULES rules; else undefined. */
export function freezeIptables(ns: Netns): FrozenIptables | undefined {
  const st = ns.iptables;
  if (!st) return undefined;
  const ids = visibleTables(st);
  let rules = 0;
  let chains = 0;
  for (const id of ids) {
    chains += st.tables[id].chains.size;
    for (const c of st.tables[id].chains.values()) rules += c.rules.length;
  }
  if (rules <= PARTIAL_RULES) return undefined;
  const tables = ids.map((id) => ({ id, chains: Array.from(st.tables[id].chains.values()) }));
  return { tables, total: ids.length + chains + rules };
}

/** Do two frozen states hold the same chains (the same objects: a written chain is a copy)? */
export function sameFrozen(a: FrozenIptables, b: FrozenIptables): boolean {
  if (a.total !== b.total || a.tables.length !== b.tables.length) return false;
  for (let t = 0; t < a.tables.length; t++) {
    const x = a.tables[t]!;
    const y = b.tables[t]!;
    if (x.id !== y.id || x.chains.length !== y.chains.length) return false;
    for (let k = 0; k < x.chains.length; k++) if (x.chains[k] !== y.chains[k]) return false;
  }
  return true;
}

/**
 * The rows of a frozen table restricted to the built-in chains and those in `walked`
 * ("TABLE CHAIN" keys), in iptablesRows' order: "*T", the -P/-N lines, then the rules. Of a
 * chain longer than LONG_CHAIN only the rows in `named` ("TABLE\0ROW" keys) are kept.
 */
export function partialRows(
  f: FrozenIptables,
  walked: ReadonlySet<string>,
  named: ReadonlySet<string> = new Set(),
): Rows {
  const rows: string[] = [];
  const origins: string[] = [];
  for (const t of f.tables) {
    const builtins = BUILTIN_CHAINS[t.id];
    const byName = new Map<string, Chain>();
    for (const c of t.chains)
      if (builtins.includes(c.name) || walked.has(`${t.id} ${c.name}`)) byName.set(c.name, c);
    const user = [...byName.keys()].filter((name) => !builtins.includes(name));
    user.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const chains: Chain[] = [];
    for (const name of [...builtins, ...user]) {
      const c = byName.get(name);
      if (c) chains.push(c);
    }
    rows.push(`*${t.id}`);
    origins.push('');
    for (const c of chains) {
      rows.push(c.policy ? `-P ${c.name} ${c.policy}` : `-N ${c.name}`);
      origins.push('');
    }
    for (const c of chains) {
      const long = c.rules.length > LONG_CHAIN;
      for (const r of c.rules) {
        if (long && !namedRule(named, t.id, c.name, r)) continue;
        rows.push(formatRule(t.id, c.name, r));
        origins.push(r.origin);
      }
    }
  }
  return { rows, origins };
}

/** Did the journey name rule `r` of `chain`? A rule never printed was named by no walk. */
function namedRule(named: ReadonlySet<string>, table: TableId, chain: string, r: Rule): boolean {
  const spec = printedSpec(r);
  return spec !== undefined && named.has(`${table}\u0000-A ${chain}${spec}`);
}
