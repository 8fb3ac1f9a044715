/**
 * libnetwork's overlay driver (drivers/overlay) on one host, for `docker network create -d
 * overlay NET` and `docker run --network NET`, as the commands that build the same kernel state.
 *
 * - The network sandbox: a namespace bound on /var/run/docker/netns/1-<first 10 hex of the
 *   network ID> (initSandbox: osl.GenerateKey(initEpoch + "-" + id) keeps 12 characters), made
 *   when the first local container joins. Its bridge is created inside it as ov-<VNI as 6 hex>-
 *   <5 hex of the ID> and renamed br0; the VXLAN device is created in the host namespace as
 *   vx-<VNI>-<ID> (createVxlan: learning, proxy, l2miss, l3miss, port 4789, MTU 1450), so its
 *   UDP socket stays on the underlay, then moved in, renamed vxlan0 and enslaved to br0
 *   (osl AddInterface: move, rename to prefix + index, master, up).
 * - A container: its own sandbox on /var/run/docker/netns/<12 hex of the sandbox ID>; a veth pair
 *   made in the host namespace (names "veth" + 7 random hex), MTU 1450, one end moved into the
 *   network sandbox on br0 (veth0, veth1...), the other into the container as eth0 with the MAC
 *   derived from its address (netutils.GenerateMACFromIP).
 * - eth1: the container's second endpoint, on docker_gwbridge (a bridge network with ICC off,
 *   masqueraded, 172.18.0.0/16), created when the first overlay container needs it; its gateway
 *   is the container's default route, since the overlay network gives none.
 * - The peer database: each endpoint is announced cluster-wide (gossip in swarm mode; here one
 *   store key per endpoint) and every host with the network's sandbox turns a remote one into a
 *   permanent neighbour entry and an FDB entry on vxlan0 (peerAdd: AddNeighbor, then AddNeighbor
 *   with AF_BRIDGE and the VTEP), which is why vxlan0 answers ARP itself (proxy).
 * Nothing here is under /var/run/netns: `ip netns list` shows none of it.
 */
import type { Machine, World } from '../kernel/world';
import { formatIp, parseCidr, parseIp } from '../net/ipv4';
import type { Store } from './store';

export interface DockerdNetworkSpec {
  name: string;
  /** The subnet IPAM hands addresses out of; the gateway (br0) is its first address. */
  subnet: string;
  /** The VXLAN ID the swarm manager allocated to the network (4096 and up). */
  vni: number;
  /** The scenario's name for the network sandbox on this host (default: the file's name). */
  netns?: string;
}

/** An endpoint as announced to the cluster (libnetwork's peer record). */
interface PeerRecord {
  name: string;
  addr: string;
  mac: string;
  locator: string;
  vni: number;
}

export interface OverlayHost {
  world: World;
  machine: Machine;
  store: Store;
  who: string;
  /** The underlay address other hosts reach this one at (swarm's --advertise-addr). */
  advertise: string;
  must: (line: string, why: string) => void;
  /** Refuse, in dockerd's words. */
  fail: (message: string) => never;
  hexId: (seed: string) => string;
  nameNetns: (path: string, name: string) => void;
  sandboxes: Map<string, { key: string; vethIndex: number }>;
  gwbridge?: { gw: string; len: number; next: number };
}

const NETNS_DIR = '/var/run/docker/netns';
const VXLAN_PORT = 4789;
/** 1500 less the 50 bytes of VXLAN encapsulation (ov_network.go maxMTU). */
const VXLAN_MTU = 1450;
const GWBRIDGE = 'docker_gwbridge';
const GWBRIDGE_SUBNET = '172.18.0.1/16';

/** The store prefix holding the network's endpoints. */
export function peerPrefix(net: string): string {
  return `/docker/network/v1.0/endpoint/${net}/`;
}

/** One ID for the network on every host: the swarm manager assigns it once. */
export function networkId(world: World, hexId: (seed: string) => string, net: string): string {
  return hexId(`${world.seed}/network/${net}`);
}

/** 02:42 and the four address bytes (netutils.GenerateMACFromIP). */
export function macFromIp(ip: string): string {
  return `02:42:${ip
    .split('.')
    .map((b) => Number(b).toString(16).padStart(2, '0'))
    .join(':')}`;
}

function parseRecord(value: string | undefined): PeerRecord | undefined {
  try {
    const r = JSON.parse(value ?? '') as Partial<PeerRecord>;
    return typeof r.addr === 'string' && typeof r.mac === 'string' && typeof r.locator === 'string'
      ? (r as PeerRecord)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The network sandbox: made on the first local join, with the peers known so far, then watched. */
function networkSandbox(h: OverlayHost, net: DockerdNetworkSpec): { key: string; vethIndex: number } {
  const have = h.sandboxes.get(net.name);
  if (have) return have;
  const id = networkId(h.world, h.hexId, net.name);
  const key = `${NETNS_DIR}/1-${id.slice(0, 10)}`;
  const vni = net.vni.toString(16).padStart(6, '0');
  const br = `ov-${vni}-${id.slice(0, 5)}`;
  const vx = `vx-${vni}-${id.slice(0, 5)}`;
  const subnet = parseCidr(net.subnet)!;
  const why = `overlay network ${net.name}`;
  const inside = (line: string): void => h.must(`nsenter --net=${key} ${line}`, why);
  h.nameNetns(key, net.netns ?? `1-${id.slice(0, 10)}`);
  h.must(`unshare --net=${key} true`, why);
  inside('ip link set lo up');
  inside(`ip link add ${br} type bridge`);
  inside(`ip link set ${br} name br0`);
  inside(`ip addr add ${formatIp(subnet.addr + 1)}/${subnet.len} dev br0`);
  inside('ip link set br0 up');
  h.must(
    `ip link add ${vx} mtu ${VXLAN_MTU} type vxlan id ${net.vni} dstport ${VXLAN_PORT} proxy learning l2miss l3miss`,
    why,
  );
  h.must(`ip link set ${vx} netns ${key}`, why);
  inside(`ip link set ${vx} name vxlan0`);
  inside('ip link set vxlan0 master br0');
  inside('ip link set vxlan0 up');
  const sb = { key, vethIndex: 0 };
  h.sandboxes.set(net.name, sb);
  // peerDbUpdateSandbox: the peers heard before the sandbox existed, then every later one.
  for (const e of h.store.list(peerPrefix(net.name))) peerAdd(h, net, parseRecord(e.value));
  h.store.watch(peerPrefix(net.name), h.machine.root, h.who, (e) => {
    if (e.action === 'set') peerAdd(h, net, parseRecord(e.value));
  });
  return sb;
}

/** peerAdd for a remote endpoint: the neighbour entry for ARP, the FDB entry for the VTEP. */
function peerAdd(h: OverlayHost, net: DockerdNetworkSpec, r: PeerRecord | undefined): void {
  if (!r || r.locator === h.advertise) return;
  const sb = h.sandboxes.get(net.name)!;
  const ip = r.addr.split('/')[0]!;
  const why = `peer ${r.name} of overlay network ${net.name}`;
  h.must(`nsenter --net=${sb.key} ip neigh add ${ip} lladdr ${r.mac} dev vxlan0 nud permanent`, why);
  h.must(`nsenter --net=${sb.key} bridge fdb add ${r.mac} dev vxlan0 dst ${r.locator} self permanent`, why);
}

/** Cluster-wide IPAM: the first address after the gateway that no endpoint holds. */
function allocate(h: OverlayHost, net: DockerdNetworkSpec): string {
  const subnet = parseCidr(net.subnet)!;
  const used = new Set(
    h.store
      .list(peerPrefix(net.name))
      .map((e) => parseIp(parseRecord(e.value)?.addr.split('/')[0] ?? '') ?? 0),
  );
  const last = (subnet.addr | (2 ** (32 - subnet.len) - 1)) >>> 0;
  for (let a = subnet.addr + 2; a < last; a++) if (!used.has(a)) return formatIp(a);
  return '';
}

/** A veth pair made in the host namespace, as createVethPair names them. */
function vethPair(h: OverlayHost, seed: string, mtu?: number, pin?: string): [string, string] {
  const id = h.hexId(seed);
  const a = pin ?? `veth${id.slice(0, 7)}`;
  const b = `veth${id.slice(7, 14)}`;
  const m = mtu ? ` mtu ${mtu}` : '';
  h.must(`ip link add ${a}${m} type veth peer name ${b}${m}`, `endpoint ${seed}`);
  return [a, b];
}

/** Join: the container's eth0 on the network's br0, and its record announced to the cluster. */
export function joinOverlay(
  h: OverlayHost,
  net: DockerdNetworkSpec,
  container: { name: string; key: string; seed: string },
): { ip: string; mac: string } {
  const subnet = parseCidr(net.subnet)!;
  const ip = allocate(h, net);
  if (!ip) h.fail(`no available IPv4 addresses on this network's address pools: ${net.name}`);
  const mac = macFromIp(ip);
  const sb = networkSandbox(h, net);
  const why = `for container ${container.name}`;
  const [outer, inner] = vethPair(h, `${container.seed}/overlay`, VXLAN_MTU);
  const port = `veth${sb.vethIndex++}`;
  h.must(`ip link set ${outer} netns ${sb.key}`, why);
  for (const line of [
    `ip link set ${outer} name ${port}`,
    `ip link set ${port} master br0`,
    `ip link set ${port} up`,
  ])
    h.must(`nsenter --net=${sb.key} ${line}`, why);
  h.must(`ip link set ${inner} netns ${container.key}`, why);
  for (const line of [
    `ip link set ${inner} name eth0`,
    `ip link set eth0 address ${mac}`,
    `ip addr add ${ip}/${subnet.len} dev eth0`,
    'ip link set eth0 up',
  ])
    h.must(`nsenter --net=${container.key} ${line}`, why);
  const record: PeerRecord = {
    name: container.name,
    addr: `${ip}/${subnet.len}`,
    mac,
    locator: h.advertise,
    vni: net.vni,
  };
  h.store.put(`${peerPrefix(net.name)}${container.name}`, JSON.stringify(record), {
    ns: h.machine.root,
    who: h.who,
  });
  return { ip, mac };
}

/**
 * docker_gwbridge: a bridge network for the overlay containers' way out, ICC off and
 * masqueraded. Its FORWARD rules go in above docker0's (the bridge driver inserts them) and
 * the ICC DROP at the end, as `iptables -S` shows them on a swarm node.
 */
function gwBridge(h: OverlayHost): { gw: string; len: number; next: number } {
  if (h.gwbridge) return h.gwbridge;
  const net = parseCidr(GWBRIDGE_SUBNET)!;
  const gw = formatIp(net.addr);
  const subnet = `${formatIp((net.addr & ~(2 ** (32 - net.len) - 1)) >>> 0)}/${net.len}`;
  const br = GWBRIDGE;
  // setupDevice: a bridge Docker makes gets a random MAC in Docker's 02:42 range.
  const rnd = h.hexId(`${h.world.seed}/${h.machine.name}/${br}`).slice(0, 8).match(/../g)!.join(':');
  for (const line of [
    `ip link add ${br} address 02:42:${rnd} type bridge`,
    `ip addr add ${gw}/${net.len} dev ${br}`,
    `ip link set ${br} up`,
    `iptables -t nat -A POSTROUTING -s ${subnet} ! -o ${br} -j MASQUERADE`,
    `iptables -t nat -A DOCKER -i ${br} -j RETURN`,
    `iptables -I FORWARD 3 -i ${br} ! -o ${br} -j ACCEPT`,
    `iptables -I FORWARD 3 -o ${br} -j DOCKER`,
    `iptables -I FORWARD 3 -o ${br} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
    `iptables -A FORWARD -i ${br} -o ${br} -j DROP`,
    `iptables -I DOCKER-ISOLATION-STAGE-1 -i ${br} ! -o ${br} -j DOCKER-ISOLATION-STAGE-2`,
    `iptables -I DOCKER-ISOLATION-STAGE-2 -o ${br} -j DROP`,
  ])
    h.must(line, `bridge network ${br}`);
  h.gwbridge = { gw, len: net.len, next: net.addr + 1 };
  return h.gwbridge;
}

/** The container's eth1 on docker_gwbridge, and its default route through it. */
export function joinGwBridge(
  h: OverlayHost,
  container: { name: string; key: string; seed: string; veth?: string },
): void {
  const g = gwBridge(h);
  const ip = formatIp(g.next++);
  const why = `for container ${container.name}`;
  const [host, inner] = vethPair(h, `${container.seed}/gwbridge`, undefined, container.veth);
  h.must(`ip link set ${host} master ${GWBRIDGE}`, why);
  h.must(`ip link set ${host} up`, why);
  h.must(`ip link set ${inner} netns ${container.key}`, why);
  for (const line of [
    `ip link set ${inner} name eth1`,
    `ip link set eth1 address ${macFromIp(ip)}`,
    `ip addr add ${ip}/${g.len} dev eth1`,
    'ip link set eth1 up',
    `ip route add default via ${g.gw} dev eth1`,
  ])
    h.must(`nsenter --net=${container.key} ${line}`, why);
}
