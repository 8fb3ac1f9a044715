/**
 * Hand-built Traces for the canvas tests (and for trying the canvas before the engine's scenarios
 * exist): two hosts on one underlay segment, each with a pod on a bridge, flannel-style VXLAN.
 * The hops were written by hand from how the kernel behaves, not produced by the engine.
 */
import type { MessageCode } from '../../engine/kernel/message-codes';
import { renderExplain } from '../../engine/sim/messages';
import type { EventKind, Topology, Trace, TraceEvent } from '../../engine/kernel/trace';
import type { Layer } from '../../engine/net/layers';
import { groupHops } from '../../engine/sim/hops';

const MAC = {
  pod1: '0a:58:0a:f4:01:02',
  cni1: '0a:58:0a:f4:01:01',
  node1: '52:54:00:00:00:01',
  node2: '52:54:00:00:00:02',
  vx1: '16:11:11:11:11:11',
  vx2: '16:22:22:22:22:22',
  cni2: '0a:58:0a:f4:02:01',
  pod2: '0a:58:0a:f4:02:02',
};

export const fixtureTopology: Topology = {
  machines: [{ name: 'node1' }, { name: 'node2' }],
  segments: [{ name: 'lan', title: 'underlay 192.168.1.0/24' }],
  netns: [
    {
      name: 'pod1',
      machine: 'node1',
      root: false,
      interfaces: [
        {
          name: 'lo',
          ifindex: 1,
          kind: 'loopback',
          mac: '00:00:00:00:00:00',
          mtu: 65536,
          up: true,
          addrs: ['127.0.0.1/8'],
        },
        {
          name: 'eth0',
          ifindex: 3,
          kind: 'veth',
          mac: MAC.pod1,
          mtu: 1450,
          up: true,
          addrs: ['10.244.1.2/24'],
          peer: { netns: 'node1', interface: 'veth1' },
        },
      ],
    },
    {
      name: 'node1',
      machine: 'node1',
      root: true,
      interfaces: [
        {
          name: 'eth0',
          ifindex: 2,
          kind: 'ether',
          mac: MAC.node1,
          mtu: 1500,
          up: true,
          addrs: ['192.168.1.11/24'],
          segment: 'lan',
        },
        {
          name: 'cni0',
          ifindex: 4,
          kind: 'bridge',
          mac: MAC.cni1,
          mtu: 1450,
          up: true,
          addrs: ['10.244.1.1/24'],
        },
        {
          name: 'veth1',
          ifindex: 5,
          kind: 'veth',
          mac: '6a:00:00:00:01:05',
          mtu: 1450,
          up: true,
          addrs: [],
          master: 'cni0',
          peer: { netns: 'pod1', interface: 'eth0' },
        },
        {
          name: 'flannel.1',
          ifindex: 6,
          kind: 'vxlan',
          mac: MAC.vx1,
          mtu: 1450,
          up: true,
          addrs: ['10.244.1.0/32'],
        },
      ],
    },
    {
      name: 'node2',
      machine: 'node2',
      root: true,
      interfaces: [
        {
          name: 'eth0',
          ifindex: 2,
          kind: 'ether',
          mac: MAC.node2,
          mtu: 1500,
          up: true,
          addrs: ['192.168.1.12/24'],
          segment: 'lan',
        },
        {
          name: 'cni0',
          ifindex: 4,
          kind: 'bridge',
          mac: MAC.cni2,
          mtu: 1450,
          up: true,
          addrs: ['10.244.2.1/24'],
        },
        {
          name: 'veth2',
          ifindex: 5,
          kind: 'veth',
          mac: '6a:00:00:00:02:05',
          mtu: 1450,
          up: true,
          addrs: [],
          master: 'cni0',
          peer: { netns: 'pod2', interface: 'eth0' },
        },
        {
          name: 'flannel.1',
          ifindex: 6,
          kind: 'vxlan',
          mac: MAC.vx2,
          mtu: 1450,
          up: true,
          addrs: ['10.244.2.0/32'],
        },
      ],
    },
    {
      name: 'pod2',
      machine: 'node2',
      root: false,
      interfaces: [
        {
          name: 'eth0',
          ifindex: 3,
          kind: 'veth',
          mac: MAC.pod2,
          mtu: 1450,
          up: true,
          addrs: ['10.244.2.2/24'],
          peer: { netns: 'node2', interface: 'veth2' },
        },
      ],
    },
  ],
};

const eth = (src: string, dst: string, type = 0x0800): Layer => ({ proto: 'eth', src, dst, type });
const ip = (src: string, dst: string, ttl: number, protocol = 1): Layer => ({
  proto: 'ipv4',
  src,
  dst,
  ttl,
  protocol,
  id: 1,
  df: true,
  tos: 0,
});
const echo: Layer = { proto: 'icmp', type: 8, code: 0, id: 7, seq: 1 };
const arpReq: Layer = {
  proto: 'arp',
  op: 1,
  sha: MAC.pod1,
  spa: '10.244.1.2',
  tha: '00:00:00:00:00:00',
  tpa: '10.244.1.1',
};
const arpRep: Layer = {
  proto: 'arp',
  op: 2,
  sha: MAC.cni1,
  spa: '10.244.1.1',
  tha: MAC.pod1,
  tpa: '10.244.1.2',
};

const inner1 = [eth(MAC.pod1, MAC.cni1), ip('10.244.1.2', '10.244.2.2', 64), echo];
const inner2 = [eth(MAC.vx1, MAC.vx2), ip('10.244.1.2', '10.244.2.2', 63), echo];
const outer = [
  eth(MAC.node1, MAC.node2),
  ip('192.168.1.11', '192.168.1.12', 64, 17),
  { proto: 'udp', sport: 41234, dport: 8472 } as Layer,
  { proto: 'vxlan', vni: 1 } as Layer,
  ...inner2,
];
const inner3 = [eth(MAC.cni2, MAC.pod2), ip('10.244.1.2', '10.244.2.2', 62), echo];

type Ev = [
  netns: string,
  machine: string,
  iface: string | undefined,
  kind: EventKind,
  packetId?: number,
  packet?: Layer[],
];

/** A code of the closed set for each kind (the fixture's own English text is what tests read). */
const CODE_OF: Record<EventKind, MessageCode> = {
  command: 'command',
  tx: 'tx',
  rx: 'rx',
  'bridge-forward': 'bridge.forward-out',
  'bridge-flood': 'bridge.flood-unknown',
  'route-lookup': 'route.forward-direct',
  'neigh-resolve': 'neigh.hit',
  arp: 'arp.request-sent',
  forward: 'forward',
  netfilter: 'nf.accept',
  nat: 'nat.dnat',
  encap: 'vxlan.encap',
  decap: 'vxlan.decap',
  deliver: 'tcp.accept',
  'icmp-error': 'icmp.send-error',
  drop: 'drop.no-route-input',
  ignore: 'ignore.other-host',
  'bridge-learn': 'bridge.learn',
  userspace: 'udp.send',
  control: 'controller.exec',
};

function events(list: Ev[]): TraceEvent[] {
  return list.map(([netns, machine, iface, kind, packetId, packet], step) => {
    const e: TraceEvent = {
      step,
      time: step * 10,
      netns,
      machine,
      kind,
      explain: { code: CODE_OF[kind], args: {} },
      explanation: `${kind} at ${netns}`,
    };
    if (iface !== undefined) e.interface = iface;
    if (packetId !== undefined) e.packetId = packetId;
    if (packet) e.packet = packet;
    if (kind === 'drop') {
      e.reason = 'IP_NOROUTE';
      e.explain = { code: 'drop.no-route-input', args: { ns: netns, dst: '10.244.9.9' } };
      e.explanation = renderExplain(e.explain);
    }
    return e;
  });
}

/** pod1 pings pod2 across VXLAN: ARP, encapsulation, decapsulation, and a final drop. */
export const fixtureTrace: Trace = {
  version: 4,
  scenario: 'fixture',
  flow: 'pod1-ping-pod2',
  command: { netns: 'pod1', line: 'ping -c 1 10.244.2.2' },
  verdict: 'dropped',
  reason: 'no-route',
  output: '',
  topology: fixtureTopology,
  setup: [],
  events: events([
    /* 0 */ ['pod1', 'node1', undefined, 'route-lookup', 1, inner1.slice(1)],
    /* 1 */ ['pod1', 'node1', 'eth0', 'arp', 2, [eth(MAC.pod1, 'ff:ff:ff:ff:ff:ff', 0x0806), arpReq]],
    /* 2 */ ['node1', 'node1', 'veth1', 'rx', 2, [eth(MAC.pod1, 'ff:ff:ff:ff:ff:ff', 0x0806), arpReq]],
    /* 3 */ ['node1', 'node1', 'cni0', 'arp', 3, [eth(MAC.cni1, MAC.pod1, 0x0806), arpRep]],
    /* 4 */ ['pod1', 'node1', 'eth0', 'rx', 3, [eth(MAC.cni1, MAC.pod1, 0x0806), arpRep]],
    /* 5 */ ['pod1', 'node1', 'eth0', 'tx', 1, inner1],
    /* 6 */ ['node1', 'node1', 'veth1', 'rx', 1, inner1],
    /* 7 */ ['node1', 'node1', 'flannel.1', 'encap', 1, outer],
    /* 8 */ ['node1', 'node1', 'eth0', 'tx', 1, outer],
    /* 9 */ ['node2', 'node2', 'eth0', 'rx', 1, outer],
    /* 10 */ ['node2', 'node2', 'flannel.1', 'decap', 1, inner2],
    /* 11 */ ['node2', 'node2', 'veth2', 'tx', 1, inner3],
    /* 12 */ ['pod2', 'node2', 'eth0', 'rx', 1, inner3],
    /* 13 */ ['pod2', 'node2', 'lo', 'drop', 1, inner3],
  ]),
  hops: [],
  captures: [],
  tables: [],
  tableNetns: fixtureTopology.netns.map((n) => n.name),
};
fixtureTrace.hops = groupHops(fixtureTrace.events, fixtureTopology, 'pod1');

const tcp = (sport: number, dport: number, flags: string): Layer => ({
  proto: 'tcp',
  sport,
  dport,
  flags,
  seq: 0,
  ack: 0,
  window: 64240,
});

/**
 * A client talks to a proxy that opens a second connection to a backend; the first connection is
 * DNATed on the way (same packet, two 4-tuples: still one connection).
 */
export const fixtureProxyTrace: Trace = {
  ...fixtureTrace,
  flow: 'client-curl-proxy',
  verdict: 'delivered',
  events: events([
    /* 0 */ ['pod1', 'node1', 'eth0', 'tx', 1, [ip('10.244.1.2', '10.96.0.10', 64, 6), tcp(40000, 80, 'S')]],
    /* 1 */ [
      'node1',
      'node1',
      'veth1',
      'nat',
      1,
      [ip('10.244.1.2', '10.244.2.2', 64, 6), tcp(40000, 80, 'S')],
    ],
    /* 2 */ ['pod1', 'node1', 'eth0', 'rx', 2, [ip('10.96.0.10', '10.244.1.2', 63, 6), tcp(80, 40000, 'S.')]],
    /* 3 */ [
      'pod2',
      'node2',
      'eth0',
      'tx',
      3,
      [ip('10.244.2.2', '10.244.3.3', 64, 6), tcp(50000, 8080, 'S')],
    ],
    /* 4 */ [
      'pod2',
      'node2',
      'eth0',
      'rx',
      4,
      [ip('10.244.3.3', '10.244.2.2', 64, 6), tcp(8080, 50000, 'S.')],
    ],
    /* 5 */ ['pod1', 'node1', 'eth0', 'rx', 5, [ip('10.244.2.2', '10.244.1.2', 64, 6), tcp(80, 40000, '.')]],
    /* 6 */ ['pod1', 'node1', undefined, 'userspace'],
  ]),
};
fixtureProxyTrace.hops = groupHops(fixtureProxyTrace.events, fixtureTopology, 'pod1');

type SyntheticNetns = Topology['netns'][number];
type SyntheticInterface = SyntheticNetns['interfaces'][number];

/** Two-digit hex of a machine number, so every node's MACs differ in their last byte. */
const hexByte = (m: number): string => m.toString(16).padStart(2, '0');

/** The root namespace of node `m`: underlay NIC, cni0 bridge and flannel VXLAN device, no veths yet. */
function syntheticRootNetns(m: number): SyntheticNetns {
  const node = `node${m}`;
  return {
    name: node,
    machine: node,
    root: true,
    interfaces: [
      {
        name: 'eth0',
        ifindex: 2,
        kind: 'ether',
        mac: `52:54:00:00:00:${hexByte(m)}`,
        mtu: 1500,
        up: true,
        addrs: [`192.168.1.${10 + m}/24`],
        segment: 'lan',
      },
      {
        name: 'cni0',
        ifindex: 3,
        kind: 'bridge',
        mac: `0a:58:0a:f4:${hexByte(m)}:01`,
        mtu: 1450,
        up: true,
        addrs: [`10.244.${m}.1/24`],
      },
      {
        name: 'flannel.1',
        ifindex: 4,
        kind: 'vxlan',
        mac: `16:00:00:00:00:${hexByte(m)}`,
        mtu: 1450,
        up: true,
        addrs: [`10.244.${m}.0/32`],
      },
    ],
  };
}

/** The host side of pod `p`'s veth pair, enslaved to cni0; it goes into the node's root namespace. */
function syntheticHostVeth(p: number, pod: string): SyntheticInterface {
  return {
    name: `veth${p}`,
    ifindex: 4 + p,
    kind: 'veth',
    mac: '6a:00:00:00:00:01',
    mtu: 1450,
    up: true,
    addrs: [],
    master: 'cni0',
    peer: { netns: pod, interface: 'eth0' },
  };
}

/** Pod `p` on node `m`: its own namespace whose eth0 is the peer of the host's `veth<p>`. */
function syntheticPodNetns(m: number, p: number): SyntheticNetns {
  const node = `node${m}`;
  return {
    name: `${node}-pod${p}`,
    machine: node,
    root: false,
    interfaces: [
      {
        name: 'eth0',
        ifindex: 2,
        kind: 'veth',
        mac: '0a:58:00:00:00:01',
        mtu: 1450,
        up: true,
        addrs: [`10.244.${m}.${p + 1}/24`],
        peer: { netns: node, interface: `veth${p}` },
      },
    ],
  };
}

/**
 * Adds a gateway between the underlay and a WAN, plus an "internet" machine on the WAN, so the
 * canvas has a router and an outside world to lay out.
 */
function addSyntheticRouter(t: Topology): void {
  t.machines.push({ name: 'gw', role: 'router' }, { name: 'internet', role: 'internet' });
  t.segments.push({ name: 'wan', title: 'uplink 203.0.113.0/24' });
  t.netns.push(
    {
      name: 'gw',
      machine: 'gw',
      root: true,
      interfaces: [
        {
          name: 'eth0',
          ifindex: 2,
          kind: 'ether',
          mac: '52:54:00:00:01:01',
          mtu: 1500,
          up: true,
          addrs: ['192.168.1.1/24'],
          segment: 'lan',
        },
        {
          name: 'eth1',
          ifindex: 3,
          kind: 'ether',
          mac: '52:54:00:00:01:02',
          mtu: 1500,
          up: true,
          addrs: ['203.0.113.2/24'],
          segment: 'wan',
        },
      ],
    },
    {
      name: 'internet',
      machine: 'internet',
      root: true,
      interfaces: [
        {
          name: 'eth0',
          ifindex: 2,
          kind: 'ether',
          mac: '52:54:00:00:02:01',
          mtu: 1500,
          up: true,
          addrs: ['203.0.113.1/24'],
          segment: 'wan',
        },
      ],
    },
  );
}

/** A cluster of `machines` nodes with `pods` pods each on a cni0 bridge, a VXLAN device and one underlay. */
export function syntheticTopology(machines: number, pods: number, withRouter = false): Topology {
  const t: Topology = {
    machines: [],
    netns: [],
    segments: [{ name: 'lan', title: 'underlay 192.168.1.0/24' }],
  };
  for (let m = 1; m <= machines; m++) {
    const node = `node${m}`;
    t.machines.push({ name: node });
    const root = syntheticRootNetns(m);
    for (let p = 1; p <= pods; p++) {
      const podNetns = syntheticPodNetns(m, p);
      root.interfaces.push(syntheticHostVeth(p, podNetns.name));
      t.netns.push(podNetns);
    }
    // The root namespace goes after its pods, as it always has: consumers see that order.
    t.netns.push(root);
  }
  if (withRouter) addSyntheticRouter(t);
  return t;
}
