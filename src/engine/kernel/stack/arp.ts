/**
 * arp_rcv / arp_process: answer requests for our addresses (or, with proxy_arp, for
 * addresses we route elsewhere) and learn senders as the kernel does.
 */
import { isMulticastIp } from '../../net/ipv4';
import { ETH_P_ARP, type ArpLayer, type EthLayer } from '../../net/layers';
import { ipOf } from '../addr';
import type { Device } from '../device';
import { NeighTable } from '../neigh';
import { formatRoute, type Route } from '../routes';
import type { Skb } from '../skb';
import { emit as emitEvent, type Emit } from '../emit';
import { neighResolved } from './neigh-output';
import { devQueueXmit } from '../xmit';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'neigh'> = emitEvent;

export function arpRcv(dev: Device, skb: Skb, eth: EthLayer): void {
  const ns = dev.netns;
  const arp = skb.layers[0] as ArpLayer;
  if (!arp || arp.proto !== 'arp' || dev.noarp) return;
  const sip = ipOf(arp.spa);
  const tip = ipOf(arp.tpa);
  // arp_process: 127/8 is neither asked for nor answered unless route_localnet (dev or all).
  const localnet = ns.sysctl.devOr(dev.name, 'route_localnet');
  if (isMulticastIp(tip) || (tip >>> 24 === 127 && !localnet)) return;
  const rx: ArpRx = { dev, skb, eth, arp, sip, tip };
  // A loopback sender fails the input route as a martian source: no answer, only the table update.
  if (arp.op === 1 && sip !== 0 && (sip >>> 24 !== 127 || localnet) && arpAnswer(rx)) return;
  arpUpdate(rx);
}

/** An ARP packet as arp_process reads it: where it came in, and its sender and target addresses. */
interface ArpRx {
  dev: Device;
  skb: Skb;
  eth: EthLayer;
  arp: ArpLayer;
  sip: number;
  tip: number;
}

/**
 * A request: answered for our own address (arp_ignore permitting) or, with proxy_arp, for an
 * address routed out of another device. Returns whether the request was dealt with.
 */
function arpAnswer(rx: ArpRx): boolean {
  const { dev, skb, arp, sip, tip } = rx;
  const ns = dev.netns;
  // arp_process: ip_route_input_noref(tip, sip, dev), so an iif or from rule applies.
  const rt = ns.routes.lookup(tip, { src: sip, iif: dev });
  if (rt?.type === 'local') {
    const ignore = ns.sysctl.devGet(dev.name, 'arp_ignore');
    if (ignore >= 1 && !dev.addrs.some((a) => a.addr === tip)) {
      emit(ns, { kind: 'arp', dev, skb, code: 'arp.ignore', args: { ip: arp.tpa, dev: dev.name } });
      return true;
    }
    neighEventNs(dev, sip, arp.sha);
    emit(ns, {
      kind: 'arp',
      dev,
      skb,
      decidedBy: { table: 'routes', row: formatRoute(rt) },
      code: 'arp.request-local',
      args: { ip: arp.tpa, asker: arp.spa, dev: dev.name, mac: dev.mac },
    });
    sendReply(dev, arp);
    return true;
  }
  const forwarding = ns.sysctl.devGet(dev.name, 'forwarding') !== 0;
  if (
    !rt ||
    !forwarding ||
    rt.type !== 'unicast' ||
    rt.dev === dev ||
    !ns.sysctl.devOr(dev.name, 'proxy_arp')
  )
    return false;
  proxyAnswer(rx, rt);
  return true;
}

/** proxy_arp: answer with our own MAC for an address we route elsewhere. */
function proxyAnswer({ dev, skb, eth, arp, sip, tip }: ArpRx, rt: Route): void {
  const ns = dev.netns;
  neighEventNs(dev, sip, arp.sha);
  emit(ns, {
    kind: 'arp',
    dev,
    skb,
    decidedBy: { table: 'routes', row: formatRoute(rt) },
    // A link-local "gateway" (Calico's 169.254.1.1) exists nowhere: proxy ARP is what makes it reachable.
    code: tip >>> 16 === 0xa9fe && dev.addrs.length === 0 ? 'arp.proxy-gateway' : 'arp.proxy',
    args: { ip: arp.tpa, asker: arp.spa, dev: dev.name, mac: dev.mac, out: rt.dev?.name ?? '' },
  });
  // Broadcast requests wait a random part of the receiving device's proxy_delay (in_dev->arp_parms,
  // in jiffies at USER_HZ 100); with proxy_delay 0 (as Calico sets on its veths) the answer is immediate.
  const delayUs = eth.dst === dev.mac ? 0 : proxyDelayUs(ns.sysctl.neighGet(dev.name, 'proxy_delay'), skb.id);
  ns.world.sched.at(delayUs, () => sendReply(dev, arp));
}

/** "Update our ARP tables": an existing entry learns from any ARP; a reply to us confirms it. */
function arpUpdate({ dev, skb, eth, arp, sip }: ArpRx): void {
  const ns = dev.netns;
  const n = ns.neigh.get(dev, sip);
  if (!n || n.state === 'PERMANENT' || n.state === 'NOARP') {
    if (arp.op === 1)
      emit(ns, { kind: 'arp', dev, skb, code: 'arp.not-for-us', args: { ip: arp.tpa, dev: dev.name } });
    else emit(ns, { kind: 'arp', dev, skb, code: 'arp.unsolicited', args: { ip: arp.spa, dev: dev.name } });
    return;
  }
  const state = arp.op === 2 && eth.dst === dev.mac ? 'REACHABLE' : 'STALE';
  if (n.state === 'INCOMPLETE' || n.state === 'FAILED') {
    neighResolved(n, arp.sha, state, () =>
      emit(ns, {
        kind: 'arp',
        dev,
        skb,
        decidedBy: { table: 'neigh', row: NeighTable.format(n) },
        code: 'arp.reply-learned',
        args: { ip: arp.spa, mac: arp.sha, dev: dev.name },
      }),
    );
    return;
  }
  // neigh_update: the same lladdr reported as STALE keeps the current state.
  const same = n.mac === arp.sha;
  if (!same || state === 'REACHABLE') {
    // __neigh_update: a new state stops the old one's timer (a DELAY or PROBE entry's probe).
    if (n.state !== state) {
      n.timer?.cancel();
      n.timer = undefined;
    }
    n.mac = arp.sha;
    n.state = state;
    n.updated = ns.world.sched.now;
    ns.changed('neigh');
  }
}

/** neigh_event_ns: the asker is our neighbour now, in STALE (we heard from it, unconfirmed). */
function neighEventNs(dev: Device, sip: number, sha: string): void {
  const ns = dev.netns;
  const n = ns.neigh.get(dev, sip);
  if (n && (n.state === 'PERMANENT' || n.state === 'NOARP')) return;
  if (n) {
    if (n.state === 'INCOMPLETE' || n.state === 'FAILED') {
      neighResolved(n, sha, 'STALE');
      return;
    }
    if (n.mac === sha) return;
    if (n.state !== 'STALE') n.timer?.cancel();
    n.mac = sha;
    n.state = 'STALE';
    n.updated = ns.world.sched.now;
  } else {
    ns.neigh.set({
      ip: sip,
      dev,
      mac: sha,
      state: 'STALE',
      queue: [],
      probes: 0,
      updated: ns.world.sched.now,
      origin: 'kernel',
    });
  }
  ns.changed('neigh');
}

function sendReply(dev: Device, req: ArpLayer): void {
  const ns = dev.netns;
  const reply: Skb = {
    id: ns.world.nextPacketId(),
    layers: [
      { proto: 'eth', src: dev.mac, dst: req.sha, type: ETH_P_ARP },
      { proto: 'arp', op: 2, sha: dev.mac, spa: req.tpa, tha: req.sha, tpa: req.spa },
    ],
    payload: 0,
    mark: 0,
  };
  devQueueXmit(dev, reply);
}

function proxyDelayUs(jiffies: number, seed: number): number {
  const frac = ((seed * 2654435761) >>> 0) / 0x100000000;
  return Math.floor(jiffies * 10_000 * frac);
}
