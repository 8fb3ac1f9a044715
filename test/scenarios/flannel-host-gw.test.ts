/**
 * flannel host-gw facts: the lease routes make each node the router for its pod subnet;
 * nothing is encapsulated, and deleting the route leaves the packet nowhere to go.
 */
import { describe, expect, it } from 'vitest';
import { arps, echoes, eth, ip, macOf, trace } from '../helpers';

describe('flannel-host-gw: pod1-ping-pod2 (same host)', () => {
  const t = trace('flannel-host-gw', 'pod1-ping-pod2');

  it('is switched by cni0 with TTL 64 and never reaches the underlay', () => {
    expect(t.verdict).toBe('delivered');
    expect(ip(echoes(t, 'request', 'pod2', 'eth0', 'rx')[0]!)?.ttl).toBe(64);
    expect(t.captures.some((c) => c.netns === 'A' && c.interface === 'eth0')).toBe(false);
    expect(t.events.some((e) => e.kind === 'forward')).toBe(false);
    // A bridge device sees forwarded unicast only if addressed to it: the echo is not on cni0.
    expect(echoes(t, 'request', 'A', 'cni0', 'rx')).toHaveLength(0);
  });
});

describe('flannel-host-gw: pod1-ping-pod3 (cross host)', () => {
  const t = trace('flannel-host-gw', 'pod1-ping-pod3');

  it('is delivered', () => {
    expect(t.verdict).toBe('delivered');
  });

  it('carries pod addresses on the underlay without encapsulation', () => {
    const onWire = echoes(t, 'request', 'A', 'eth0', 'tx');
    expect(onWire).toHaveLength(1);
    expect(onWire[0]!.layers.map((l) => l.proto)).toEqual(['eth', 'ipv4', 'icmp']);
    expect(ip(onWire[0]!)).toMatchObject({ src: '10.1.15.2', dst: '10.1.16.2', ttl: 63 });
  });

  it("sends to B's eth0 MAC, resolved by ARP for the route's gateway", () => {
    const onWire = echoes(t, 'request', 'A', 'eth0', 'tx')[0]!;
    expect(eth(onWire)?.dst).toBe(macOf(t, 'B', 'eth0'));
    const ask = arps(t, 'A', 'eth0', 'tx')[0]!;
    expect(ask.layers[1]).toMatchObject({ op: 1, tpa: '192.168.0.200', spa: '192.168.0.100' });
  });

  it('names the flanneld route that decided the hop, with its provenance', () => {
    const decided = t.events.find(
      (e) => e.netns === 'A' && e.kind === 'route-lookup' && e.decidedBy?.row.startsWith('10.1.16.0/24'),
    );
    expect(decided?.decidedBy?.row).toBe('10.1.16.0/24 via 192.168.0.200 dev eth0');
    const routes = t.tables.filter((v) => v.netns === 'A' && v.table === 'routes')[0]!;
    const i = routes.rows.indexOf('10.1.16.0/24 via 192.168.0.200 dev eth0');
    expect(routes.origins?.[i]).toBe('flanneld on A, after the lease for 10.1.16.0/24');
  });

  it('pod3 receives TTL 62', () => {
    expect(ip(echoes(t, 'request', 'pod3', 'eth0', 'rx')[0]!)?.ttl).toBe(62);
  });
});

describe('flannel-host-gw: the route deleted', () => {
  const t = trace('flannel-host-gw', 'pod1-ping-pod3', ['A: ip route del 10.1.16.0/24']);

  it('ends dropped at A for lack of a route, and pod1 hears ICMP net unreachable', () => {
    expect(t.verdict).toBe('dropped');
    const drop = t.events.find((e) => e.kind === 'drop');
    expect(drop).toMatchObject({ netns: 'A', reason: 'IP_NOROUTE' });
    expect(t.reason).toContain('no route to 10.1.16.2');
    expect(t.output).toContain('From 10.1.15.1 icmp_seq=1 Destination Net Unreachable');
    expect(echoes(t, 'request', 'A', 'eth0', 'tx')).toHaveLength(0);
  });
});

describe('troubleshoot-host-gw-l3: pod1-ping-pod3', () => {
  const t = trace('troubleshoot-host-gw-l3', 'pod1-ping-pod3');

  it("records flanneld's refused route with the kernel's message", () => {
    const refused = t.setup.find(
      (s) => s.machine === 'A' && s.command.includes('10.1.16.0/24 via 192.168.1.200'),
    );
    // host-gw writes the other node's public IP as the gateway, which is two subnets away.
    expect(refused).toMatchObject({
      ok: false,
      by: 'flanneld',
      command: 'ip route replace 10.1.16.0/24 via 192.168.1.200 dev eth0',
    });
    expect(refused?.output).toBe('Error: Nexthop has invalid gateway.');
  });

  it('follows the default route to r1 and is dropped there: r1 has no route to 10.1.16.0/24', () => {
    const out = echoes(t, 'request', 'A', 'eth0', 'tx')[0]!;
    expect(eth(out)?.dst).toBe(macOf(t, 'r1', 'eth0'));
    expect(t.verdict).toBe('dropped');
    const drop = t.events.find((e) => e.kind === 'drop');
    expect(drop).toMatchObject({ netns: 'r1', reason: 'IP_NOROUTE' });
    expect(t.captures.some((c) => c.netns === 'B')).toBe(false);
  });

  it('the drop is silent: r1 has no route back to 10.1.15.2, so no ICMP net unreachable leaves it', () => {
    // icmp_send routes the error back to the offending packet's source first (ip_route_output_key).
    expect(
      t.captures.some(
        (c) =>
          c.netns === 'r1' &&
          c.direction === 'tx' &&
          c.layers.some((l) => l.proto === 'icmp' && l.type === 3),
      ),
    ).toBe(false);
    expect(
      t.captures.some(
        (c) => c.netns === 'pod1' && c.direction === 'rx' && c.layers.some((l) => l.proto === 'icmp'),
      ),
    ).toBe(false);
  });
});
