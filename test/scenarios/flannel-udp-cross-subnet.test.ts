/**
 * flannel-udp-cross-subnet (issue 20, point 5: the UDP backend "并不要求主机在一个子网中").
 * Expected values: flanneld sends each packet in UDP 8285 between the hosts' PublicIPs
 * (flannel's backend/udp), the kernel routes that datagram by the host's default route, a
 * router decrements the outer TTL only and never parses the payload; the inner packet is
 * routed by A (into flannel0) and by B (out of flannel0), so pod3 sees TTL 62.
 */
import { describe, expect, it } from 'vitest';
import type { Capture } from '../../src/engine';
import { echoes, ipv4s, macOf, trace } from '../helpers';

const protos = (c: Capture): string[] => c.layers.map((l) => l.proto);

describe('flannel-udp-cross-subnet: pod1-ping-pod3', () => {
  const t = trace('flannel-udp-cross-subnet', 'pod1-ping-pod3');

  it('is delivered across r1, where host-gw on the same topology is not', () => {
    expect(t.verdict).toBe('delivered');
    expect(trace('troubleshoot-host-gw-l3', 'pod1-ping-pod3').verdict).toBe('dropped');
  });

  it("leaves A for r1's MAC as UDP 8285 between the hosts' own addresses", () => {
    const wire = echoes(t, 'request', 'A', 'eth0', 'tx');
    expect(wire).toHaveLength(1);
    const c = wire[0]!;
    expect(protos(c)).toEqual(['eth', 'ipv4', 'udp', 'ipv4', 'icmp']);
    const [outer, inner] = ipv4s(c);
    expect(outer).toMatchObject({ src: '192.168.0.100', dst: '192.168.1.200', ttl: 64, protocol: 17 });
    expect(c.layers[2]).toMatchObject({ sport: 8285, dport: 8285 });
    expect(inner).toMatchObject({ src: '10.1.15.2', dst: '10.1.16.2', ttl: 63 });
    expect(c.layers[0]).toMatchObject({ dst: macOf(t, 'r1', 'eth0') });
  });

  it('r1 routes the outer header only: outer TTL 63, the inner packet untouched', () => {
    const c = echoes(t, 'request', 'r1', 'eth1', 'tx')[0]!;
    const [outer, inner] = ipv4s(c);
    expect(outer).toMatchObject({ src: '192.168.0.100', dst: '192.168.1.200', ttl: 63 });
    expect(inner).toMatchObject({ src: '10.1.15.2', dst: '10.1.16.2', ttl: 63 });
    const hop = t.hops.find((h) => h.netns === 'r1' && h.explain.code === 'hop.route' && !h.reply)!;
    expect(hop.explain.args.dst).toBe('192.168.1.200');
  });

  it('pod3 receives the inner packet with TTL 62 (routed by A and B only)', () => {
    expect(ipv4s(echoes(t, 'request', 'pod3', 'eth0', 'rx')[0]!)[0]).toMatchObject({
      src: '10.1.15.2',
      dst: '10.1.16.2',
      ttl: 62,
    });
  });
});
