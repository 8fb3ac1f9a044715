/** Every table the Trace records, by name: the kernel's, plus iptables, nftables and conntrack. */
import type { Netns } from '../kernel/netns';
import type { World } from '../kernel/world';
import { TABLE_READERS as KERNEL_READERS, type Rows } from '../commands/show';
import { conntrackOf } from '../kernel/netfilter/engine';
import { tableRows } from '../commands/iptables/format';
import { nftRulesetLines } from '../kernel/netfilter/nft-text';
import { orderedChains, visibleTables } from '../kernel/netfilter/tables';
import type { TableName, TableSnapshot } from '../kernel/trace';
import type { IptablesState } from '../kernel/netfilter/state';

function xtRows(st: IptablesState): Rows {
  const rows = tableRows(st);
  // Provenance in the same order tableRows lists: table header, chain lines, then each chain's rules.
  const origins: string[] = [];
  for (const id of visibleTables(st)) {
    const chains = orderedChains(st.tables[id]);
    origins.push('', ...chains.map(() => ''));
    for (const c of chains) for (const r of c.rules) origins.push(r.origin);
  }
  return { rows, origins: origins.length === rows.length ? origins : rows.map(() => '') };
}

/** ip6tables' tables, as `*table` and `ip6tables -t table -S` lines; ip6tables-legacy's after. */
function ip6tablesRows(ns: Netns): Rows {
  const nft = ns.ip6tables ? xtRows(ns.ip6tables) : { rows: [], origins: [] };
  const legacy = ns.ip6tablesLegacy ? xtRows(ns.ip6tablesLegacy) : { rows: [], origins: [] };
  if (legacy.rows.length === 0) return nft;
  return {
    rows: [...nft.rows, '# ip6tables-legacy', ...legacy.rows],
    origins: [...nft.origins, '', ...legacy.origins],
  };
}

/** iptables-nft's rules (what plain iptables shows), then iptables-legacy's, a rule set of their own. */
function iptablesRows(ns: Netns): Rows {
  const nft = ns.iptables ? xtRows(ns.iptables) : { rows: [], origins: [] };
  const legacy = ns.iptablesLegacy ? xtRows(ns.iptablesLegacy) : { rows: [], origins: [] };
  if (legacy.rows.length === 0) return nft;
  return {
    rows: [...nft.rows, '# iptables-legacy', ...legacy.rows],
    origins: [...nft.origins, '', ...legacy.origins],
  };
}

function nftablesRows(ns: Netns): Rows {
  if (!ns.nftables) return { rows: [], origins: [] };
  const origins: string[] = [];
  const rows = nftRulesetLines(ns.nftables, origins);
  return { rows, origins };
}

function conntrackRows(ns: Netns): Rows {
  const rows = conntrackOf(ns)?.rows() ?? [];
  return { rows, origins: rows.map(() => 'kernel') };
}

function ipvsRows(ns: Netns): Rows {
  const rows = ns.ipvs ? ns.ipvs.rows() : [];
  return { rows, origins: rows.map(() => '') };
}

export const TABLE_READERS: Partial<Record<TableName, (ns: Netns) => Rows>> = {
  ...KERNEL_READERS,
  iptables: iptablesRows,
  ip6tables: ip6tablesRows,
  nftables: nftablesRows,
  conntrack: conntrackRows,
  ipvs: ipvsRows,
};

/** Tables that have no version until they have rows (see TableSnapshot). */
export const SPARSE_TABLES: ReadonlySet<TableName> = new Set<TableName>([
  'iptables',
  'ip6tables',
  'nftables',
  'conntrack',
  'ipvs',
]);

/**
 * The tables of one namespace as they stand, in the Trace's shape (versions at step 0): what
 * a viewer asks the engine for when it shows a namespace the journey never touched, whose
 * tables the Trace does not carry. Undefined when the world has no such namespace.
 */
export function netnsTables(world: World, name: string): TableSnapshot[] | undefined {
  const ns = world.netns.get(name);
  if (!ns) return undefined;
  const out: TableSnapshot[] = [];
  for (const [table, read] of Object.entries(TABLE_READERS) as [TableName, (ns: Netns) => Rows][]) {
    const { rows, origins } = read(ns);
    if (rows.length === 0 && SPARSE_TABLES.has(table)) continue;
    out.push({ step: 0, netns: name, table, rows, origins });
  }
  return out;
}
