/** `ip link`: add, set, delete and show devices. */
import type { Device } from '../kernel/device';
import { Bridge } from '../kernel/devices/bridge';
import { CommandError } from '../kernel/errors';
import type { Netns } from '../kernel/netns';
import { netnsAt, NETNS_RUN_DIR } from './netns-files';
import type { CommandContext } from './types';
import {
  checkIfname,
  findDev,
  isBridge,
  moveDevice,
  newBridge,
  newDummy,
  newVethPair,
  parseMacArg,
} from './device-ops';
import { printLink } from './print';
import { addGre } from './gre';
import { addIpip, addVxlan } from './tunnels';
import {
  addMacvlan,
  macvlanLowerMtu,
  macvlanMasterCheck,
  macvlanMtuCheck,
  macvlanOpenCheck,
} from './macvlan';
import { Args, matches } from './words';

export interface IpFlags {
  brief: boolean;
  details: boolean;
}

export function ipLink(ctx: CommandContext, a: Args, flags: IpFlags): string {
  const sub = a.next();
  if (sub === undefined || matches(sub, 'show') || matches(sub, 'list')) return linkShow(ctx.ns, a, flags);
  if (matches(sub, 'add')) return linkAdd(ctx, a);
  if (matches(sub, 'set')) return linkSet(ctx, a);
  if (matches(sub, 'delete')) return linkDel(ctx, a);
  throw new CommandError(`Command "${sub}" is unknown, try "ip link help".`, 255);
}

function linkShow(ns: Netns, a: Args, flags: IpFlags): string {
  let only: Device | undefined;
  let master: Device | undefined;
  while (!a.done) {
    const w = a.next()!;
    if (w === 'dev') only = findDev(ns, a.value());
    else if (w === 'master') master = findDev(ns, a.value());
    else if (w === 'type') a.value();
    else if (w === 'up') continue;
    else only = findDev(ns, w);
  }
  const devs = only ? [only] : ns.devicesInOrder().filter((d) => !master || d.master === master);
  return devs.flatMap((d) => printLink(d, flags.brief, flags.details)).join('\n');
}

interface LinkSpec {
  name?: string;
  /** `link DEV`: the lower device (vlan, macvlan...); iproute2 resolves it before the type. */
  link?: Device;
  mac?: string;
  mtu?: number;
  netns?: Netns;
}

function parseMtu(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 68 || n > 65535)
    throw new CommandError(`Error: argument "${v}" is wrong: Invalid "mtu" value`, 1);
  return n;
}

/** Reads `[name] NAME [address MAC] [mtu N] [netns NS]` until `type` or the end. */
function parseSpec(ctx: CommandContext, a: Args, stopAtType: boolean): LinkSpec {
  const spec: LinkSpec = {};
  while (!a.done) {
    const w = a.peek()!;
    if (stopAtType && w === 'type') break;
    a.next();
    if (w === 'name' || w === 'dev') spec.name = a.value();
    else if (w === 'link') spec.link = findDev(ctx.ns, a.value());
    else if (matches(w, 'address')) spec.mac = parseMacArg(a.value());
    else if (w === 'mtu') spec.mtu = parseMtu(a.value());
    else if (w === 'netns') spec.netns = lookupNetns(ctx, a.value());
    else if (w === 'txqueuelen' || w === 'qlen' || w === 'numtxqueues' || w === 'numrxqueues') a.value();
    else if (spec.name === undefined) spec.name = w;
    else throw new CommandError(`Error: either "dev" is duplicate, or "${w}" is a garbage.`, 1);
  }
  return spec;
}

/**
 * netns_get_fd(): a NAME is /run/netns/NAME, a value with a slash is a path
 * (/run/docker/netns/ID, /proc/PID/ns/net), else a number is a PID. The scenario may
 * also name its machine's own root namespace.
 */
export function lookupNetns(ctx: CommandContext, name: string): Netns {
  const { world, machine } = ctx;
  const path = name.includes('/') ? name : `${NETNS_RUN_DIR}/${name}`;
  const ns =
    netnsAt(world, machine, path, ctx.ns) ??
    (/^\d+$/.test(name) ? netnsAt(world, machine, `/proc/${name}/ns/net`) : undefined) ??
    (name === machine.name ? machine.root : undefined);
  if (ns) return ns;
  if (/^\d+$/.test(name)) throw new CommandError('RTNETLINK answers: No such process', 2);
  throw new CommandError(`Error: argument "${name}" is wrong: Invalid "netns" value`, 255);
}

function linkAdd(ctx: CommandContext, a: Args): string {
  const spec = parseSpec(ctx, a, true);
  if (a.next() !== 'type') throw new CommandError('Not enough information: "type" argument is required', 1);
  const type = a.next();
  if (!spec.name) throw new CommandError('Not enough information: "dev" argument is required.', 1);
  checkIfname(spec.name);
  const ns = spec.netns ?? ctx.ns;
  if (ns.device(spec.name)) throw new CommandError('RTNETLINK answers: File exists', 2);
  if (type === 'veth') {
    let peer: LinkSpec = {};
    if (!a.done) {
      if (a.next() !== 'peer')
        throw new CommandError(`Error: argument "${a.argv[a.i - 1]}" is wrong: unknown veth option`, 1);
      peer = parseSpec(ctx, a, false);
    }
    const peerNs = peer.netns ?? ns;
    const peerName = peer.name ?? `veth${peerNs.devices.size - 1}`;
    checkIfname(peerName);
    if (peerNs.device(peerName) || (peerNs === ns && peerName === spec.name))
      throw new CommandError('RTNETLINK answers: File exists', 2);
    newVethPair(
      ns,
      { name: spec.name, mac: spec.mac, mtu: spec.mtu },
      { name: peerName, mac: peer.mac, ns: peerNs },
      ctx.origin,
    );
    return '';
  }
  if (type === 'vxlan') return addVxlan(ctx, ns, { name: spec.name, mac: spec.mac, mtu: spec.mtu }, a).output;
  if (type === 'ipip') return addIpip(ctx, ns, { name: spec.name, mac: spec.mac, mtu: spec.mtu }, a).output;
  if (type === 'macvlan') return addMacvlan(ctx, ns, { ...spec, name: spec.name }, a);
  if (type === 'gre') return addGre(ctx, ns, { name: spec.name, mtu: spec.mtu }, a, 'link').output;
  if (type !== 'bridge' && type !== 'dummy') throw unmodelledType(type);
  if (!a.done) throw new CommandError(`Error: argument "${a.peek()}" is wrong: unknown ${type} option`, 1);
  if (type === 'bridge') {
    const br = newBridge(ns, spec.name, spec.mac, ctx.origin);
    if (spec.mtu) br.mtu = spec.mtu;
    return '';
  }
  const d = newDummy(ns, spec.name, spec.mac, ctx.origin);
  if (spec.mtu) d.mtu = spec.mtu;
  return '';
}

/** A device type the kernel has and the model does not: say so instead of misreading its options. */
function unmodelledType(type: string | undefined): CommandError {
  const what = UNMODELLED_TYPES[type ?? ''];
  return new CommandError(
    what
      ? `Error: ${what} (type ${type}) are not modelled by Packet Journey: the kernel would create one, the simulator cannot.`
      : `Error: Unknown device type "${type ?? ''}": Packet Journey does not model it (yet).`,
    2,
  );
}

/** Device types the kernel has and learners meet, named so the refusal says what is missing. */
const UNMODELLED_TYPES: Record<string, string> = {
  vlan: 'VLAN (802.1Q) devices',
  macvtap: 'macvtap devices',
  ipvlan: 'ipvlan devices',
  bond: 'bonding devices',
  team: 'team devices',
  vrf: 'VRF devices',
  gre: 'GRE tunnels',
  gretap: 'GRE tunnels',
  geneve: 'Geneve tunnels',
  sit: 'SIT tunnels',
  wireguard: 'WireGuard devices',
};

/** A change is checked against the device first, then applied, so a refused command changes nothing. */
interface Change {
  check?: (dev: Device) => void;
  apply: (dev: Device) => void;
}

/** What one `ip link set` line asks for, gathered before any device is touched. */
interface LinkSetRequest {
  devName?: string;
  changes: Change[];
  updown?: 'up' | 'down';
}

function linkSet(ctx: CommandContext, a: Args): string {
  const req = parseLinkSet(ctx, a);
  if (!req.devName) throw new CommandError('Not enough information: "dev" argument is required.', 1);
  applyLinkSet(findDev(ctx.ns, req.devName), req);
  return '';
}

/** Reads the whole line first so that a bad argument anywhere refuses the command as a whole. */
function parseLinkSet(ctx: CommandContext, a: Args): LinkSetRequest {
  const req: LinkSetRequest = { changes: [] };
  while (!a.done) {
    const w = a.next()!;
    if (w === 'dev') req.devName = a.value();
    else if (w === 'up' || w === 'down') req.updown = w;
    else if (parseLinkAttr(ctx, w, a, req.changes)) continue;
    else if (req.devName === undefined) req.devName = w;
    else throw new CommandError(`Error: either "dev" is duplicate, or "${w}" is a garbage.`, 1);
  }
  return req;
}

/**
 * Parses the attribute named by `w` and queues its change; false when `w` names no attribute,
 * so the caller can take it as the device name, as iproute2 does.
 */
function parseLinkAttr(ctx: CommandContext, w: string, a: Args, changes: Change[]): boolean {
  if (w === 'master') changes.push(linkSetMaster(ctx, a.value()));
  else if (w === 'nomaster') changes.push({ apply: (dev) => ctx.ns.setMaster(dev, undefined) });
  else if (w === 'netns') changes.push(linkSetNetns(ctx, a.value()));
  else if (matches(w, 'address')) changes.push(linkSetAddress(parseMacArg(a.value())));
  else if (w === 'mtu') changes.push(linkSetMtu(parseMtu(a.value())));
  else if (w === 'name') changes.push(linkSetName(a.value()));
  else if (w === 'promisc' || w === 'arp' || w === 'multicast' || w === 'allmulticast')
    changes.push(...linkSetFlag(w, a.value()));
  else return false;
  return true;
}

/** Only a bridge can be a master here; the enslaved device is checked once it is known. */
function linkSetMaster(ctx: CommandContext, masterName: string): Change {
  const br = findDev(ctx.ns, masterName);
  if (!isBridge(br)) throw new CommandError('Error: Device does not allow enslaving to a master.', 2);
  return {
    check: (dev) => {
      if (dev === br) throw new CommandError('Error: Can not enslave a bridge to itself.', 2);
      if (dev instanceof Bridge) throw new CommandError('Error: Can not enslave a bridge to a bridge.', 2);
      if (dev.kind === 'loopback') throw new CommandError('Error: Can not enslave loopback device.', 2);
      macvlanMasterCheck(dev);
    },
    apply: (dev) => ctx.ns.setMaster(dev, br),
  };
}

/** The target namespace must not already hold the name, and loopback never moves. */
function linkSetNetns(ctx: CommandContext, nsName: string): Change {
  const to = lookupNetns(ctx, nsName);
  return {
    check: (dev) => {
      if (to !== dev.netns && to.device(dev.name))
        throw new CommandError('RTNETLINK answers: File exists', 2);
      if (dev.kind === 'loopback') throw new CommandError('RTNETLINK answers: Invalid argument', 2);
    },
    apply: (dev) => moveDevice(dev, to),
  };
}

/** A bridge takes its MAC from its ports unless set, so both sides may need recalculating. */
function linkSetAddress(mac: Device['mac']): Change {
  return {
    apply: (dev) => {
      dev.mac = mac;
      dev.macSet = true;
      if (dev.master instanceof Bridge) dev.master.recalcMac();
      if (dev instanceof Bridge) dev.recalcMac();
      dev.netns.changed('links');
      dev.netns.changed('fdb');
    },
  };
}

/** macvlan devices are bounded by, and propagate to, their lower device's MTU. */
function linkSetMtu(mtu: number): Change {
  return {
    check: (dev) => macvlanMtuCheck(dev, mtu),
    apply: (dev) => {
      dev.mtu = mtu;
      macvlanLowerMtu(dev);
      dev.netns.changed('links');
    },
  };
}

/** Renaming rekeys the namespace's device table and the per-device sysctls. */
function linkSetName(name: string): Change {
  checkIfname(name);
  return {
    check: (dev) => {
      if (dev.netns.device(name)) throw new CommandError('RTNETLINK answers: File exists', 2);
    },
    apply: (dev) => {
      dev.netns.devices.delete(dev.name);
      dev.netns.sysctl.renameDevice(dev.name, name);
      dev.name = name;
      dev.netns.devices.set(name, dev);
      dev.netns.changed('links');
    },
  };
}

/** On/off flags are all validated, but only `arp` changes anything the simulation models. */
function linkSetFlag(flag: string, v: string): Change[] {
  if (v !== 'on' && v !== 'off')
    throw new CommandError(`Error: argument "${v}" is wrong: "${flag}" must be "on" or "off"`, 1);
  return flag === 'arp' ? [{ apply: (dev) => void (dev.noarp = v === 'off') }] : [];
}

/** Every check runs before any change is applied, so a refused command changes nothing. */
function applyLinkSet(dev: Device, req: LinkSetRequest): void {
  for (const c of req.changes) c.check?.(dev);
  if (req.updown === 'up') macvlanOpenCheck(dev);
  for (const c of req.changes) c.apply(dev);
  if (req.updown === 'up') dev.netns.setUp(dev);
  else if (req.updown === 'down') dev.netns.setDown(dev);
}

function linkDel(ctx: CommandContext, a: Args): string {
  let name = a.next();
  if (name === 'dev') name = a.next();
  if (!name) throw new CommandError('Not enough information: "dev" argument is required.', 1);
  const dev = findDev(ctx.ns, name);
  if (dev.kind === 'loopback') throw new CommandError('RTNETLINK answers: Operation not supported', 2);
  ctx.ns.removeDevice(dev);
  return '';
}
