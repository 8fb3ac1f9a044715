/**
 * Tables as the real tools print them: `ip route` (main, then `table local` rows as
 * `ip route show table all` prints them), `ip neigh`, `bridge fdb show`, `ip -br addr`.
 * Each row carries the provenance of whoever wrote it.
 */
import { formatIp } from '../net/ipv4';
import type { TableName } from '../kernel/trace';
import type { Device } from '../kernel/device';
import { Bridge } from '../kernel/devices/bridge';
import { Vxlan } from '../kernel/devices/vxlan';
import { Fdb } from '../kernel/fdb';
import { NeighTable } from '../kernel/neigh';
import { Neigh6Table } from '../kernel/neigh6';
import { formatRoute6 } from '../kernel/route6';
import type { Netns } from '../kernel/netns';
import { formatRule } from '../kernel/fib-rules';
import { ruleRow6 } from '../kernel/stack/fib-rule-events';
import { formatRoute } from '../kernel/routes';

export interface Rows {
  rows: string[];
  origins: string[];
}

export function routeRows(ns: Netns): Rows {
  // Main, then any other table, then `table local` rows.
  const all = ns.routes.shownOrder();
  const rows: string[] = [];
  const origins: string[] = [];
  // Once `ip rule` is not the default list, the rules that pick the table come first.
  if (ns.routes.customRules) {
    for (const r of ns.routes.rules) {
      rows.push(formatRule(r, (name) => ns.device(name) !== undefined));
      origins.push(r.origin);
    }
  }
  for (const r of all) {
    rows.push(formatRoute(r));
    origins.push(r.origin);
  }
  // Then `ip -6 rule` once it is not the starting list, and `ip -6 route show table all`
  // (empty while IPv6 is disabled).
  if (ns.routes6.customRules) {
    for (const r of ns.routes6.rules) {
      rows.push(ruleRow6(ns, r));
      origins.push(r.origin);
    }
  }
  for (const r of ns.routes6.list('all')) {
    rows.push(formatRoute6(r, true));
    origins.push(r.origin);
  }
  return { rows, origins };
}

export function neighRows(ns: Netns): Rows {
  const es = ns.neigh.sorted();
  const es6 = ns.neigh6.sorted();
  return {
    rows: [...es.map((e) => NeighTable.format(e)), ...es6.map(Neigh6Table.format)],
    origins: [...es.map((e) => e.origin), ...es6.map((e) => e.origin)],
  };
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
    // Addresses end in a digit: only a row without any has padding to trim.
    const head = `${name.padEnd(16)} ${d.operState().padEnd(8)}`;
    rows.push(addrs !== '' ? `${head} ${addrs}` : `${head} `.trimEnd());
    origins.push(d.origin);
  }
  return { rows, origins };
}

/** linkFlags() joined, by what it depends on: loopback/noarp/other, and down/no carrier/up. */
const flagsTexts: string[] = [];

function flagsText(d: Device): string {
  const i = (d.kind === 'loopback' ? 0 : d.noarp ? 3 : 6) + (d.adminUp ? (d.carrier() ? 2 : 1) : 0);
  return (flagsTexts[i] ??= d.linkFlags().join(','));
}

export function linkRows(ns: Netns): Rows {
  const rows: string[] = [];
  const origins: string[] = [];
  for (const d of ns.devicesInOrder()) {
    const name = d.kind === 'veth' ? `${d.name}@if${d.iflink()}` : d.name;
    const master = d.master ? ` master ${d.master.name}` : '';
    rows.push(
      `${d.ifindex}: ${name}: <${flagsText(d)}> mtu ${d.mtu}${master} state ${d.operState()} link/${d.kind === 'loopback' ? 'loopback' : d.linkType === 'raw' ? 'none' : 'ether'} ${d.mac}`,
    );
    origins.push(d.origin);
  }
  return { rows, origins };
}

export function sysctlRows(ns: Netns): Rows {
  const rows = ns.sysctl.shownRows(ns.devicesInOrder().map((d) => d.name));
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
