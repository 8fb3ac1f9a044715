/**
 * `ip link add link DEV name NAME type macvlan [mode private|vepa|bridge|passthru]`: iproute2's
 * ip/iplink_macvlan.c reads the options, macvlan_common_newlink (drivers/net/macvlan.c) checks
 * the lower device. The error texts are those iproute2 and the kernel print (measured).
 */
import type { Device } from '../kernel/device';
import { Bridge } from '../kernel/devices/bridge';
import {
  Macvlan,
  MACVLAN_MODES,
  macvlanPort,
  macvlanPortOf,
  type MacvlanMode,
} from '../kernel/devices/macvlan';
import { CommandError } from '../kernel/errors';
import type { Netns } from '../kernel/netns';
import type { CommandContext } from './types';
import type { Args } from './words';

const USAGE = [
  'Usage: ... macvlan mode MODE [flag MODE_FLAG] MODE_OPTS [bcqueuelen BC_QUEUE_LEN]',
  '',
  'MODE: private | vepa | bridge | passthru | source',
  'MODE_FLAG: null | nopromisc | nodst',
  'MODE_OPTS: for mode "source":',
  '\tmacaddr { { add | del } <macaddr> | set [ <macaddr> [ <macaddr>  ... ] ] | flush }',
  'BC_QUEUE_LEN: Length of the rx queue for broadcast/multicast: [0-4294967295]',
].join('\n');

const EINVAL = (): CommandError => new CommandError('RTNETLINK answers: Invalid argument', 2);

function parseMode(a: Args): MacvlanMode {
  let mode: MacvlanMode = 'vepa';
  while (!a.done) {
    const w = a.next()!;
    if (w === 'mode') {
      const v = a.next() ?? '';
      if (v === 'source')
        throw new CommandError(
          'Error: macvlan mode source is not modelled by Packet Journey: the kernel would create it, the simulator cannot.',
          2,
        );
      if (!(MACVLAN_MODES as readonly string[]).includes(v))
        throw new CommandError(
          `Error: argument of "mode" must be "private", "vepa", "bridge", "passthru" or "source", not "${v}"`,
          1,
        );
      mode = v as MacvlanMode;
    } else if (w === 'bcqueuelen') a.next();
    else throw new CommandError(`macvlan: unknown option "${w}"?\n${USAGE}`, 1);
  }
  return mode;
}

/**
 * macvlan_common_newlink: a macvlan of a macvlan sits on that one's lower; the lower must be an
 * Ethernet device with no other rx_handler (a bridge port has one: EBUSY); a passthru macvlan
 * must be its lower's only one and takes the lower's MAC; the MTU may not exceed the lower's.
 */
export function addMacvlan(
  ctx: CommandContext,
  ns: Netns,
  spec: { name: string; link?: Device; mac?: string; mtu?: number },
  a: Args,
): string {
  const mode = parseMode(a);
  if (!spec.link) throw EINVAL();
  const lower = spec.link instanceof Macvlan ? spec.link.lower : spec.link;
  if (lower.kind === 'loopback' || lower.linkType !== 'eth') throw EINVAL();
  if (lower.master instanceof Bridge) throw new CommandError('RTNETLINK answers: Device or resource busy', 2);
  const existing = macvlanPort(lower);
  if (mode === 'passthru' && existing && existing.vlans.length > 0) throw EINVAL();
  if (existing?.passthru) throw EINVAL();
  if (spec.mtu !== undefined && spec.mtu > lower.mtu) throw EINVAL();
  const port = macvlanPortOf(lower);
  if (mode === 'passthru') port.passthru = true;
  const mac = mode === 'passthru' ? lower.mac : (spec.mac ?? ns.world.allocMac(`${ns.name}/${spec.name}`));
  const dev = new Macvlan(ns, spec.name, ns.allocIfindex(), mac, spec.mtu ?? lower.mtu, port, mode);
  dev.macSet = spec.mac !== undefined;
  dev.origin = ctx.origin;
  port.vlans.push(dev);
  ns.attach(dev);
  return '';
}

/** macvlan_open: a non-passthru macvlan may not come up with the lower's MAC or an open sibling's. */
export function macvlanOpenCheck(dev: Device): void {
  if (!(dev instanceof Macvlan) || dev.port.passthru || dev.adminUp) return;
  const p = dev.port;
  if (p.lower.mac === dev.mac || p.vlans.some((v) => v !== dev && v.adminUp && v.mac === dev.mac))
    throw new CommandError('RTNETLINK answers: Address already in use', 2);
}

/** macvlan_change_mtu: not above the lower's MTU. */
export function macvlanMtuCheck(dev: Device, mtu: number): void {
  if (dev instanceof Macvlan && mtu > dev.lower.mtu) throw EINVAL();
}

/** macvlan_device_event NETDEV_CHANGEMTU: a lower's smaller MTU lowers its macvlans' with it. */
export function macvlanLowerMtu(lower: Device): void {
  for (const v of macvlanPort(lower)?.vlans ?? []) {
    if (v.mtu > lower.mtu) {
      v.mtu = lower.mtu;
      v.netns.changed('links');
    }
  }
}

/** netdev_rx_handler_register: a macvlan's lower already has its rx_handler, so no bridge takes it. */
export function macvlanMasterCheck(dev: Device): void {
  if ((macvlanPort(dev)?.vlans.length ?? 0) > 0)
    throw new CommandError('RTNETLINK answers: Device or resource busy', 2);
}
