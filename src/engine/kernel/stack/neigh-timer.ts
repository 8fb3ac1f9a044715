/**
 * The timer of a neighbour entry in use (net/core/neighbour.c, neigh_timer_handler; the probe
 * itself is net/ipv4/arp.c, arp_solicit). A STALE entry used to send goes to DELAY: its MAC is
 * used, but nobody has vouched for it lately. If nothing confirms the neighbour within
 * delay_first_probe_time, the entry goes to PROBE and asks the neighbour itself, ucast_solicit
 * ARP requests sent to its known MAC, retrans_time apart; a reply addressed to us makes it
 * REACHABLE (arp.ts), silence makes it FAILED. Each timer fires when the timer wheel lets it.
 */
import { formatIp } from '../../net/ipv4';
import { ETH_P_ARP } from '../../net/layers';
import { ZERO_MAC } from '../../net/mac';
import type { Device } from '../device';
import { NeighTable, type NeighEntry } from '../neigh';
import type { Skb } from '../skb';
import { SECOND_US } from '../timing';
import { emit as emitEvent, type Emit } from '../emit';
import { selectSource } from './output';
import { devQueueXmit } from '../xmit';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'neigh'> = emitEvent;

/** neigh_event_send on a STALE entry: DELAY, and the timer that decides whether to probe. */
export function neighStartDelay(e: NeighEntry): void {
  const ns = e.dev.netns;
  const now = ns.world.sched.now;
  e.state = 'DELAY';
  e.updated = now;
  e.timer?.cancel();
  const delay = ns.sysctl.neighGet(e.dev.name, 'delay_first_probe_time') * SECOND_US;
  e.timer = ns.world.sched.wheel(delay, () => neighTimerHandler(e));
  ns.changed('neigh');
}

/**
 * neigh_timer_handler for DELAY and PROBE. Nothing in the model confirms a neighbour without
 * an ARP reply (which already made the entry REACHABLE and stopped this timer), so DELAY
 * always ends in PROBE here. In PROBE the entry stays usable while it is asked.
 */
function neighTimerHandler(e: NeighEntry): void {
  const dev = e.dev;
  const ns = dev.netns;
  if (ns.neigh.get(dev, e.ip) !== e || (e.state !== 'DELAY' && e.state !== 'PROBE')) return;
  const now = ns.world.sched.now;
  if (e.state === 'DELAY') {
    e.state = 'PROBE';
    e.probes = 0;
    e.updated = now;
    ns.changed('neigh');
    emit(ns, {
      kind: 'neigh-resolve',
      dev,
      decidedBy: { table: 'neigh', row: NeighTable.format(e) },
      code: 'neigh.delay-expired',
      args: { ip: formatIp(e.ip), dev: dev.name },
    });
  }
  // neigh_max_probes in PROBE: ucast_probes + app_probes (0) + mcast_resolicit (0).
  if (e.probes >= ns.sysctl.neighGet(dev.name, 'ucast_solicit')) {
    e.state = 'FAILED';
    e.updated = now;
    e.timer = undefined;
    ns.changed('neigh');
    emit(ns, {
      kind: 'neigh-resolve',
      dev,
      decidedBy: { table: 'neigh', row: NeighTable.format(e) },
      code: 'neigh.probe-failed',
      args: { ip: formatIp(e.ip), dev: dev.name, probes: e.probes },
    });
    return;
  }
  const retrans = ns.sysctl.neighGet(dev.name, 'retrans_time_ms') * 1000;
  e.timer = ns.world.sched.wheel(retrans, () => neighTimerHandler(e));
  e.probes++;
  unicastProbe(e);
}

/**
 * arp_solicit in PROBE: the queue is empty, so the sender address is inet_select_addr's
 * (link scope); probes below ucast_solicit go to the MAC the entry holds, with a zero target
 * hardware address (arp_send_dst is given no target_hw).
 */
function unicastProbe(e: NeighEntry): void {
  const dev = e.dev;
  const ns = dev.netns;
  const spa = selectSource(ns, dev, e.ip, 'link');
  const req = arpSolicitSkb(dev, spa, e.ip, e.mac!);
  emit(ns, {
    kind: 'arp',
    dev,
    skb: req,
    code: 'arp.probe-sent',
    args: { ip: formatIp(e.ip), dev: dev.name, mac: e.mac!, n: e.probes },
  });
  devQueueXmit(dev, req);
}

/**
 * arp_create for arp_solicit: a request for `tip` from `spa`, to `dst` (broadcast while
 * INCOMPLETE, the held MAC in PROBE), with a zero target hardware address.
 */
export function arpSolicitSkb(dev: Device, spa: number, tip: number, dst: string): Skb {
  return {
    id: dev.netns.world.nextPacketId(),
    layers: [
      { proto: 'eth', src: dev.mac, dst, type: ETH_P_ARP },
      { proto: 'arp', op: 1, sha: dev.mac, spa: formatIp(spa), tha: ZERO_MAC, tpa: formatIp(tip) },
    ],
    payload: 0,
    mark: 0,
  };
}
