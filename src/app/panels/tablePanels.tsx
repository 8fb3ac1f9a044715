/** The five kernel-table panels. */
import { TablePanel } from './TablePanel';

export function RoutesPanel() {
  return (
    <TablePanel
      id="routes"
      title="Routes"
      table="routes"
      tool="ip route"
      missing={(ns) => `No route table recorded for ${ns}.`}
      empty={(ns) => `${ns} has no routes.`}
    />
  );
}

export function NeighborsPanel() {
  return (
    <TablePanel
      id="neigh"
      title="Neighbors"
      table="neigh"
      tool="ip neigh"
      missing={(ns) => `No neighbour table recorded for ${ns}.`}
      empty={(ns) => `${ns} has no neighbour entries yet.`}
    />
  );
}

export function FdbPanel() {
  return (
    <TablePanel
      id="fdb"
      title="Bridge FDB"
      table="fdb"
      tool="bridge fdb show"
      missing={(ns) => `${ns} has no bridge, so no forwarding database.`}
      empty={(ns) => `${ns} has no bridge, so no forwarding database.`}
    />
  );
}

export function IptablesPanel() {
  return (
    <TablePanel
      id="iptables"
      title="iptables"
      table="iptables"
      tool="iptables-save"
      missing={(ns) => `No iptables rules are loaded in ${ns}: every chain accepts.`}
      empty={(ns) => `No iptables rules are loaded in ${ns}: every chain accepts.`}
    />
  );
}

export function ConntrackPanel() {
  return (
    <TablePanel
      id="conntrack"
      title="Conntrack"
      table="conntrack"
      tool="conntrack -L"
      missing={(ns) => `No connections are tracked in ${ns} (no netfilter rules are loaded).`}
      empty={(ns) => `No connections are tracked in ${ns}.`}
    />
  );
}
