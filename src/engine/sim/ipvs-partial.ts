/**
 * Big IPVS tables in the Trace. kube-proxy's IPVS mode makes a virtual server per Service
 * port (and per node address for a NodePort): at 10,000 Services `ipvsadm -Ln` is 40,000
 * rows, 2 MB a version. Such a table is recorded in part, as a big iptables table is
 * (iptables-partial.ts): its state is frozen (the services, their real servers and the
 * connections, by reference), and when the flow has ended only the virtual services the
 * journey was scheduled by in that namespace become rows. The whole table stays one request
 * away (netnsTables).
 */
import type { Netns } from '../kernel/netns';
import { parseIp } from '../net/ipv4';
import {
  IPVS_HEADER,
  realRow,
  serviceRow,
  type Ipvs,
  type RealServer,
  type VirtualService,
} from '../kernel/ipvs';
import type { Rows } from '../commands/show';

/** A namespace with more `ipvsadm -Ln` rows than this has its IPVS table recorded in part. */
export const PARTIAL_IPVS_ROWS = 2000;

/** The table as it stood: each service with its scheduler and real servers then, and the connections. */
export interface FrozenIpvs {
  services: { vs: VirtualService; scheduler: string; reals: RealServer[] }[];
  conns: Ipvs['conns'];
  /** Rows of the whole table, as `ipvsadm -Ln` prints it. */
  total: number;
}

/** The services as they stood at a serial of their table (shared by every version until it changes). */
const frozenServices = new WeakMap<
  Ipvs,
  { serial: number; services: FrozenIpvs['services']; total: number }
>();

function servicesOf(ipvs: Ipvs): { services: FrozenIpvs['services']; total: number } {
  const known = frozenServices.get(ipvs);
  if (known && known.serial === ipvs.serial) return known;
  let total = 3 + ipvs.services.length;
  for (const vs of ipvs.services) total += vs.reals.length;
  const services =
    total <= PARTIAL_IPVS_ROWS
      ? []
      : ipvs.services.map((vs) => ({ vs, scheduler: vs.scheduler, reals: vs.reals.slice() }));
  const f = { serial: ipvs.serial, services, total };
  frozenServices.set(ipvs, f);
  return f;
}

/** The IPVS table of `ns`, frozen, when it has more than PARTIAL_IPVS_ROWS rows; else undefined. */
export function freezeIpvs(ns: Netns): FrozenIpvs | undefined {
  const ipvs = ns.ipvs;
  if (!ipvs) return undefined;
  const { services, total } = servicesOf(ipvs);
  if (total <= PARTIAL_IPVS_ROWS) return undefined;
  return { services, conns: ipvs.conns.slice(), total };
}

/** Do two frozen tables read the same (the same services, schedulers, real servers and connections)? */
export function sameFrozenIpvs(a: FrozenIpvs, b: FrozenIpvs): boolean {
  if (a.total !== b.total || a.services.length !== b.services.length) return false;
  if (a.conns.length !== b.conns.length || a.conns.some((c, i) => b.conns[i] !== c)) return false;
  if (a.services === b.services) return true;
  return a.services.every((x, i) => {
    const y = b.services[i]!;
    return x.vs === y.vs && x.scheduler === y.scheduler && x.reals.every((r, k) => y.reals[k] === r);
  });
}

/** A service header row (serviceRow's) read back: protocol, VIP and port. */
const SERVICE_ROW = /^(TCP|UDP) {2}([\d.]+):(\d+) \S+$/;

function parseServiceRow(row: string): { proto: string; vip: number; port: number } | null {
  const m = SERVICE_ROW.exec(row);
  const vip = m ? parseIp(m[2]!) : null;
  return m && vip !== null ? { proto: m[1]!.toLowerCase(), vip: vip >>> 0, port: Number(m[3]) } : null;
}

/**
 * The rows of a frozen table restricted to the services whose header row is in `used` (as
 * the events' decidedBy names them), in `ipvsadm -Ln` order and layout (Ipvs.rows).
 */
export function partialIpvsRows(f: FrozenIpvs, used: ReadonlySet<string>): Rows {
  const rows = IPVS_HEADER.slice();
  // The used rows read back, so the services are matched by their fields, not by formatting 10,000 rows.
  const wanted = [...used].flatMap((r) => parseServiceRow(r) ?? []);
  for (const { vs, scheduler, reals } of f.services) {
    if (!wanted.some((w) => w.port === vs.port && w.vip === vs.vip >>> 0 && w.proto === vs.proto)) continue;
    const head = serviceRow(vs, scheduler);
    if (!used.has(head)) continue;
    rows.push(head);
    for (const r of reals) rows.push(realRow(r, f.conns.filter((c) => c.vs === vs && c.real === r).length));
  }
  return { rows, origins: rows.map(() => '') };
}
