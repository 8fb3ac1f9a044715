/** The kernel-table panels printed as plain rows (iptables and Conntrack have their own). */
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
