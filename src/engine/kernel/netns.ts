/**
 * A network namespace: its devices, routing tables, neighbour table, sysctls and sockets.
 * Device lifecycle side effects (kernel routes on address add and link up, flushing on
 * link down) are applied here as the kernel applies them.
 */
import { broadcastOf, networkOf } from '../net/ipv4';
import type { TableName } from './trace';
import { Device, type IfAddr } from './device';
import { appendAddr, hasNetwork } from './addr-index';
import { NeighTable } from './neigh';
import { Neigh6Table } from './neigh6';
import { Route6Tables } from './route6';
import { addrconfDown, addrconfLinkChange, addrconfUp } from './addrconf';
import { RouteTables, TABLE_LOCAL, TABLE_MAIN, type Route, type RouteType, type Scope } from './routes';
import { Sockets } from './sockets';
import { Sysctls } from './sysctl';
import type { World } from './world';
import type { NetfilterHooks } from './nf-hook';
import type { Ipvs } from './ipvs';
import type { Skb } from './skb';

/**
 * linkwatch: a device coming up gives carrier to its veth peer (veth_open), and a port
 * with carrier gives it to its bridge; each that is now ready gets NETDEV_CHANGE.
 */
function carrierChanged(dev: Device): void {
  const peer = (dev as { peer?: Device }).peer;
  for (const d of [peer, dev.master, peer?.master]) if (d) addrconfLinkChange(d.netns, d);
}

/** Devices by name; remembers them in ifindex order until the set changes. */
class DeviceMap extends Map<string, Device> {
  ordered: Device[] | undefined;

  override set(name: string, dev: Device): this {
    this.ordered = undefined;
    return super.set(name, dev);
  }

  override delete(name: string): boolean {
    this.ordered = undefined;
    return super.delete(name);
  }

  override clear(): void {
    this.ordered = undefined;
    super.clear();
  }
}

export class Netns {
  /** A device's ifindex changes only while it is out of every map (moving between namespaces). */
  readonly devices: Map<string, Device> = new DeviceMap();
  readonly routes = new RouteTables();
  readonly neigh = new NeighTable();
  readonly routes6 = new Route6Tables();
  readonly neigh6 = new Neigh6Table();
  /** IPv6 ping sockets by echo identifier (the kernel's ping6 sockets, as iputils opens them). */
  readonly ping6 = new Map<number, { receive(skb: Skb): void; error(skb: Skb): void }>();
  readonly sysctl = new Sysctls();
  readonly sockets = new Sockets();
  /**
   * Files of the processes that live in this namespace (a pod's /etc/resolv.conf written by
   * kubelet, CoreDNS's Corefile): a pod has its own mount namespace beside its netns, and
   * the model keeps the two together, by absolute path.
   */
  readonly files = new Map<string, string>();
  /** net->loopback_dev: found by the device, not its name (lo can be renamed; local routes still use it). */
  loopback!: Device;
  /** The netfilter engine, once rules are loaded into this namespace. */
  netfilter?: NetfilterHooks;
  /** IPVS virtual services, once ipvsadm configured one here. */
  ipvs?: Ipvs;
  // The iptables and nf_tables rule sets of this namespace are fields netfilter adds to it
  // (netfilter/state.ts, netfilter/nft-types.ts): the core that runs the hooks never reads them.
  private nextIfindex = 1;
  private ipId = 1;

  constructor(
    readonly world: World,
    readonly name: string,
    readonly machine: string,
    readonly root: boolean,
  ) {
    this.routes.multipathSeed = () => this.sysctl.get('net.ipv4.fib_multipath_hash_seed');
  }

  changed(table: TableName): void {
    for (const o of this.world.observers) o.tableChanged(this, table);
  }

  allocIfindex(want?: number): number {
    if (want !== undefined && ![...this.devices.values()].some((d) => d.ifindex === want)) {
      this.nextIfindex = Math.max(this.nextIfindex, want + 1);
      return want;
    }
    return this.nextIfindex++;
  }

  nextIpId(): number {
    const id = this.ipId;
    this.ipId = (this.ipId + 1) & 0xffff;
    return id;
  }

  devicesInOrder(): Device[] {
    const devices = this.devices as DeviceMap;
    if (!devices.ordered) {
      const list = [...devices.values()];
      // Usually registered in ifindex order already (moving a device in can break it).
      for (let i = 1; i < list.length; i++) {
        if (list[i - 1]!.ifindex > list[i]!.ifindex) {
          list.sort((a, b) => a.ifindex - b.ifindex);
          break;
        }
      }
      devices.ordered = list;
    }
    return devices.ordered.slice();
  }

  device(name: string): Device | undefined {
    return this.devices.get(name);
  }

  deviceByIndex(ifindex: number): Device | undefined {
    for (const d of this.devices.values()) if (d.ifindex === ifindex) return d;
    return undefined;
  }

  attach(dev: Device): void {
    this.devices.set(dev.name, dev);
    dev.netns = this;
    this.sysctl.addDevice(dev.name);
    this.changed('links');
  }

  /** Unregister a device: routes, neighbours and bridge membership go with it. */
  removeDevice(dev: Device): void {
    if (this.devices.get(dev.name) !== dev) return;
    // macvlan_device_event NETDEV_UNREGISTER: a lower device takes its macvlans with it.
    for (const v of dev.stackedOn?.() ?? []) v.netns.removeDevice(v);
    this.setDown(dev);
    for (const p of this.devicesInOrder()) if (p.master === dev) this.setMaster(p, undefined);
    if (dev.master) this.setMaster(dev, undefined);
    this.routes.remove((r) => r.dev === dev);
    this.neigh.flushDevice(dev);
    this.devices.delete(dev.name);
    this.sysctl.removeDevice(dev.name);
    dev.detach();
    this.changed('links');
    this.changed('routes');
    this.changed('addrs');
  }

  /** ip link set master / nomaster: the old master and the new one are told (lowerEvent). */
  setMaster(dev: Device, master: Device | undefined): void {
    const old = dev.master;
    if (old === master) return;
    dev.master = master;
    old?.lowerEvent('unlinked', dev);
    if (master) {
      master.lowerEvent('linked', dev);
      addrconfLinkChange(this, master);
    }
    this.changed('fdb');
    this.changed('links');
  }

  /** ip link set up: and, as fib_netdev_event does on NETDEV_UP, the address routes. */
  setUp(dev: Device): void {
    if (dev.adminUp) return;
    dev.adminUp = true;
    if (dev.kind === 'loopback' && !dev.addrs.some((a) => a.addr === 0x7f000001)) {
      // inetdev_event adds 127.0.0.1/8 to lo when it comes up.
      dev.addrs.unshift({ addr: 0x7f000001, len: 8, scope: 'host', secondary: false, origin: 'kernel' });
    }
    for (const a of dev.addrs) this.addAddrRoutes(dev, a, true);
    dev.master?.lowerEvent('up', dev);
    addrconfUp(this, dev);
    carrierChanged(dev);
    this.changed('links');
    this.changed('routes');
  }

  /** ip link set down: every route through the device is flushed, its neighbours too. */
  setDown(dev: Device): void {
    if (!dev.adminUp) return;
    dev.adminUp = false;
    this.routes.remove((r) => r.dev === dev);
    this.neigh.flushDevice(dev);
    addrconfDown(this, dev);
    dev.master?.lowerEvent('down', dev);
    this.changed('links');
    this.changed('routes');
    this.changed('neigh');
  }

  addAddr(dev: Device, a: IfAddr): void {
    // __inet_insert_ifa: secondary when an address of the same prefix length holds the network.
    a.secondary = hasNetwork(dev, a.addr, a.len);
    appendAddr(dev, a);
    this.addAddrRoutes(dev, a, dev.adminUp);
    this.changed('addrs');
    this.changed('routes');
  }

  delAddr(dev: Device, a: IfAddr): void {
    dev.addrs = dev.addrs.filter((x) => x !== a);
    const stillLocal = [...this.devices.values()].some((d) => d.addrs.some((x) => x.addr === a.addr));
    this.routes.remove(
      (r) =>
        r.proto === 'kernel' &&
        r.dev === dev &&
        r.src === a.addr &&
        (r.type !== 'local' || !stillLocal || r.dst === a.addr),
    );
    this.changed('addrs');
    this.changed('routes');
  }

  /**
   * fib_add_ifaddr: the local route always; the prefix and broadcast routes only while the
   * device is up (and none for /32).
   */
  private addAddrRoutes(dev: Device, a: IfAddr, up: boolean): void {
    if (
      !this.routes
        .findAllSame({ table: TABLE_LOCAL, dst: a.addr, len: 32, metric: 0 })
        .some((r) => r.type === 'local')
    ) {
      this.routes.add(kernelRoute(dev, a, TABLE_LOCAL, 'local', a.addr, 32, 'host'));
    }
    if (dev.kind === 'loopback' && a.len < 32) {
      const net = networkOf(a.addr, a.len);
      if (!this.routes.findSame({ table: TABLE_LOCAL, dst: net, len: a.len, metric: 0 })) {
        this.routes.add(kernelRoute(dev, a, TABLE_LOCAL, 'local', net, a.len, 'host'));
      }
    }
    if (!up) return;
    if (a.len < 31 && a.broadcast !== undefined) {
      if (
        !this.routes
          .findAllSame({ table: TABLE_LOCAL, dst: a.broadcast, len: 32, metric: 0 })
          .some((r) => r.type === 'broadcast' && r.dev === dev)
      ) {
        this.routes.add(kernelRoute(dev, a, TABLE_LOCAL, 'broadcast', a.broadcast, 32, 'link'));
      }
    }
    if (a.len < 32 && !a.secondary && dev.kind !== 'loopback') {
      const net = networkOf(a.addr, a.len);
      if (
        !this.routes
          .findAllSame({ table: TABLE_MAIN, dst: net, len: a.len, metric: 0 })
          .some((r) => r.dev === dev && r.proto === 'kernel')
      ) {
        this.routes.add(kernelRoute(dev, a, TABLE_MAIN, 'unicast', net, a.len, 'link'));
      }
    }
  }

  /** Is `ip` one of this namespace's own addresses (inet_addr_type == RTN_LOCAL)? */
  isLocal(ip: number): boolean {
    const r = this.routes.lookup(ip);
    return r?.type === 'local';
  }

  /** All addresses, with their devices, in device order. */
  allAddrs(): { dev: Device; a: IfAddr }[] {
    return this.devicesInOrder().flatMap((dev) => dev.addrs.map((a) => ({ dev, a })));
  }
}

/**
 * A route the kernel adds for an address (fib_add_ifaddr). A literal, not a spread of a
 * shared base plus fields: Node's V8 builds such a spread on a slow path (microseconds per
 * route), and the objects it makes stay slow to read.
 */
function kernelRoute(
  dev: Device,
  a: IfAddr,
  table: number,
  type: RouteType,
  dst: number,
  len: number,
  scope: Scope,
): Route {
  return {
    table,
    onlink: false,
    metric: 0,
    proto: 'kernel',
    src: a.addr,
    origin: 'kernel',
    dev,
    type,
    dst,
    len,
    scope,
  };
}

export function defaultBroadcast(addr: number, len: number): number | undefined {
  return len < 31 ? broadcastOf(addr, len) : undefined;
}
