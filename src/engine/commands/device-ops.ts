/** Device lookups and creation shared by ip, ifconfig and brctl. */
import { normalizeMac } from '../net/mac';
import type { Device } from '../kernel/device';
import { Bridge } from '../kernel/devices/bridge';
import { Dummy } from '../kernel/devices/dummy';
import { Veth } from '../kernel/devices/veth';
import { CommandError } from '../kernel/errors';
import type { Netns } from '../kernel/netns';

/** IFNAMSIZ is 16 including the NUL. */
export function checkIfname(name: string): void {
  if (name.length === 0 || name.length > 15 || /[\s/:]/.test(name) || name === '.' || name === '..') {
    throw new CommandError(`Error: argument "${name}" is wrong: "name" not a valid ifname`, 1);
  }
}

export function findDev(ns: Netns, name: string): Device {
  const d = ns.device(name);
  if (!d) throw new CommandError(`Cannot find device "${name}"`, 1);
  return d;
}

export function parseMacArg(s: string): string {
  const m = normalizeMac(s);
  if (!m) throw new CommandError(`"${s}" is invalid lladdr.`, 1);
  return m;
}

export function newBridge(ns: Netns, name: string, mac: string | undefined, origin: string): Bridge {
  const br = new Bridge(ns, name, ns.allocIfindex(), mac ?? ns.world.allocMac(`${ns.name}/${name}`), 1500);
  br.macSet = mac !== undefined;
  br.origin = origin;
  ns.attach(br);
  br.recalcMac();
  return br;
}

export function newDummy(ns: Netns, name: string, mac: string | undefined, origin: string): Dummy {
  const d = new Dummy(ns, name, ns.allocIfindex(), mac ?? ns.world.allocMac(`${ns.name}/${name}`), 1500);
  d.macSet = mac !== undefined;
  d.origin = origin;
  ns.attach(d);
  return d;
}

export function newVethPair(
  ns: Netns,
  a: { name: string; mac?: string; mtu?: number },
  b: { name: string; mac?: string; ns: Netns },
  origin: string,
): [Veth, Veth] {
  // veth_newlink registers the peer first ("register dev last"): the peer gets the lower ifindex.
  const peerIndex = b.ns.allocIfindex();
  const va = new Veth(
    ns,
    a.name,
    ns.allocIfindex(),
    a.mac ?? ns.world.allocMac(`${ns.name}/${a.name}`),
    a.mtu ?? 1500,
  );
  const vb = new Veth(
    b.ns,
    b.name,
    peerIndex,
    b.mac ?? ns.world.allocMac(`${b.ns.name}/${b.name}`),
    a.mtu ?? 1500,
  );
  va.peer = vb;
  vb.peer = va;
  va.origin = origin;
  vb.origin = origin;
  ns.attach(va);
  b.ns.attach(vb);
  return [va, vb];
}

/**
 * dev_change_net_namespace: the device is closed, loses its addresses, routes and
 * master, and keeps its ifindex in the new namespace when that index is free.
 */
export function moveDevice(dev: Device, to: Netns): void {
  const from = dev.netns;
  if (from === to) return;
  if (to.device(dev.name)) throw new CommandError('RTNETLINK answers: File exists', 2);
  from.setDown(dev);
  if (dev.master) from.setMaster(dev, undefined);
  for (const a of dev.addrs.slice()) from.delAddr(dev, a);
  from.routes.remove((r) => r.dev === dev);
  from.neigh.flushDevice(dev);
  from.devices.delete(dev.name);
  from.sysctl.removeDevice(dev.name);
  from.changed('links');
  from.changed('addrs');
  dev.ifindex = to.allocIfindex(dev.ifindex);
  to.attach(dev);
  to.changed('addrs');
}

export function isBridge(d: Device | undefined): d is Bridge {
  return d instanceof Bridge;
}
