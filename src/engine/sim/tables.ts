/** Every table the Trace records, by name: the kernel's, plus iptables and conntrack. */
import type { Netns } from '../kernel/netns';
import { TABLE_READERS as KERNEL_READERS, type Rows } from '../kernel/show';
import { conntrackOf } from '../netfilter/engine';
import { tableRows } from '../netfilter/format';
import { orderedChains, visibleTables } from '../netfilter/tables';
import type { TableName } from './trace';

function iptablesRows(ns: Netns): Rows {
  const st = ns.iptables;
  if (!st) return { rows: [], origins: [] };
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
  conntrack: conntrackRows,
  ipvs: ipvsRows,
};
