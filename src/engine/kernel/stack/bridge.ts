/**
 * The bridge data path (net/bridge/br_input.c, br_forward.c): learn the source on the
 * ingress port, then deliver locally, forward to the one port the FDB names, or flood.
 */
import type { EthLayer } from '../../net/layers';
import { isMulticastMac } from '../../net/mac';
import type { Device } from '../device';
import type { Bridge } from '../devices/bridge';
import { Fdb } from '../fdb';
import type { Skb } from '../skb';
import { devQueueXmit } from './xmit';
import { emit } from './emit';
import { netifReceive } from './receive';

function fdbRow(br: Bridge, mac: string): string | undefined {
  const e = br.fdb.lookup(mac, br.netns.world.sched.now);
  return e ? Fdb.format(e, br.name) : undefined;
}

export function bridgeHandleFrame(br: Bridge, port: Device, skb: Skb): void {
  const ns = br.netns;
  const eth = skb.layers[0] as EthLayer;
  if (!br.adminUp) {
    emit(ns, {
      kind: 'drop',
      dev: port,
      skb,
      reason: 'bridge-down',
      code: 'drop.bridge-down',
      args: { bridge: br.name },
    });
    return;
  }
  if (isMulticastMac(eth.src)) return;
  const now = ns.world.sched.now;
  if (br.fdb.learn(eth.src, port, now, 'learned')) {
    ns.changed('fdb');
    emit(ns, {
      kind: 'bridge-learn',
      dev: port,
      skb,
      decidedBy: { table: 'fdb', row: fdbRow(br, eth.src)! },
      code: 'bridge.learn',
      args: { bridge: br.name, mac: eth.src, port: port.name },
    });
  }
  if (isMulticastMac(eth.dst)) {
    flood(br, port, skb, 'bridge.flood-broadcast');
    deliverLocal(br, skb);
    return;
  }
  const e = br.fdb.lookup(eth.dst, now);
  if (e?.local) {
    emit(ns, {
      kind: 'bridge-forward',
      dev: br,
      skb,
      decidedBy: { table: 'fdb', row: Fdb.format(e, br.name) },
      code: 'bridge.local',
      args: { bridge: br.name, mac: eth.dst, port: port.name },
    });
    deliverLocal(br, skb);
    return;
  }
  if (!e) {
    flood(br, port, skb, 'bridge.flood-unknown');
    return;
  }
  if (e.port === port) {
    emit(ns, {
      kind: 'drop',
      dev: port,
      skb,
      reason: 'bridge-same-port',
      code: 'drop.bridge-same-port',
      args: { bridge: br.name, port: port.name, mac: eth.dst },
    });
    return;
  }
  emit(ns, {
    kind: 'bridge-forward',
    dev: br,
    skb,
    decidedBy: { table: 'fdb', row: Fdb.format(e, br.name) },
    code: 'bridge.forward',
    args: { bridge: br.name, mac: eth.dst, in: port.name, out: e.port.name },
  });
  devQueueXmit(e.port, skb);
}

/** br_pass_frame_up: the bridge device itself receives the frame (tcpdump -i br sees it). */
function deliverLocal(br: Bridge, skb: Skb): void {
  netifReceive(br, skb, { viaBridge: true });
}

function flood(br: Bridge, ingress: Device | undefined, skb: Skb, code: string): void {
  const eth = skb.layers[0] as EthLayer;
  const out = br.ports().filter((p) => p !== ingress && p.operUp());
  emit(br.netns, {
    kind: 'bridge-flood',
    dev: br,
    skb,
    code,
    args: { bridge: br.name, mac: eth.dst, ports: out.map((p) => p.name).join(', ') || 'none' },
  });
  for (const p of out) devQueueXmit(p, skb);
}

/** br_dev_xmit: the host sends through the bridge device; no learning, no local copy. */
export function bridgeDeviceXmit(br: Bridge, skb: Skb): void {
  const eth = skb.layers[0] as EthLayer;
  if (isMulticastMac(eth.dst)) {
    flood(br, undefined, skb, 'bridge.flood-broadcast');
    return;
  }
  const e = br.fdb.lookup(eth.dst, br.netns.world.sched.now);
  if (!e || e.local) {
    flood(br, undefined, skb, 'bridge.flood-unknown');
    return;
  }
  emit(br.netns, {
    kind: 'bridge-forward',
    dev: br,
    skb,
    decidedBy: { table: 'fdb', row: Fdb.format(e, br.name) },
    code: 'bridge.forward-out',
    args: { bridge: br.name, mac: eth.dst, out: e.port.name },
  });
  devQueueXmit(e.port, skb);
}
