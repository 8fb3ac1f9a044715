/**
 * Tables as the real tools print them: `ip route` (main, then `table local` rows as
 * `ip route show table all` prints them), `ip neigh`, `bridge fdb show`, `ip -br addr`.
 * Each row carries the provenance of whoever wrote it.
 */
import { formatIp } from '../net/ipv4';
import type { TableName } from '../sim/trace';
import { Bridge } from './devices/bridge';
import { Vxlan } from './devices/vxlan';
import { Fdb } from './fdb';
import { NeighTable } from './neigh';
import type { Netns } from './netns';
import { formatRoute, TABLE_LOCAL, TABLE_MAIN } from './routes';

export interface Rows {
  rows: string[];
  origins: string[];
}

export function routeRows(ns: Netns): Rows {
  const main = ns.routes.table(TABLE_MAIN);
  const others = ns.routes.routes.filter((r) => r.table !== TABLE_MAIN && r.table !== TABLE_LOCAL);
  const local = ns.routes.table(TABLE_LOCAL);
  const all = [...main, ...others, ...local];
  return { rows: all.map(formatRoute), origins: all.map((r) => r.origin) };
}

export function neighRows(ns: Netns): Rows {
  const es = ns.neigh.sorted();
  return { rows: es.map(NeighTable.format), origins: es.map((e) => e.origin) };
}

export function fdbRows(ns: Netns): Rows {
  const rows: string[] = [];
  const origins: string[] = [];
  const now = ns.world.sched.now;
  for (const dev of ns.devicesInOrder()) {
    if (dev instanceof Vxlan) {
      for (const e of dev.fdb) {
        rows.push(Vxlan.formatFdb(dev, e));
        origins.push(e.origin);
      }
      continue;
    }
    if (!(dev instanceof Bridge)) continue;
    const entries = dev.fdb
      .list(now)
      .sort(
        (a, b) =>
          a.port.ifindex - b.port.ifindex ||
          (a.local === b.local ? 0 : a.local ? 1 : -1) ||
          (a.mac < b.mac ? -1 : 1),
      );
    for (const e of entries) {
      rows.push(Fdb.format(e, dev.name));
      origins.push(e.origin);
    }
  }
  return { rows, origins };
}

export function addrRows(ns: Netns): Rows {
  const rows: string[] = [];
  const origins: string[] = [];
  for (const d of ns.devicesInOrder()) {
    const name = d.kind === 'veth' ? `${d.name}@if${d.iflink()}` : d.name;
    const addrs = d.addrs.map((a) => `${formatIp(a.addr)}/${a.len}`).join(' ');
    rows.push(`${name.padEnd(16)} ${d.operState().padEnd(8)} ${addrs}`.trimEnd());
    origins.push(d.origin);
  }
  return { rows, origins };
}

export function linkRows(ns: Netns): Rows {
  const rows: string[] = [];
  const origins: string[] = [];
  for (const d of ns.devicesInOrder()) {
    const name = d.kind === 'veth' ? `${d.name}@if${d.iflink()}` : d.name;
    const master = d.master ? ` master ${d.master.name}` : '';
    rows.push(
      `${d.ifindex}: ${name}: <${d.linkFlags().join(',')}> mtu ${d.mtu}${master} state ${d.operState()} link/${d.kind === 'loopback' ? 'loopback' : d.linkType === 'raw' ? 'none' : 'ether'} ${d.mac}`,
    );
    origins.push(d.origin);
  }
  return { rows, origins };
}

export function sysctlRows(ns: Netns): Rows {
  const keys = ['net.ipv4.ip_forward'];
  for (const scope of ['all', 'default', ...ns.devicesInOrder().map((d) => d.name)]) {
    for (const k of ['forwarding', 'proxy_arp', 'rp_filter']) keys.push(`net.ipv4.conf.${scope}.${k}`);
  }
  keys.push('net.bridge.bridge-nf-call-iptables');
  const rows = keys.filter((k) => ns.sysctl.has(k)).map((k) => `${k} = ${ns.sysctl.get(k)}`);
  return { rows, origins: rows.map(() => '') };
}

export function socketRows(ns: Netns): Rows {
  const rows = ns.sockets.rows();
  return { rows, origins: rows.map(() => '') };
}

export const TABLE_READERS: Partial<Record<TableName, (ns: Netns) => Rows>> = {
  routes: routeRows,
  neigh: neighRows,
  fdb: fdbRows,
  addrs: addrRows,
  links: linkRows,
  sysctl: sysctlRows,
  sockets: socketRows,
};
