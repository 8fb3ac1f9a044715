/**
 * Which panel decided a step: the table named by the event's `decidedBy` (ip6tables' rules are
 * in the iptables panel), iptables when rules were traversed, else the header stack (the packet
 * itself is the story of a plain move). The side column brings that panel forward, scrolled to
 * its highlighted row.
 */
import type { PanelId } from '../state/store';
import type { TableName, TraceEvent } from '../types';

const TABLE_PANEL: Partial<Record<TableName, PanelId>> = {
  routes: 'routes',
  neigh: 'neigh',
  fdb: 'fdb',
  iptables: 'iptables',
  // IPv6's xtables rules are listed in the same panel, below IPv4's.
  ip6tables: 'iptables',
  nftables: 'nftables',
  conntrack: 'conntrack',
};

export function deciderPanel(ev: TraceEvent | undefined): PanelId {
  const table = ev?.decidedBy?.table;
  const byTable = table ? TABLE_PANEL[table] : undefined;
  if (byTable) return byTable;
  if (ev?.traversed?.length) return 'iptables';
  return 'headers';
}

/** The side column's panels, in the order they follow the one that decided. */
export const COLUMN_PANELS: readonly PanelId[] = [
  'headers',
  'capture',
  'routes',
  'neigh',
  'fdb',
  'iptables',
  'nftables',
  'conntrack',
  'events',
  'terminal',
  'changes',
];

/** The column's order for a step: the deciding panel first, then the header stack, then the rest. */
export function columnOrder(decider: PanelId): PanelId[] {
  const rest = COLUMN_PANELS.filter((p) => p !== decider && p !== 'headers');
  return decider === 'headers' ? ['headers', ...rest] : [decider, 'headers', ...rest];
}
