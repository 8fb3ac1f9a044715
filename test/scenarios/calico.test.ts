/**
 * Calico facts (catalog: calico-bgp, calico-ipip; and the route-reflector and policy variants):
 * pods are /32s behind address-less caliXXXX veths, the host answers ARP for the made-up gateway
 * 169.254.1.1 by proxy with ee:ee:ee:ee:ee:ee, so even same-node traffic is routed; BIRD's
 * routes decide where blocks live; IPIP only where CrossSubnet says so.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Trace } from '../../src/engine';
import { arps, echoes, eth, ip, ipv4s, macOf, trace, world } from '../helpers';

/** Calico's VethNameForWorkload, computed independently: "cali" + sha1("<namespace>.<pod>")[:11]. */
const cali = (pod: string): string =>
  `cali${createHash('sha1').update(`default.${pod}`).digest('hex').slice(0, 11)}`;

function lastRows(t: Trace, netns: string, table: 'routes'): { rows: string[]; origins: string[] } {
  const snaps = t.tables.filter((s) => s.netns === netns && s.table === table);
  const s = snaps[snaps.length - 1]!;
  return { rows: s.rows, origins: s.origins ?? [] };
}

describe('calico-bgp: the world Calico builds', () => {
  const { world: w } = world('calico-bgp');
  const node1 = w.netns.get('node1')!;
  const podA = w.netns.get('pod-a')!;

  it('gives each pod a /32 and a default route via 169.254.1.1 on a link-scope route', () => {
    expect(podA.device('eth0')!.addrs.map((a) => a.len)).toEqual([32]);
    const rows = podA.routes.routes.filter((r) => r.table === 254);
    expect(rows.some((r) => r.dst === 0 && r.len === 0 && r.gateway === 0xa9fe0101)).toBe(true);
    expect(rows.some((r) => r.dst === 0xa9fe0101 && r.len === 32 && r.scope === 'link' && !r.gateway)).toBe(
      true,
    );
  });

  it('names the host side cali + 11 hex digits of SHA-1("default.<pod>"), no address, MAC ee:ee:ee:ee:ee:ee, proxy ARP', () => {
    const dev = node1.device(cali('pod-a'))!;
    expect(dev).toBeDefined();
    expect(dev.name).toHaveLength(15);
    expect(dev.addrs).toHaveLength(0);
    expect(dev.mac).toBe('ee:ee:ee:ee:ee:ee');
    expect(node1.sysctl.get(`net.ipv4.conf.${dev.name}.proxy_arp`)).toBe(1);
    expect(node1.sysctl.get(`net.ipv4.neigh.${dev.name}.proxy_delay`)).toBe(0);
    // The pod's own MAC is its own: ee:ee:... is only what it sees as its gateway.
    expect(podA.device('eth0')!.mac).not.toBe('ee:ee:ee:ee:ee:ee');
  });

  it("has a /32 route per local pod, a blackhole for its block and BIRD's route to the other block", () => {
    const rows = node1.routes.routes.filter((r) => r.table === 254);
    const pod = rows.find((r) => r.dst === 0x0af40102 && r.len === 32)!;
    expect(pod.dev?.name).toBe(cali('pod-a'));
    expect(pod.scope).toBe('link');
    const bh = rows.find((r) => r.dst === 0x0af40100 && r.len === 26)!;
    expect(bh).toMatchObject({ type: 'blackhole', proto: 'bird' });
    const bird = rows.find((r) => r.dst === 0x0af40240 && r.len === 26)!;
    expect(bird).toMatchObject({ gateway: 0xc0a8010c, proto: 'bird' });
    expect(bird.dev?.name).toBe('eth0');
    expect(bird.origin).toMatch(/^BIRD on node1/);
  });
});

describe('calico-bgp: pod-a-ping-pod-c (same node)', () => {
  const t = trace('calico-bgp', 'pod-a-ping-pod-c');

  it('is delivered', () => expect(t.verdict).toBe('delivered'));

  it("gets ARP for 169.254.1.1 answered by proxy with the host veth's MAC ee:ee:ee:ee:ee:ee", () => {
    const ask = arps(t, 'pod-a', 'eth0', 'tx')[0]!;
    expect(ask.layers[1]).toMatchObject({ op: 1, tpa: '169.254.1.1', spa: '10.244.1.2' });
    const answer = arps(t, 'pod-a', 'eth0', 'rx')[0]!;
    expect(answer.layers[1]).toMatchObject({ op: 2, spa: '169.254.1.1', sha: 'ee:ee:ee:ee:ee:ee' });
    expect(t.events.some((e) => e.kind === 'arp' && e.explain.code.startsWith('arp.proxy'))).toBe(true);
  });

  it('is routed by node1, not bridged: pod-c receives TTL 63 from ee:ee:ee:ee:ee:ee', () => {
    const out = echoes(t, 'request', 'pod-a', 'eth0', 'tx')[0]!;
    expect(eth(out)?.dst).toBe('ee:ee:ee:ee:ee:ee');
    const got = echoes(t, 'request', 'pod-c', 'eth0', 'rx')[0]!;
    expect(ip(got)?.ttl).toBe(63);
    expect(eth(got)?.src).toBe('ee:ee:ee:ee:ee:ee');
    expect(eth(got)?.dst).toBe(macOf(t, 'pod-c', 'eth0'));
    expect(t.events.some((e) => e.kind === 'forward' && e.netns === 'node1')).toBe(true);
    expect(t.events.some((e) => e.kind === 'bridge-forward')).toBe(false);
    expect(t.events.some((e) => e.explain.code === 'forward.between-veths')).toBe(true);
  });
});

describe('calico-bgp: pod-a-ping-pod-b (across nodes)', () => {
  const t = trace('calico-bgp', 'pod-a-ping-pod-b');

  it('leaves node1 unencapsulated with pod addresses, to node2, and pod-b sees TTL 62', () => {
    expect(t.verdict).toBe('delivered');
    const wire = echoes(t, 'request', 'node1', 'eth0', 'tx')[0]!;
    expect(wire.layers.map((l) => l.proto)).toEqual(['eth', 'ipv4', 'icmp']);
    expect(ip(wire)).toMatchObject({ src: '10.244.1.2', dst: '10.244.2.66', ttl: 63 });
    expect(eth(wire)?.dst).toBe(macOf(t, 'node2', 'eth0'));
    expect(ip(echoes(t, 'request', 'pod-b', 'eth0', 'rx')[0]!)?.ttl).toBe(62);
  });
});

describe('calico-bgp: bgp-advertise', () => {
  const t = trace('calico-bgp', 'bgp-advertise');
  const codes = (netns: string) => t.events.filter((e) => e.netns === netns).map((e) => e.explain.code);

  it("node2's BIRD advertises its block to node1 as a control-plane UPDATE", () => {
    expect(t.verdict).toBe('delivered');
    const sent = t.events.find((e) => e.netns === 'node2' && e.explain.code === 'bgp.update-send')!;
    expect(sent.explain.args).toMatchObject({
      peer: 'node1',
      prefix: '10.244.2.64/26',
      nexthop: '192.168.1.12',
    });
    expect(codes('node1')).toContain('bgp.update-recv');
    expect(t.events.every((e) => e.kind === 'control' || e.kind === 'command')).toBe(true);
  });

  it('node1 withdraws the route when the session closes, then installs the proto bird route again (by BIRD)', () => {
    const before = t.tables.find((s) => s.netns === 'node1' && s.table === 'routes')!;
    expect(before.rows).toContain('10.244.2.64/26 via 192.168.1.12 dev eth0 proto bird');
    const versions = t.tables.filter((s) => s.netns === 'node1' && s.table === 'routes');
    expect(versions.some((s) => !s.rows.some((r) => r.startsWith('10.244.2.64/26')))).toBe(true);
    const { rows, origins } = lastRows(t, 'node1', 'routes');
    const i = rows.indexOf('10.244.2.64/26 via 192.168.1.12 dev eth0 proto bird');
    expect(i).toBeGreaterThanOrEqual(0);
    expect(origins[i]).toMatch(/^BIRD on node1, after the UPDATE from node2/);
  });
});

describe('calico-ipip: CrossSubnet', () => {
  it('pod-a-ping-pod-b: on node1 eth0 an outer IPv4 192.168.1.11 > 192.168.2.12, protocol 4, inner IPv4, no inner Ethernet', () => {
    const t = trace('calico-ipip', 'pod-a-ping-pod-b');
    expect(t.verdict).toBe('delivered');
    const wire = echoes(t, 'request', 'node1', 'eth0', 'tx')[0]!;
    expect(wire.layers.map((l) => l.proto)).toEqual(['eth', 'ipv4', 'ipv4', 'icmp']);
    const [outer, inner] = ipv4s(wire);
    expect(outer).toMatchObject({ src: '192.168.1.11', dst: '192.168.2.12', protocol: 4 });
    expect(inner).toMatchObject({ src: '10.244.1.2', dst: '10.244.2.66', ttl: 63 });
    // Across r1 the outer TTL drops, the inner one does not.
    const atNode2 = echoes(t, 'request', 'node2', 'eth0', 'rx')[0]!;
    expect(ipv4s(atNode2).map((h) => h.ttl)).toEqual([62, 63]);
    expect(ip(echoes(t, 'request', 'pod-b', 'eth0', 'rx')[0]!)?.ttl).toBe(62);
  });

  it('pod-a-ping-pod-d: same subnet, no encapsulation', () => {
    const t = trace('calico-ipip', 'pod-a-ping-pod-d');
    expect(t.verdict).toBe('delivered');
    const wire = echoes(t, 'request', 'node1', 'eth0', 'tx')[0]!;
    expect(wire.layers.map((l) => l.proto)).toEqual(['eth', 'ipv4', 'icmp']);
    expect(ip(wire)).toMatchObject({ src: '10.244.1.2', dst: '10.244.3.130' });
    expect(t.events.some((e) => e.kind === 'encap')).toBe(false);
  });

  // ip_tunnel_xmit on an NBMA device: with no `via`, rt_nexthop gives the inner destination as the outer
  // one; the outer lookup then picks the same tunl0 route, and the kernel counts a collision and drops
  // (`if (rt->dst.dev == dev) { dev->stats.collisions++; goto tx_error; }`). Nothing leaves eth0.
  it('a tunl0 route without a gateway sends the outer packet back into tunl0: dropped as a loop', () => {
    const t = trace('calico-ipip', 'pod-a-ping-pod-b', [
      'node1: ip route replace 10.244.2.64/26 dev tunl0 proto bird',
    ]);
    expect(t.verdict).not.toBe('delivered');
    const drop = t.events.find((e) => e.kind === 'drop')!;
    expect(drop).toMatchObject({ netns: 'node1', interface: 'tunl0' });
    expect(drop.explain.code).toBe('drop.tunnel-loop');
    expect(drop.explain.args).toMatchObject({ dst: '10.244.2.66' });
    expect(echoes(t, 'request', 'node1', 'eth0', 'tx')).toHaveLength(0);
  });

  it('BIRD routes tunl0 only toward the other subnet; tunl0 holds the first address of the block', () => {
    const { world: w } = world('calico-ipip');
    const node1 = w.netns.get('node1')!;
    const rows = node1.routes.routes.filter(
      (r) => r.table === 254 && r.proto === 'bird' && r.type === 'unicast',
    );
    const toB = rows.find((r) => r.dst === 0x0af40240)!;
    expect(toB).toMatchObject({ gateway: 0xc0a8020c, onlink: true });
    expect(toB.dev?.name).toBe('tunl0');
    const toD = rows.find((r) => r.dst === 0x0af40380)!;
    expect(toD).toMatchObject({ gateway: 0xc0a8010d, onlink: false });
    expect(toD.dev?.name).toBe('eth0');
    expect(node1.device('tunl0')!.addrs.map((a) => [a.addr, a.len])).toEqual([[0x0af40100, 32]]);
    expect(node1.device('tunl0')!.adminUp).toBe(true);
  });
});

describe('calico-bgp-rr: a route reflector', () => {
  it('pod-b-ping-pod-e goes straight to node4 (the reflector is not on the data path)', () => {
    const t = trace('calico-bgp-rr', 'pod-b-ping-pod-e');
    expect(t.verdict).toBe('delivered');
    const wire = echoes(t, 'request', 'node2', 'eth0', 'tx')[0]!;
    expect(eth(wire)?.dst).toBe(macOf(t, 'node4', 'eth0'));
    // rr hears the broadcast ARP on the shared segment, but no echo passes through it.
    expect(echoes(t, 'request', 'rr', 'eth0', 'rx')).toHaveLength(0);
  });

  it('bgp-advertise-via-rr: node4 talks only to rr, which reflects its block to node2 and node3 with NEXT_HOP 192.168.1.14', () => {
    const t = trace('calico-bgp-rr', 'bgp-advertise-via-rr');
    const opens = t.events.filter((e) => e.netns === 'node4' && e.explain.code === 'bgp.open-send');
    expect(opens.map((e) => e.explain.args.peer)).toEqual(['rr']);
    const reflected = t.events.filter(
      (e) =>
        e.netns === 'rr' && e.explain.code === 'bgp.reflect' && e.explain.args.prefix === '10.244.4.192/26',
    );
    expect(reflected.map((e) => e.explain.args.peer).sort()).toEqual(['node2', 'node3']);
    expect(reflected.every((e) => e.explain.args.nexthop === '192.168.1.14')).toBe(true);
    for (const n of ['node2', 'node3'])
      expect(lastRows(t, n, 'routes').rows).toContain('10.244.4.192/26 via 192.168.1.14 dev eth0 proto bird');
  });
});

describe('calico-policy: allow app=client to app=web', () => {
  it('client-ping-web is accepted by the mark the policy chain sets', () => {
    const t = trace('calico-policy', 'client-ping-web');
    expect(t.verdict).toBe('delivered');
    const accept = t.events.find(
      (e) => e.netns === 'node1' && e.kind === 'netfilter' && e.explain.code === 'nf.accept',
    )!;
    expect(
      accept.traversed?.some(
        (r) =>
          /^-A cali-pi-_allow-client -m set --match-set cali40s:\S+ src -j MARK --set-xmark 0x10000\/0x10000$/.test(
            r.row,
          ) && r.matched,
      ),
    ).toBe(true);
  });

  it('other-ping-web is dropped in cali-tw-<web veth>: "Drop if no policies passed packet"', () => {
    const t = trace('calico-policy', 'other-ping-web');
    expect(t.verdict).toBe('dropped');
    const drop = t.events.find((e) => e.kind === 'drop')!;
    expect(drop.netns).toBe('node1');
    expect(drop.decidedBy?.row ?? drop.explanation).toContain(`cali-tw-${cali('web')}`);
    expect(drop.explanation).toContain('Drop if no policies passed packet');
    expect(echoes(t, 'request', 'web', 'eth0', 'rx')).toHaveLength(0);
  });
});
