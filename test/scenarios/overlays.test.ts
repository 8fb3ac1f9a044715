/**
 * Catalog must-facts for the overlay and tunnel scenarios: flannel's UDP backend and
 * VXLAN with DirectRouting, Docker overlay, Weave, and the two VXLAN troubleshooting
 * scenarios. Expected values come from how Linux builds these packets (RFC 7348 framing,
 * TTL 64 for locally built outer headers, DF clear on VXLAN's outer header, one TTL
 * decrement per routed hop), not from the engine's own output.
 */
import { describe, expect, it } from 'vitest';
import type { Capture, Trace } from '../../src/engine';
import type { IcmpLayer, Ipv4Layer, UdpLayer, VxlanLayer } from '../../src/engine/net/layers';
import type { Store } from '../../src/engine/controllers/store';
import { arps, echoes, eth, finalRows, ip, ipv4s, macOf, scenario, trace, world } from '../helpers';

const udpOf = (c: Capture): UdpLayer | undefined => c.layers.find((l): l is UdpLayer => l.proto === 'udp');
const vxlanOf = (c: Capture): VxlanLayer | undefined =>
  c.layers.find((l): l is VxlanLayer => l.proto === 'vxlan');
const innerIp = (c: Capture): Ipv4Layer | undefined => ipv4s(c)[1];
const protos = (c: Capture): string[] => c.layers.map((l) => l.proto);

describe('flannel-udp: pod1-ping-pod3', () => {
  const t = trace('flannel-udp', 'pod1-ping-pod3');

  it('is delivered', () => {
    expect(t.verdict).toBe('delivered');
  });

  it('flannel0 is a TUN device: its capture has no Ethernet layer', () => {
    const onTun = t.captures.filter((c) => c.netns === 'A' && c.interface === 'flannel0');
    expect(onTun.length).toBeGreaterThan(0);
    for (const c of onTun) {
      expect(c.link).toBe('raw');
      expect(c.layers[0]!.proto).toBe('ipv4');
      expect(eth(c)).toBeUndefined();
    }
    const req = echoes(t, 'request', 'A', 'flannel0', 'tx')[0]!;
    // Routed once by A on the way into flannel0.
    expect(ip(req)).toMatchObject({ src: '10.1.15.2', dst: '10.1.16.2', ttl: 63 });
  });

  it("A's eth0 carries the inner IPv4 packet in UDP 8285 -> 8285 between the hosts", () => {
    const wire = echoes(t, 'request', 'A', 'eth0', 'tx');
    expect(wire).toHaveLength(1);
    const c = wire[0]!;
    expect(protos(c)).toEqual(['eth', 'ipv4', 'udp', 'ipv4', 'icmp']);
    expect(ip(c)).toMatchObject({ src: '192.168.0.100', dst: '192.168.0.200', protocol: 17, ttl: 64 });
    expect(udpOf(c)).toMatchObject({ sport: 8285, dport: 8285 });
    expect(innerIp(c)).toMatchObject({ src: '10.1.15.2', dst: '10.1.16.2', ttl: 63 });
    expect(eth(c)?.dst).toBe(macOf(t, 'B', 'eth0'));
  });

  it('shows every crossing between kernel and user space, on both hosts', () => {
    const codes = t.events.filter((e) => e.kind === 'userspace').map((e) => `${e.netns}:${e.explain.code}`);
    // Request: A reads from the TUN and sends UDP; B receives UDP and writes into its TUN.
    for (const want of ['A:tun.read', 'A:flanneld.udp-send', 'B:flanneld.udp-recv', 'B:tun.write'])
      expect(codes).toContain(want);
    // Reply: the mirror crossings.
    for (const want of ['B:tun.read', 'B:flanneld.udp-send', 'A:flanneld.udp-recv', 'A:tun.write'])
      expect(codes).toContain(want);
    const read = t.events.findIndex((e) => e.netns === 'A' && e.explain.code === 'tun.read');
    const send = t.events.findIndex((e) => e.netns === 'A' && e.explain.code === 'flanneld.udp-send');
    const recv = t.events.findIndex((e) => e.netns === 'B' && e.explain.code === 'flanneld.udp-recv');
    const write = t.events.findIndex((e) => e.netns === 'B' && e.explain.code === 'tun.write');
    expect(read).toBeLessThan(send);
    expect(send).toBeLessThan(recv);
    expect(recv).toBeLessThan(write);
  });

  it('pod3 receives TTL 62 (routed by A and by B; flanneld does not touch the TTL)', () => {
    expect(ip(echoes(t, 'request', 'pod3', 'eth0', 'rx')[0]!)?.ttl).toBe(62);
  });

  it("the wire event's UDP length is tcpdump's: 84 = the inner 20-byte IPv4 header + 8-byte ICMP + 56 data", () => {
    const tx = t.events.find(
      (e) =>
        e.netns === 'A' &&
        e.interface === 'eth0' &&
        e.explain.code === 'tx' &&
        e.explain.args.what?.toString().includes('8285'),
    );
    expect(tx?.explain.args.what).toBe('UDP 192.168.0.100:8285 > 192.168.0.200:8285 len 84');
  });

  it('forwarding into flannel0 (a TUN: no link layer) says no MAC is rewritten', () => {
    const fwd = t.events.find((e) => e.netns === 'A' && e.kind === 'forward');
    expect(fwd?.explain.code).toBe('forward.no-l2');
    expect(fwd?.explanation).not.toMatch(/MACs will be rewritten/);
  });

  it('flanneld routes the whole network into flannel0', () => {
    expect(finalRows(t, 'A', 'routes')).toContain(
      '10.1.0.0/16 dev flannel0 proto kernel scope link src 10.1.15.0',
    );
  });
});

describe('flannel-vxlan-directrouting', () => {
  describe('n1-pod-ping-n2-pod (same subnet)', () => {
    const t = trace('flannel-vxlan-directrouting', 'n1-pod-ping-n2-pod');

    it('is delivered without encapsulation, routed via 192.168.0.12', () => {
      expect(t.verdict).toBe('delivered');
      const wire = echoes(t, 'request', 'n1', 'eth0', 'tx');
      expect(wire).toHaveLength(1);
      expect(protos(wire[0]!)).toEqual(['eth', 'ipv4', 'icmp']);
      expect(ip(wire[0]!)).toMatchObject({ src: '10.244.1.2', dst: '10.244.2.2', ttl: 63 });
      expect(eth(wire[0]!)?.dst).toBe(macOf(t, 'n2', 'eth0'));
      expect(t.captures.some((c) => c.interface === 'flannel.1')).toBe(false);
      const decided = t.events.find(
        (e) => e.netns === 'n1' && e.kind === 'route-lookup' && e.decidedBy?.row.startsWith('10.244.2.0/24'),
      );
      expect(decided?.decidedBy?.row).toBe('10.244.2.0/24 via 192.168.0.12 dev eth0');
    });

    it('n2-pod receives TTL 62', () => {
      expect(ip(echoes(t, 'request', 'n2-pod', 'eth0', 'rx')[0]!)?.ttl).toBe(62);
    });
  });

  describe('n1-pod-ping-n3-pod (behind r1)', () => {
    const t = trace('flannel-vxlan-directrouting', 'n1-pod-ping-n3-pod');

    it('is delivered', () => {
      expect(t.verdict).toBe('delivered');
    });

    it('is VXLAN to 192.168.1.13, sent to r1 as the underlay next hop', () => {
      const wire = echoes(t, 'request', 'n1', 'eth0', 'tx');
      expect(wire).toHaveLength(1);
      const c = wire[0]!;
      expect(protos(c)).toEqual(['eth', 'ipv4', 'udp', 'vxlan', 'eth', 'ipv4', 'icmp']);
      expect(ip(c)).toMatchObject({ src: '192.168.0.11', dst: '192.168.1.13', ttl: 64, df: false });
      expect(udpOf(c)?.dport).toBe(8472);
      expect(vxlanOf(c)?.vni).toBe(1);
      expect(eth(c)?.dst).toBe(macOf(t, 'r1', 'eth0'));
      expect(innerIp(c)).toMatchObject({ src: '10.244.1.2', dst: '10.244.3.2', ttl: 63 });
    });

    it('r1 decrements the outer TTL only', () => {
      const out = echoes(t, 'request', 'r1', 'eth1', 'tx')[0]!;
      expect(ip(out)?.ttl).toBe(63);
      expect(innerIp(out)?.ttl).toBe(63);
      const atN3 = echoes(t, 'request', 'n3', 'eth0', 'rx')[0]!;
      expect(ip(atN3)).toMatchObject({ dst: '192.168.1.13', ttl: 63 });
      expect(innerIp(atN3)?.ttl).toBe(63);
      // Decapsulated on n3 and routed once more to the pod.
      expect(ip(echoes(t, 'request', 'n3-pod', 'eth0', 'rx')[0]!)?.ttl).toBe(62);
    });
  });
});

describe('docker-overlay: c1-ping-c2', () => {
  const t = trace('docker-overlay', 'c1-ping-c2');

  it('is delivered', () => {
    expect(t.verdict).toBe('delivered');
  });

  it('the ARP for 10.0.0.3 is answered on host1 (vxlan0 proxy) and never carried over the underlay', () => {
    const ask = arps(t, 'c1', 'eth0', 'tx').find((c) => (c.layers[1] as { tpa?: string }).tpa === '10.0.0.3');
    expect(ask).toBeDefined();
    const answer = arps(t, 'c1', 'eth0', 'rx').find((c) => (c.layers[1] as { op?: number }).op === 2);
    expect(answer?.layers[1]).toMatchObject({ op: 2, spa: '10.0.0.3', sha: macOf(t, 'c2', 'eth0') });
    expect(t.events.some((e) => e.netns === 'ov-1' && e.explain.code === 'vxlan.proxy-arp')).toBe(true);
    // Nothing on the underlay carries ARP for an overlay address, bare or wrapped.
    const underlay = t.captures.filter(
      (c) => c.interface === 'eth0' && (c.netns === 'host1' || c.netns === 'host2'),
    );
    for (const c of underlay) {
      const overlayArp = c.layers.some(
        (l) => l.proto === 'arp' && (l.tpa.startsWith('10.0.0.') || l.spa.startsWith('10.0.0.')),
      );
      expect(overlayArp).toBe(false);
    }
  });

  it('the echo request crosses the underlay in VXLAN 4097, UDP 4789, 192.168.10.11 -> .12', () => {
    const wire = echoes(t, 'request', 'host1', 'eth0', 'tx');
    expect(wire).toHaveLength(1);
    const c = wire[0]!;
    expect(protos(c)).toEqual(['eth', 'ipv4', 'udp', 'vxlan', 'eth', 'ipv4', 'icmp']);
    expect(ip(c)).toMatchObject({ src: '192.168.10.11', dst: '192.168.10.12', ttl: 64, df: false });
    expect(udpOf(c)?.dport).toBe(4789);
    expect(vxlanOf(c)?.vni).toBe(4097);
    const innerEth = c.layers.filter((l) => l.proto === 'eth')[1] as { dst: string; src: string };
    expect(innerEth.dst).toBe(macOf(t, 'c2', 'eth0'));
    expect(innerEth.dst).toBe('02:42:0a:00:00:03');
    expect(innerEth.src).toBe('02:42:0a:00:00:02');
    expect(innerIp(c)).toMatchObject({ src: '10.0.0.2', dst: '10.0.0.3', ttl: 64 });
  });

  it('c2 receives TTL 64: one L2 segment, nothing routes', () => {
    expect(ip(echoes(t, 'request', 'c2', 'eth0', 'rx')[0]!)?.ttl).toBe(64);
    expect(t.events.some((e) => e.kind === 'forward')).toBe(false);
  });

  it("vxlan0 lives in the overlay netns but its socket stays in the host's", () => {
    const ov = t.topology.netns.find((n) => n.name === 'ov-1')!;
    expect(ov.interfaces.find((i) => i.name === 'vxlan0')?.master).toBe('br0');
    expect(
      t.topology.netns.find((n) => n.name === 'host1')!.interfaces.some((i) => i.name === 'vxlan0'),
    ).toBe(false);
    expect(finalRows(t, 'ov-1', 'fdb')).toContain(
      '02:42:0a:00:00:03 dev vxlan0 dst 192.168.10.12 self permanent',
    );
  });
});

describe('weave: c1-ping-c2', () => {
  const t = trace('weave', 'c1-ping-c2');

  it('is delivered over VXLAN on UDP 6784 with the inner TTL untouched', () => {
    expect(t.verdict).toBe('delivered');
    const wire = echoes(t, 'request', 'host1', 'eth0', 'tx');
    expect(wire).toHaveLength(1);
    const c = wire[0]!;
    expect(protos(c)).toEqual(['eth', 'ipv4', 'udp', 'vxlan', 'eth', 'ipv4', 'icmp']);
    expect(udpOf(c)?.dport).toBe(6784);
    expect(ip(c)).toMatchObject({ src: '192.168.56.101', dst: '192.168.56.102', ttl: 64 });
    expect(innerIp(c)).toMatchObject({ src: '10.32.0.2', dst: '10.40.0.1', ttl: 64 });
    const innerEth = c.layers.filter((l) => l.proto === 'eth')[1] as { dst: string };
    expect(innerEth.dst).toBe(macOf(t, 'c2', 'eth0'));
    expect(ip(echoes(t, 'request', 'c2', 'eth0', 'rx')[0]!)?.ttl).toBe(64);
  });

  it("c1's ARP for 10.40.0.1 is flooded to the peer inside VXLAN (same /12, one L2 segment)", () => {
    const wrapped = t.captures.filter(
      (c) =>
        c.netns === 'host1' &&
        c.interface === 'eth0' &&
        c.direction === 'tx' &&
        c.layers.some((l) => l.proto === 'arp'),
    );
    expect(wrapped.some((c) => udpOf(c)?.dport === 6784)).toBe(true);
  });
});

describe('troubleshoot-forward-drop: pod-a-ping-pod-b', () => {
  const t = trace('troubleshoot-forward-drop', 'pod-a-ping-pod-b');

  it("is seen on 217's flannel.1, then dropped by the FORWARD policy, and the verdict names the chain", () => {
    expect(t.verdict).toBe('dropped');
    expect(echoes(t, 'request', 'node-64-217', 'flannel.1', 'rx')).toHaveLength(1);
    const drop = t.events.find((e) => e.kind === 'drop')!;
    expect(drop.netns).toBe('node-64-217');
    expect(t.reason).toContain('FORWARD');
    expect(t.reason).toContain('-P FORWARD DROP');
    const rx = t.events.findIndex(
      (e) => e.netns === 'node-64-217' && e.interface === 'flannel.1' && e.kind === 'rx',
    );
    expect(rx).toBeGreaterThan(0);
    expect(t.events.indexOf(drop)).toBeGreaterThan(rx);
    expect(t.captures.some((c) => c.netns === 'pod-b' && c.layers.some((l) => l.proto === 'icmp'))).toBe(
      false,
    );
  });

  it('`iptables -A FORWARD -s 10.244.0.0/16 -j ACCEPT` on node-64-217 fixes it', () => {
    const fixed = trace('troubleshoot-forward-drop', 'pod-a-ping-pod-b', [
      'node-64-217: iptables -A FORWARD -s 10.244.0.0/16 -j ACCEPT',
    ]);
    expect(fixed.verdict).toBe('delivered');
    expect(ip(echoes(fixed, 'request', 'pod-b', 'eth0', 'rx')[0]!)?.ttl).toBe(62);
  });
});

describe('troubleshoot-vxlan-mtu: big-ping', () => {
  const t = trace('troubleshoot-vxlan-mtu', 'big-ping');

  it('leaves pod-a as a 1500-byte packet with DF set', () => {
    const out = echoes(t, 'request', 'pod-a', 'eth0', 'tx')[0]!;
    expect(ip(out)?.df).toBe(true);
    expect(out.length).toBe(1514); // 1472 + 8 + 20 + 14
  });

  it('is refused at flannel.1 (MTU 1450) with ICMP fragmentation needed, MTU 1450, back to pod-a', () => {
    expect(t.captures.some((c) => c.interface === 'flannel.1')).toBe(false);
    expect(
      t.captures.some(
        (c) => c.netns === 'node-64-216' && c.interface === 'em1' && c.layers.some((l) => l.proto === 'icmp'),
      ),
    ).toBe(false);
    const drop = t.events.find((e) => e.kind === 'drop')!;
    expect(drop).toMatchObject({ netns: 'node-64-216', interface: 'flannel.1' });
    const err = t.captures.find(
      (c) =>
        c.netns === 'pod-a' &&
        c.interface === 'eth0' &&
        c.direction === 'rx' &&
        c.layers.some((l) => l.proto === 'icmp' && l.type === 3),
    )!;
    expect(err).toBeDefined();
    const icmp = err.layers.find((l): l is IcmpLayer => l.proto === 'icmp')!;
    expect(icmp).toMatchObject({ type: 3, code: 4, mtu: 1450 });
    expect(ip(err)).toMatchObject({ src: '10.244.0.1', dst: '10.244.0.2' });
    expect(t.output).toContain('Frag needed and DF set (mtu = 1450)');
  });
});

describe('flannel-subnet-lease', () => {
  /** The subnet a node leased, from its own PUT of /coreos.com/network/subnets/A.B.C.D-24. */
  const leased = (t: Trace, node: string, code = 'store.put-ttl'): string => {
    const put = t.events.find((e) => e.netns === node && e.explain.code === code)!;
    const m = /subnets\/(\d+\.\d+\.\d+\.\d+)-24$/.exec(String(put.explain.args.key))!;
    return m[1]!;
  };
  /** The leases in the store once the world is built (before any flow), subnet address by node. */
  const built = (() => {
    const store = world('flannel-subnet-lease').world.store as Store;
    const byIp: Record<string, string> = { '192.168.0.11': 'node1', '192.168.0.12': 'node2' };
    return new Map(
      store.list('/coreos.com/network/subnets/').map((e) => {
        const ipAddr = /"PublicIP":"([\d.]+)"/.exec(e.value)![1]!;
        return [byIp[ipAddr]!, /(\d+\.\d+\.\d+\.\d+)-24$/.exec(e.key)![1]!] as [string, string];
      }),
    );
  })();
  const setupLeases = (_t: Trace): Map<string, string> => built;
  const third = (a: string): number => Number(a.split('.')[2]);

  describe('node-joins', () => {
    const t = trace('flannel-subnet-lease', 'node-joins');
    const codes = t.events.map((e) => `${e.netns}:${e.explain.code}`);
    const mine = leased(t, 'node3');
    const others = t.events
      .filter((e) => e.netns === 'node3' && e.explain.code === 'controller.exec')
      .map((e) => /ip route replace (\S+)\.0\/24/.exec(String(e.explain.args.line))?.[1])
      .filter((x): x is string => x !== undefined);

    it('node3 reads the config, shows the defaults flannel fills in, then leases and writes with the 24 h TTL', () => {
      const get = t.events.find((e) => e.netns === 'node3' && e.explain.code === 'store.get')!;
      expect(get.explain.args.key).toBe('/coreos.com/network/config');
      // SubnetLen is set (24); SubnetMin/SubnetMax are not: the first and last /24 after 10.1.0.0.
      expect(codes).toContain('node3:flanneld.cfg-len');
      const range = t.events.find((e) => e.explain.code === 'flanneld.cfg-range-default')!;
      expect(range.explain.args).toMatchObject({ min: '10.1.1.0', max: '10.1.255.0' });
      expect(t.events.find((e) => e.explain.code === 'flanneld.cfg-backend')?.explain.args.type).toBe(
        'vxlan',
      );
      const put = t.events.find((e) => e.netns === 'node3' && e.explain.code === 'store.put-ttl')!;
      expect(put.explain.args.ttl).toBe(86400);
      expect(String(put.explain.args.value)).toContain('"PublicIP":"192.168.0.13"');
      expect(codes.indexOf('node3:store.get')).toBeLessThan(codes.indexOf('node3:store.put-ttl'));
    });

    it('node3 picks at random among the free subnets in SubnetMin..SubnetMax, as flannel does', () => {
      const pick = t.events.find((e) => e.netns === 'node3' && e.explain.code === 'flanneld.lease-pick')!;
      // 255 /24s from 10.1.1.0 to 10.1.255.0, two taken: flannel stops collecting at 100.
      expect(pick.explain.args.free).toBe(100);
      expect(pick.explain.args.subnet).toBe(`${mine}/24`);
      expect(third(mine)).toBeGreaterThanOrEqual(1);
      expect(third(mine)).toBeLessThanOrEqual(255);
      expect([...setupLeases(t).values()]).not.toContain(mine);
      // Among the first 100 free ones: at most 100 + the 2 taken below it.
      expect(third(mine)).toBeLessThanOrEqual(102);
      // Seeded, so the same scenario picks the same subnet every time.
      expect(leased(trace('flannel-subnet-lease', 'node-joins'), 'node3')).toBe(mine);
    });

    it("the other nodes' watches fire and they program route, neighbour and FDB for node3's lease", () => {
      const put = t.events.find((e) => e.netns === 'node3' && e.explain.code === 'store.put-ttl')!;
      const vtep = /"VtepMAC":"([0-9a-f:]+)"/.exec(String(put.explain.args.value))![1]!;
      for (const n of ['node1', 'node2']) {
        expect(codes).toContain(`${n}:store.watch-set`);
        expect(finalRows(t, n, 'routes')).toContain(`${mine}/24 via ${mine} dev flannel.1 onlink`);
        expect(finalRows(t, n, 'neigh')).toContain(`${mine} dev flannel.1 lladdr ${vtep} PERMANENT`);
        expect(finalRows(t, n, 'fdb')).toContain(`${vtep} dev flannel.1 dst 192.168.0.13 self permanent`);
      }
      const before = t.tables.filter((v) => v.netns === 'node1' && v.table === 'routes')[0]!;
      expect(before.rows).not.toContain(`${mine}/24 via ${mine} dev flannel.1 onlink`);
      // node3 learns the two existing leases too.
      expect(others.sort()).toEqual([...setupLeases(t).values()].map((a) => a.replace(/\.0$/, '')).sort());
      expect(others).toHaveLength(2);
    });

    it("the scenario's description names the subnets the nodes really lease", () => {
      const d = scenario('flannel-subnet-lease').description.en;
      for (const a of [...setupLeases(t).values(), mine])
        expect(JSON.stringify(scenario('flannel-subnet-lease'))).toContain(`${a}/24`);
      expect(d).toContain(`${setupLeases(t).get('node1')}/24`);
    });
  });

  describe('lease-expires', () => {
    const t = trace('flannel-subnet-lease', 'lease-expires');
    const node2 = setupLeases(t).get('node2')!;

    it("node2's lease expires after 24 h and node1 removes its route, neighbour and FDB entry", () => {
      expect(t.events.some((e) => e.netns === 'node2' && e.explain.code === 'flanneld.stop')).toBe(true);
      const expired = t.events.find((e) => e.netns === 'node1' && e.explain.code === 'store.watch-expire')!;
      expect(expired.explain.args.key).toBe(`/coreos.com/network/subnets/${node2}-24`);
      expect(expired.time).toBeGreaterThanOrEqual(23 * 3600 * 1e6);
      const before = t.tables.filter((v) => v.netns === 'node1' && v.table === 'routes')[0]!;
      expect(before.rows).toContain(`${node2}/24 via ${node2} dev flannel.1 onlink`);
      expect(finalRows(t, 'node1', 'routes').some((r) => r.startsWith(`${node2}/24`))).toBe(false);
      expect(finalRows(t, 'node1', 'neigh').some((r) => r.startsWith(`${node2} `))).toBe(false);
      expect(finalRows(t, 'node1', 'fdb').some((r) => r.includes('dst 192.168.0.12'))).toBe(false);
    });

    it('a stopped flanneld has no watch: the store tells node2 nothing after it stops', () => {
      const stop = t.events.findIndex((e) => e.netns === 'node2' && e.explain.code === 'flanneld.stop');
      expect(
        t.events.slice(stop).some((e) => e.netns === 'node2' && e.explain.code.startsWith('store.watch')),
      ).toBe(false);
      // node1's renewal is a set that node1 itself hears, but node2 does not.
      expect(t.events.some((e) => e.netns === 'node1' && e.explain.code === 'store.watch-set')).toBe(true);
    });

    it('node1 keeps renewing its own lease, so it survives', () => {
      const node1 = setupLeases(t).get('node1')!;
      expect(t.events.some((e) => e.netns === 'node1' && e.explain.code === 'flanneld.renew')).toBe(true);
      expect(
        t.events.some(
          (e) =>
            e.explain.code === 'store.watch-expire' &&
            e.explain.args.key === `/coreos.com/network/subnets/${node1}-24`,
        ),
      ).toBe(false);
    });
  });

  describe('subnet-reused', () => {
    const t = trace('flannel-subnet-lease', 'subnet-reused');
    const node2 = setupLeases(t).get('node2')!;

    it('the expired subnet from /run/flannel/subnet.env is leased again, not a random one', () => {
      // Its lease expired before the flow: the store holds none for 192.168.0.12.
      expect(t.events.some((e) => e.explain.code === 'flanneld.lease-reuse')).toBe(false);
      const prev = t.events.find((e) => e.netns === 'node2' && e.explain.code === 'flanneld.lease-previous')!;
      expect(prev.explain.args.subnet).toBe(`${node2}/24`);
      expect(t.events.some((e) => e.explain.code === 'flanneld.lease-pick')).toBe(false);
      expect(leased(t, 'node2')).toBe(node2);
    });

    it("node1's watch fires and its route to the subnet comes back", () => {
      const before = t.tables.filter((v) => v.netns === 'node1' && v.table === 'routes')[0]!;
      expect(before.rows.some((r) => r.startsWith(`${node2}/24`))).toBe(false);
      expect(finalRows(t, 'node1', 'routes')).toContain(`${node2}/24 via ${node2} dev flannel.1 onlink`);
    });

    it('re-programming leases it already had does not fail (flannel replaces FDB entries)', () => {
      expect(t.events.some((e) => e.explain.code === 'flanneld.error')).toBe(false);
    });
  });
});

describe("flannel-vxlan: vxlan-dropped-in-input (the notes' flannel drop symptom)", () => {
  const t = trace('flannel-vxlan', 'vxlan-dropped-in-input');

  it("the VXLAN packet reaches 217's em1 and is dropped in INPUT, before flannel.1 sees it", () => {
    expect(t.verdict).toBe('dropped');
    const arrived = t.captures.filter(
      (c) =>
        c.netns === 'node-64-217' &&
        c.interface === 'em1' &&
        c.direction === 'rx' &&
        c.layers.some((l) => l.proto === 'vxlan'),
    );
    expect(arrived).toHaveLength(1);
    expect(udpOf(arrived[0]!)?.dport).toBe(8472);
    const drop = t.events.find((e) => e.kind === 'drop')!;
    expect(drop).toMatchObject({ netns: 'node-64-217', reason: 'NETFILTER_DROP' });
    expect(drop.explain.args).toMatchObject({ chain: 'INPUT' });
    // The outer packet is for the node itself: local delivery (INPUT) comes before the vxlan socket.
    expect(t.captures.some((c) => c.netns === 'node-64-217' && c.interface === 'flannel.1')).toBe(false);
    expect(t.captures.some((c) => c.netns === 'pod-b')).toBe(false);
  });
});

describe('docker-overlay: c1-to-outside (north-south through eth1 and docker_gwbridge)', () => {
  const t = trace('docker-overlay', 'c1-to-outside');

  it('leaves c1 by eth1 (its default route), not the overlay eth0, and crosses docker_gwbridge', () => {
    expect(t.verdict).toBe('delivered');
    const out = echoes(t, 'request', 'c1', 'eth1', 'tx');
    expect(out).toHaveLength(1);
    expect(ip(out[0]!)).toMatchObject({ src: '172.18.0.2', dst: '192.168.10.12', ttl: 64 });
    expect(echoes(t, 'request', 'c1', 'eth0', 'tx')).toHaveLength(0);
    expect(echoes(t, 'request', 'host1', 'docker_gwbridge', 'rx')).toHaveLength(1);
    expect(t.captures.some((c) => c.layers.some((l) => l.proto === 'vxlan'))).toBe(false);
    expect(t.captures.some((c) => c.interface === 'docker0')).toBe(false);
  });

  it('host1 masquerades it to 192.168.10.11 (routed once: TTL 63) and conntrack brings the reply back to 172.18.0.2', () => {
    const wire = echoes(t, 'request', 'host1', 'eth0', 'tx')[0]!;
    expect(ip(wire)).toMatchObject({ src: '192.168.10.11', dst: '192.168.10.12', ttl: 63 });
    const back = echoes(t, 'reply', 'c1', 'eth1', 'rx')[0]!;
    expect(ip(back)).toMatchObject({ src: '192.168.10.12', dst: '172.18.0.2' });
  });
});
