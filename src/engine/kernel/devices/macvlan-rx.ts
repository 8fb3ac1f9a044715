/**
 * macvlan's two paths (drivers/net/macvlan.c). Out: macvlan_queue_xmit sends through the lower
 * device, except that a bridge-mode macvlan hands a frame for another bridge-mode macvlan
 * straight to the lower's receive path, and copies its broadcasts to the other bridge-mode
 * macvlans before sending them out. In: macvlan_handle_frame, the lower's rx_handler, gives a
 * unicast frame to the macvlan whose MAC it is for (in passthru mode to the one macvlan),
 * and queues a copy of a broadcast for every macvlan the modes allow while the lower keeps
 * the frame too. The lower never reaches its own macvlans: its frames leave by the wire.
 */
import type { EthLayer } from '../../net/layers';
import { BROADCAST_MAC, isMulticastMac } from '../../net/mac';
import type { Device } from '../device';
import { macvlanLookup, type Macvlan, type MacvlanMode, type MacvlanPort } from './macvlan';
import type { Skb } from '../skb';
import { LINK_DELAY_US } from '../timing';
import { emit as emitEvent, type Emit } from '../emit';
import { dropNotForwardable, isSkbForwardable } from '../forwardable';
import { netifReceive } from '../receive';
import { devQueueXmit } from '../xmit';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'macvlan'> = emitEvent;

/**
 * macvlan_process_broadcast runs from a work queue (schedule_work): the copies reach the
 * macvlans well after the lower has handled the frame itself. Measured on 6.18: a macvlan's
 * ARP reply left 130 us after the lower's, after a whole ping exchange over the lower.
 */
const BC_WORK_US = 50;

const ethOf = (skb: Skb): EthLayer | undefined => {
  const first = skb.layers[0];
  return first?.proto === 'eth' ? (first as EthLayer) : undefined;
};

export function macvlanQueueXmit(vlan: Macvlan, skb: Skb): void {
  const port = vlan.port;
  const eth = ethOf(skb);
  if (vlan.mode === 'bridge' && eth) {
    if (isMulticastMac(eth.dst)) {
      // Send to other bridge ports directly, then to the world.
      macvlanBroadcast(skb, port, vlan, ['bridge'], true);
    } else {
      const dest = macvlanLookup(port, eth.dst);
      if (dest && dest.mode === 'bridge') {
        emit(vlan.netns, {
          kind: 'bridge-forward',
          dev: vlan,
          skb,
          code: 'macvlan.bridge',
          args: { dev: vlan.name, mac: eth.dst, to: dest.name, lower: port.lower.name },
        });
        // dev_forward_skb(vlan->lowerdev): "send to lowerdev first for its network taps".
        devForwardSkb(port.lower, skb, vlan);
        return;
      }
    }
  }
  devQueueXmit(port.lower, skb);
}

/** dev_forward_skb: the frame enters `dev`'s receive path through the backlog (netif_rx). */
function devForwardSkb(dev: Device, skb: Skb, from: Device): void {
  if (!isSkbForwardable(dev, skb)) {
    dropNotForwardable(dev, skb, from);
    return;
  }
  dev.netns.world.sched.deliver(LINK_DELAY_US, () => netifReceive(dev, skb));
}

/**
 * macvlan_handle_frame on the lower device. Returns true when the frame was taken from the
 * lower (RX_HANDLER_CONSUMED or ANOTHER), false when the lower handles it (RX_HANDLER_PASS).
 */
export function macvlanHandleFrame(port: MacvlanPort, skb: Skb): boolean {
  const eth = ethOf(skb);
  if (!eth) return false;
  if (isMulticastMac(eth.dst)) {
    const src = macvlanLookup(port, eth.src);
    if (src && src.mode !== 'vepa' && src.mode !== 'bridge') {
      // A private or passthru macvlan's own broadcast, reflected: back to it alone.
      macvlanRx(src, skb, 'macvlan.reflected');
      return true;
    }
    // macvlan_multicast_rx: from outside to all; from a VEPA macvlan to the other VEPA and
    // bridge ones; from a bridge one to the VEPA ones (the bridge ones saw it on the way out).
    const modes: MacvlanMode[] = !src
      ? ['private', 'vepa', 'passthru', 'bridge']
      : src.mode === 'vepa'
        ? ['vepa', 'bridge']
        : ['vepa'];
    const copy = skb;
    port.lower.netns.world.sched.at(BC_WORK_US, () => macvlanBroadcast(copy, port, src, modes, false));
    return false;
  }
  const vlan = port.passthru ? port.vlans[0] : macvlanLookup(port, eth.dst);
  if (!vlan) return false;
  if (!vlan.adminUp) {
    emit(port.lower.netns, {
      kind: 'drop',
      dev: port.lower,
      skb,
      reason: 'DEV_READY',
      code: 'drop.macvlan-down',
      args: { dev: vlan.name, lower: port.lower.name },
    });
    return true;
  }
  macvlanRx(vlan, skb, 'macvlan.rx');
  return true;
}

/** RX_HANDLER_ANOTHER: the frame goes round again as the macvlan's, PACKET_HOST. */
function macvlanRx(vlan: Macvlan, skb: Skb, code: 'macvlan.rx' | 'macvlan.reflected'): void {
  const eth = ethOf(skb)!;
  emit(vlan.port.lower.netns, {
    kind: 'bridge-forward',
    dev: vlan.port.lower,
    skb,
    code,
    args: { lower: vlan.port.lower.name, mac: eth.dst, dev: vlan.name },
  });
  netifReceive(vlan, skb, { host: true });
}

/**
 * macvlan_broadcast: a copy for each open macvlan of the modes given, but the source, whose
 * multicast filter takes the address (broadcast always; here a multicast group only when it
 * is one the macvlan joined). A bridge-mode sender's copies are forwarded (__dev_forward_skb).
 */
function macvlanBroadcast(
  skb: Skb,
  port: MacvlanPort,
  src: Macvlan | undefined,
  modes: MacvlanMode[],
  local: boolean,
): void {
  const eth = ethOf(skb)!;
  const to = port.vlans.filter(
    (v) => v.adminUp && v !== src && modes.includes(v.mode) && mcFilter(v, eth.dst),
  );
  if (to.length === 0) return;
  const at = local && src ? src : port.lower;
  emit(at.netns, {
    kind: 'bridge-flood',
    dev: at,
    skb,
    code: 'macvlan.broadcast',
    args: { lower: port.lower.name, mac: eth.dst, devs: to.map((v) => v.name).join(', ') },
  });
  for (const v of to) {
    if (local && !isSkbForwardable(v, skb)) {
      dropNotForwardable(v, skb, src ?? port.lower);
      continue;
    }
    v.netns.world.sched.deliver(LINK_DELAY_US, () => netifReceive(v, skb));
  }
}

/** vlan->mc_filter: broadcast, and the groups the device listens to (IPv4 all-hosts, IPv6 all-nodes and solicited-node). */
function mcFilter(vlan: Macvlan, mac: string): boolean {
  if (mac === BROADCAST_MAC || mac === '01:00:5e:00:00:01' || mac === '33:33:00:00:00:01') return true;
  if (!mac.startsWith('33:33:ff:')) return false;
  return vlan.addrs6.some((a) => solicitedMac(a.addr) === mac);
}

function solicitedMac(addr: bigint): string {
  const low = Number(addr & 0xffffffn);
  const hex = (n: number): string => n.toString(16).padStart(2, '0');
  return `33:33:ff:${hex((low >> 16) & 0xff)}:${hex((low >> 8) & 0xff)}:${hex(low & 0xff)}`;
}
