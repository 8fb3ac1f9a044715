/**
 * canal (issue 20, point 5): flannel's VXLAN for the data path, Calico's CNI and Felix for
 * policy, no BIRD (CALICO_NETWORKING_BACKEND=none). Expected values: flannel's VXLAN framing
 * (VNI 1, UDP 8472, TTL 64 outer); the remote block is flannel's onlink route, not a
 * `proto bird` one; Felix's chains decide admission on the destination workload's node.
 */
import { describe, expect, it } from 'vitest';
import { echoes, finalRows, ip, ipv4s, trace } from '../helpers';

describe('canal: client-ping-web (across nodes, allowed)', () => {
  const t = trace('canal', 'client-ping-web');

  it('crosses in flannel VXLAN, not by a BGP route', () => {
    expect(t.verdict).toBe('delivered');
    const wire = echoes(t, 'request', 'node2', 'eth0', 'tx')[0]!;
    expect(wire.layers.map((l) => l.proto)).toEqual(['eth', 'ipv4', 'udp', 'vxlan', 'eth', 'ipv4', 'icmp']);
    expect(ip(wire)).toMatchObject({ src: '192.168.1.12', dst: '192.168.1.11', ttl: 64 });
    expect(wire.layers.find((l) => l.proto === 'vxlan')).toMatchObject({ vni: 1 });
    expect(ipv4s(wire)[1]).toMatchObject({ src: '10.244.2.2', dst: '10.244.1.2' });
    const routes = finalRows(t, 'node2', 'routes');
    expect(routes).toContain('10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink');
    expect(routes.some((r) => r.includes('proto bird'))).toBe(false);
  });

  it("is admitted on node1 by Felix's policy mark", () => {
    const accept = t.events.find(
      (e) => e.netns === 'node1' && e.decidedBy?.row?.includes('Policy explicitly accepted packet'),
    );
    expect(accept).toBeDefined();
  });
});

describe('canal: other-ping-web (same node, denied)', () => {
  const t = trace('canal', 'other-ping-web');

  it("is dropped by Felix's to-workload chain on node1, without touching flannel.1", () => {
    expect(t.verdict).toBe('dropped');
    expect(t.reason).toContain('Drop if no policies passed packet');
    expect(t.captures.some((c) => c.interface === 'flannel.1')).toBe(false);
  });
});
