/**
 * dockerd with its default bridge network, turning `docker run` intents into the commands
 * that build the same kernel state, and answering the docker client (ps, inspect, port).
 *
 * At start it makes docker0 and its iptables chains. For each container, by network mode:
 * - bridge (default): a sandbox namespace bound on /var/run/docker/netns/<first 12 hex of
 *   the sandbox ID> (libnetwork's osl.GenerateKey), NOT under /var/run/netns, so
 *   `ip netns list` does not show it; a veth pair with one end on docker0 and the other
 *   renamed eth0 inside, the next free address of the bridge's subnet (IPAM hands them out
 *   in order; `--ip` is refused on the default bridge), a MAC derived from it (Docker
 *   before 25: 02:42 and the four address bytes), the default route via docker0; each
 *   `-p HOST:CONTAINER` becomes a DNAT in the nat DOCKER chain, a filter DOCKER ACCEPT and
 *   the hairpin MASQUERADE.
 * - host: no namespace of its own; its processes run in the host's.
 * - none: a sandbox with only lo.
 * - an overlay network (`docker network create -d overlay NET`, then `--network NET`): the
 *   overlay driver's sandboxes, eth0 on the network's br0 and eth1 on docker_gwbridge
 *   (dockerd-overlay.ts).
 * - container:NAME: no sandbox; its processes run in NAME's namespace. Docker refuses
 *   `-p` here ("conflicting options"): ports are published on the container that owns the
 *   namespace, which is why a Kubernetes pod's ports show on its pause container.
 * libnetwork does this over netlink; the commands are the equivalent a learner can type
 * (`unshare --net=FILE` for the sandbox, `nsenter --net=FILE` to work inside it).
 */
import type { DockerContainer, PortBinding } from '../commands/docker';
import type { DockerdNetworkSpec, OverlayHost } from './dockerd-overlay';
import { joinGwBridge, joinOverlay, macFromIp } from './dockerd-overlay';
import type { Store } from './store';
import { registerDockerEngine } from '../commands/docker';
import { nameNetnsFile, netnsAt, registerPid } from '../commands/netns-files';
import type { Machine, World } from '../kernel/world';
import { formatIp, parseCidr } from '../net/ipv4';
import { formatIp6, parseCidr6 } from '../net/ipv6';
import { UserError } from '../util/errors';
import { hex, sha256 } from '../util/sha256';

export interface DockerdContainerSpec {
  name: string;
  image: string;
  /** What the image runs, as `docker ps` shows it. */
  command?: string;
  /** --network: bridge (the default), host, none, container:NAME or an overlay network's name. */
  network: string;
  /** -p: "HOSTPORT:CONTAINERPORT[/udp]". */
  publish: string[];
  /** The scenario's name for the sandbox namespace (default: the container's name). */
  netns?: string;
  /** Pin the host-side veth name (libnetwork picks "veth" and 7 random hex digits). */
  veth?: string;
}

export interface DockerdOptions {
  bridge: string;
  /** --bip: docker0's address and the containers' subnet. */
  bip: string;
  /** docker0's MAC (Docker's 02:42 range); the kernel picks one when omitted. */
  mac?: string;
  /** `docker network create -d overlay`: the overlay networks this host knows. */
  networks?: DockerdNetworkSpec[];
  /** The underlay address peers reach this host at (--advertise-addr; default: its first NIC's). */
  advertise?: string;
  /** daemon.json "ipv6": true with "fixed-cidr-v6": the containers' IPv6 prefix (at most /80). */
  fixedCidrV6?: string;
  containers: DockerdContainerSpec[];
}

export type Exec = (line: string, origin: string) => { ok: boolean; output: string };

export class DockerdError extends UserError {
  constructor(message: string) {
    super('scenario', message);
    this.name = 'DockerdError';
  }
}

const NETNS_DIR = '/var/run/docker/netns';

function hexId(seed: string): string {
  return hex(sha256(seed)).slice(0, 64);
}

/** -p HOST:CONTAINER[/proto] or IP:HOST:CONTAINER[/proto]. */
export function parsePublish(spec: string): PortBinding {
  const m = /^(?:(\d+\.\d+\.\d+\.\d+):)?(\d{1,5}):(\d{1,5})(?:\/(tcp|udp))?$/.exec(spec);
  const hostPort = Number(m?.[2]);
  const containerPort = Number(m?.[3]);
  if (!m || hostPort < 1 || hostPort > 65535 || containerPort < 1 || containerPort > 65535)
    throw new DockerdError(`invalid publish spec "${spec}": expected HOSTPORT:CONTAINERPORT[/tcp|udp]`);
  return { hostIp: m[1] ?? '0.0.0.0', hostPort, containerPort, proto: (m[4] ?? 'tcp') as 'tcp' | 'udp' };
}

interface Ctx {
  world: World;
  machine: Machine;
  o: DockerdOptions;
  must: (line: string, why: string) => void;
  gw: string;
  len: number;
  nextHost: number;
  containers: DockerContainer[];
  overlay: OverlayHost;
  /** The IPv6 prefix when IPv6 is on. */
  v6?: { net: bigint; len: number; gw: string };
}

export function startDockerd(world: World, machine: Machine, o: DockerdOptions, exec: Exec): void {
  const net = parseCidr(o.bip);
  if (!net) throw new DockerdError(`invalid --bip ${o.bip}`);
  const must = (line: string, why: string): void => {
    const r = exec(line, `dockerd on ${machine.name}, ${why}`);
    if (!r.ok) throw new DockerdError(`${line}: ${r.output}`);
  };
  const c: Ctx = {
    world,
    machine,
    o,
    must,
    gw: formatIp(net.addr),
    len: net.len,
    nextHost: net.addr + 1,
    containers: [],
    overlay: {
      world,
      machine,
      store: world.store as Store,
      who: `dockerd on ${machine.name}`,
      advertise: o.advertise ?? firstAddress(machine),
      must,
      fail: (message) => {
        throw new DockerdError(message);
      },
      hexId,
      nameNetns: (path, name) => nameNetnsFile(world, machine.name, path, name),
      sandboxes: new Map(),
    },
    ...(o.fixedCidrV6 !== undefined ? { v6: parseV6(o.fixedCidrV6) } : {}),
  };
  startBridgeNetwork(c, formatIp((net.addr & ~((1 << (32 - net.len)) - 1)) >>> 0));
  if (c.v6) startBridgeIpv6(c, c.v6);
  registerDockerEngine(world, machine.name, { containers: () => c.containers });
  o.containers.forEach((spec, i) => runContainer(c, spec, i));
}

function firstAddress(machine: Machine): string {
  const a = machine.root.allAddrs().find(({ dev, a }) => dev.kind === 'ether' && !a.secondary);
  return a ? formatIp(a.a.addr) : '';
}

/** What dockerd sets up once, when it starts: the bridge, forwarding and its chains. */
function startBridgeNetwork(c: Ctx, subnet: string): void {
  const br = c.o.bridge;
  const why = `bridge network ${br}`;
  for (const line of [
    `mkdir -p ${NETNS_DIR}`,
    `ip link add ${br}${c.o.mac ? ` address ${c.o.mac}` : ''} type bridge`,
    `ip addr add ${c.gw}/${c.len} dev ${br}`,
    `ip link set ${br} up`,
    'sysctl -w net.ipv4.ip_forward=1',
    'iptables -t nat -N DOCKER',
    'iptables -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
    'iptables -t nat -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER',
    `iptables -t nat -A POSTROUTING -s ${subnet}/${c.len} ! -o ${br} -j MASQUERADE`,
    `iptables -t nat -A DOCKER -i ${br} -j RETURN`,
    'iptables -N DOCKER',
    'iptables -N DOCKER-ISOLATION-STAGE-1',
    'iptables -N DOCKER-ISOLATION-STAGE-2',
    'iptables -N DOCKER-USER',
    'iptables -P FORWARD DROP',
    'iptables -A FORWARD -j DOCKER-USER',
    'iptables -A FORWARD -j DOCKER-ISOLATION-STAGE-1',
    `iptables -A FORWARD -o ${br} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
    `iptables -A FORWARD -o ${br} -j DOCKER`,
    `iptables -A FORWARD -i ${br} ! -o ${br} -j ACCEPT`,
    `iptables -A FORWARD -i ${br} -o ${br} -j ACCEPT`,
    `iptables -A DOCKER-ISOLATION-STAGE-1 -i ${br} ! -o ${br} -j DOCKER-ISOLATION-STAGE-2`,
    'iptables -A DOCKER-ISOLATION-STAGE-1 -j RETURN',
    `iptables -A DOCKER-ISOLATION-STAGE-2 -o ${br} -j DROP`,
    'iptables -A DOCKER-ISOLATION-STAGE-2 -j RETURN',
    'iptables -A DOCKER-USER -j RETURN',
  ])
    c.must(line, why);
}

/**
 * fixed-cidr-v6: libnetwork generates a container's address from its MAC (the MAC in the
 * last 48 bits), so the prefix needs 48 host bits ("Cannot self generate an IPv6 address
 * on network ...: At least 48 host bits are needed."). The gateway is the prefix's first address.
 */
function parseV6(spec: string): { net: bigint; len: number; gw: string } {
  const p = parseCidr6(spec);
  if (!p) throw new DockerdError(`invalid fixed-cidr-v6 ${spec}`);
  if (p.len > 80)
    throw new DockerdError(
      `Cannot self generate an IPv6 address on network ${spec}: At least 48 host bits are needed.`,
    );
  const net = p.addr & ~((1n << BigInt(128 - p.len)) - 1n);
  return { net, len: p.len, gw: formatIp6(net + 1n) };
}

/**
 * setupBridgeIPv6 and setupIPv6Forwarding (libnetwork's bridge driver, Docker before 25):
 * the bridge keeps fe80::1/64 beside the kernel's own link-local address, takes the
 * prefix's first address as the containers' gateway, and the host forwards IPv6.
 * ip6tables stayed off by default ("ip6tables": false) until Docker 27, so no chains.
 */
function startBridgeIpv6(c: Ctx, v6: { len: number; gw: string }): void {
  const br = c.o.bridge;
  const why = `bridge network ${br}, IPv6`;
  for (const line of [
    `ip -6 addr add fe80::1/64 dev ${br}`,
    `ip -6 addr add ${v6.gw}/${v6.len} dev ${br}`,
    'sysctl -w net.ipv6.conf.all.forwarding=1',
  ])
    c.must(line, why);
}

/** The 48-bit MAC in the prefix's last six bytes (bridge.go CreateEndpoint, no IPAM address). */
function ipv6FromMac(net: bigint, mac: string): bigint {
  return mac.split(':').reduce((a, b) => (a << 8n) | BigInt(parseInt(b, 16)), 0n) | net;
}

function runContainer(c: Ctx, spec: DockerdContainerSpec, i: number): void {
  const seed = `${c.world.seed}/${c.machine.name}/${spec.name}`;
  const pid = 2400 + 117 * i;
  // -p is parsed before the name check, so a bad -p is the error Docker reports first.
  const ports = spec.publish.map(parsePublish);
  const base: ContainerBase = {
    id: hexId(seed),
    name: spec.name,
    image: spec.image,
    command: spec.command ?? 'sh',
    started: c.world.sched.now,
    pid,
    ports: [],
  };
  const mode = spec.network;
  if (c.containers.some((x) => x.name === spec.name))
    throw new DockerdError(`Conflict. The container name "/${spec.name}" is already in use`);
  if (mode === 'host' || mode.startsWith('container:')) return joinExistingNetns(c, base, ports, mode);
  const overlay = c.o.networks?.find((n) => n.name === mode);
  if (mode !== 'bridge' && mode !== 'none' && !overlay) throw new DockerdError(`network ${mode} not found`);
  if (overlay && ports.length > 0)
    throw new DockerdError('publishing ports of a container on an overlay network is not modelled');
  const sb = createSandbox(c, spec, seed, pid);
  const container: DockerContainer = {
    ...base,
    networkMode: mode === 'none' ? 'none' : 'default',
    sandboxId: sb.sandboxId,
    sandboxKey: sb.key,
    netns: sb.netns,
  };
  c.containers.push(container);
  if (mode === 'none') {
    if (ports.length > 0) throw new DockerdError('a container on network none has no port to publish');
    return;
  }
  if (overlay) {
    container.networkMode = overlay.name;
    const ctr = { name: spec.name, key: sb.key, seed, ...(spec.veth ? { veth: spec.veth } : {}) };
    joinOverlay(c.overlay, overlay, ctr);
    joinGwBridge(c.overlay, ctr);
    return;
  }
  const ip = attachBridge(c, spec, seed, container, sb);
  for (const p of ports) publish(c, ip, p, sb.why);
  container.ports = ports;
}

/** What every container record shares, whatever its network mode. */
type ContainerBase = Pick<DockerContainer, 'id' | 'name' | 'image' | 'command' | 'started' | 'pid' | 'ports'>;

/** --network host / container:NAME: no sandbox of its own, the pid lives in an existing netns. */
function joinExistingNetns(c: Ctx, base: ContainerBase, ports: PortBinding[], mode: string): void {
  const owner = mode === 'host' ? undefined : c.containers.find((x) => x.name === mode.slice(10));
  if (mode !== 'host' && !owner) throw new DockerdError(`No such container: ${mode.slice(10)}`);
  if (ports.length > 0 && owner)
    throw new DockerdError('conflicting options: port publishing and the container type network mode');
  const netns = owner ? owner.netns : c.machine.root;
  registerPid(c.world, c.machine.name, base.pid, netns);
  c.containers.push({
    ...base,
    networkMode: owner ? `container:${owner.id}` : 'host',
    sandboxId: '',
    sandboxKey: '',
    netns,
  });
}

/** A new sandbox netns, bind-mounted under NETNS_DIR as libnetwork does. */
interface Sandbox {
  sandboxId: string;
  key: string;
  netns: DockerContainer['netns'];
  why: string;
  /** Runs one command inside the sandbox (nsenter --net=KEY). */
  inside: (line: string) => void;
}

/** Creates the sandbox netns, registers the pid in it and brings its loopback up. */
function createSandbox(c: Ctx, spec: DockerdContainerSpec, seed: string, pid: number): Sandbox {
  const sandboxId = hexId(`${seed}/sandbox`);
  const key = `${NETNS_DIR}/${sandboxId.slice(0, 12)}`;
  const why = `for container ${spec.name}`;
  nameNetnsFile(c.world, c.machine.name, key, spec.netns ?? spec.name);
  c.must(`unshare --net=${key} true`, why);
  const netns = netnsAt(c.world, c.machine, key)!;
  registerPid(c.world, c.machine.name, pid, netns);
  const inside = (line: string): void => c.must(`nsenter --net=${key} ${line}`, why);
  inside('ip link set lo up');
  return { sandboxId, key, netns, why, inside };
}

/** The default bridge network: a veth into the sandbox, its addresses and default routes; returns the IPv4 address. */
function attachBridge(
  c: Ctx,
  spec: DockerdContainerSpec,
  seed: string,
  container: DockerContainer,
  sb: Sandbox,
): string {
  const { key, why, inside } = sb;
  const ip = formatIp(c.nextHost++);
  const mac = macFromIp(ip);
  const endpointId = hexId(`${seed}/endpoint`);
  const veth = spec.veth ?? `veth${endpointId.slice(0, 7)}`;
  c.must(`ip link add ${veth} type veth peer name eth0 address ${mac} netns ${key}`, why);
  c.must(`ip link set ${veth} master ${c.o.bridge}`, why);
  c.must(`ip link set ${veth} up`, why);
  inside(`ip addr add ${ip}/${c.len} dev eth0`);
  // The sandbox interface gets both addresses before it comes up (osl's configureInterface).
  const ip6 = c.v6 ? formatIp6(ipv6FromMac(c.v6.net, mac)) : '';
  if (c.v6) inside(`ip -6 addr add ${ip6}/${c.v6.len} dev eth0`);
  inside('ip link set eth0 up');
  inside(`ip route add default via ${c.gw}`);
  container.bridge = { ip, prefixLen: c.len, gateway: c.gw, mac, endpointId };
  if (c.v6) {
    container.bridge.ip6 = { addr: ip6, prefixLen: c.v6.len, gateway: c.v6.gw };
    inside(`ip -6 route add default via ${c.v6.gw} dev eth0`);
  }
  return ip;
}

/** -p: what Docker's bridge driver programs for one published port. */
function publish(c: Ctx, ip: string, p: PortBinding, why: string): void {
  const br = c.o.bridge;
  const match = `-p ${p.proto} -m ${p.proto}`;
  const dst = p.hostIp === '0.0.0.0' ? '' : `-d ${p.hostIp}/32 `;
  c.must(
    `iptables -t nat -A POSTROUTING -s ${ip}/32 -d ${ip}/32 ${match} --dport ${p.containerPort} -j MASQUERADE`,
    why,
  );
  c.must(
    `iptables -t nat -A DOCKER ${dst}! -i ${br} ${match} --dport ${p.hostPort} -j DNAT --to-destination ${ip}:${p.containerPort}`,
    why,
  );
  c.must(
    `iptables -A DOCKER -d ${ip}/32 ! -i ${br} -o ${br} ${match} --dport ${p.containerPort} -j ACCEPT`,
    why,
  );
}
