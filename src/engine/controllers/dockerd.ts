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
  };
  startBridgeNetwork(c, formatIp((net.addr & ~((1 << (32 - net.len)) - 1)) >>> 0));
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

function runContainer(c: Ctx, spec: DockerdContainerSpec, i: number): void {
  const seed = `${c.world.seed}/${c.machine.name}/${spec.name}`;
  const id = hexId(seed);
  const pid = 2400 + 117 * i;
  const ports = spec.publish.map(parsePublish);
  const base = {
    id,
    name: spec.name,
    image: spec.image,
    command: spec.command ?? 'sh',
    started: c.world.sched.now,
    pid,
    ports: [] as PortBinding[],
  };
  const mode = spec.network;
  if (c.containers.some((x) => x.name === spec.name))
    throw new DockerdError(`Conflict. The container name "/${spec.name}" is already in use`);
  if (mode === 'host' || mode.startsWith('container:')) {
    const owner = mode === 'host' ? undefined : c.containers.find((x) => x.name === mode.slice(10));
    if (mode !== 'host' && !owner) throw new DockerdError(`No such container: ${mode.slice(10)}`);
    if (ports.length > 0 && owner)
      throw new DockerdError('conflicting options: port publishing and the container type network mode');
    const netns = owner ? owner.netns : c.machine.root;
    registerPid(c.world, c.machine.name, pid, netns);
    c.containers.push({
      ...base,
      networkMode: owner ? `container:${owner.id}` : 'host',
      sandboxId: '',
      sandboxKey: '',
      netns,
    });
    return;
  }
  const overlay = c.o.networks?.find((n) => n.name === mode);
  if (mode !== 'bridge' && mode !== 'none' && !overlay) throw new DockerdError(`network ${mode} not found`);
  if (overlay && ports.length > 0)
    throw new DockerdError('publishing ports of a container on an overlay network is not modelled');
  const sandboxId = hexId(`${seed}/sandbox`);
  const key = `${NETNS_DIR}/${sandboxId.slice(0, 12)}`;
  const why = `for container ${spec.name}`;
  nameNetnsFile(c.world, c.machine.name, key, spec.netns ?? spec.name);
  c.must(`unshare --net=${key} true`, why);
  const netns = netnsAt(c.world, c.machine, key)!;
  registerPid(c.world, c.machine.name, pid, netns);
  const inside = (line: string): void => c.must(`nsenter --net=${key} ${line}`, why);
  inside('ip link set lo up');
  const container: DockerContainer = {
    ...base,
    networkMode: mode === 'none' ? 'none' : 'default',
    sandboxId,
    sandboxKey: key,
    netns,
  };
  c.containers.push(container);
  if (mode === 'none') {
    if (ports.length > 0) throw new DockerdError('a container on network none has no port to publish');
    return;
  }
  if (overlay) {
    container.networkMode = overlay.name;
    const ctr = { name: spec.name, key, seed, ...(spec.veth ? { veth: spec.veth } : {}) };
    joinOverlay(c.overlay, overlay, ctr);
    joinGwBridge(c.overlay, ctr);
    return;
  }
  const ip = formatIp(c.nextHost++);
  const mac = macFromIp(ip);
  const endpointId = hexId(`${seed}/endpoint`);
  const veth = spec.veth ?? `veth${endpointId.slice(0, 7)}`;
  c.must(`ip link add ${veth} type veth peer name eth0 address ${mac} netns ${key}`, why);
  c.must(`ip link set ${veth} master ${c.o.bridge}`, why);
  c.must(`ip link set ${veth} up`, why);
  inside(`ip addr add ${ip}/${c.len} dev eth0`);
  inside('ip link set eth0 up');
  inside(`ip route add default via ${c.gw}`);
  container.bridge = { ip, prefixLen: c.len, gateway: c.gw, mac, endpointId };
  for (const p of ports) publish(c, ip, p, why);
  container.ports = ports;
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
