/**
 * Catalog facts for the Basics scenarios (../shared/SCENARIOS.md). Expected values come
 * from how Linux behaves: a veth pair is one L2 link (ARP then echo, nothing routed, TTL
 * 64), and every routed hop decrements TTL and rewrites both MACs.
 */
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/engine';
import { arps, echoes, eth, ip, macOf, trace, world } from '../helpers';

describe('veth-pair: ns2-ping-ns1', () => {
  const t = trace('veth-pair', 'ns2-ping-ns1');

  it('is delivered', () => {
    expect(t.verdict).toBe('delivered');
    expect(t.output).toContain('64 bytes from 192.168.50.1: icmp_seq=1 ttl=64');
  });

  it('starts with an ARP request from ns2 answered by ns1, on the pair', () => {
    const [req] = arps(t, 'ns2', 'tap2', 'tx');
    expect(req?.layers[1]).toMatchObject({ proto: 'arp', op: 1, spa: '192.168.50.2', tpa: '192.168.50.1' });
    expect(eth(req!)?.dst).toBe('ff:ff:ff:ff:ff:ff');
    const [reply] = arps(t, 'ns1', 'tap1', 'tx');
    expect(reply?.layers[1]).toMatchObject({
      proto: 'arp',
      op: 2,
      spa: '192.168.50.1',
      sha: macOf(t, 'ns1', 'tap1'),
    });
    // The ARP exchange comes before the first echo request leaves.
    const firstEcho = echoes(t, 'request', 'ns2', 'tap2', 'tx')[0]!;
    expect(req!.step).toBeLessThan(firstEcho.step);
  });

  it('keeps TTL 64 everywhere: nothing routes', () => {
    for (const c of [
      ...echoes(t, 'request', 'ns2', 'tap2', 'tx'),
      ...echoes(t, 'request', 'ns1', 'tap1', 'rx'),
    ])
      expect(ip(c)?.ttl).toBe(64);
    for (const c of [...echoes(t, 'reply', 'ns1', 'tap1', 'tx'), ...echoes(t, 'reply', 'ns2', 'tap2', 'rx')])
      expect(ip(c)?.ttl).toBe(64);
    expect(t.events.some((e) => e.kind === 'forward')).toBe(false);
  });

  it('pairs iflink and ifindex across the two namespaces', () => {
    const { world: w } = world('veth-pair');
    const ns1 = w.netns.get('ns1')!;
    const ns2 = w.netns.get('ns2')!;
    const ctx = (ns: typeof ns1) => ({ world: w, machine: w.machines.get('host')!, ns, origin: 'test' });
    const tap1Iflink = runCommand(ctx(ns1), 'cat /sys/class/net/tap1/iflink').output;
    const tap2Ifindex = runCommand(ctx(ns2), 'cat /sys/class/net/tap2/ifindex').output;
    expect(tap1Iflink).toBe(tap2Ifindex);
    expect(runCommand(ctx(ns2), 'cat /sys/class/net/tap2/iflink').output).toBe(
      runCommand(ctx(ns1), 'cat /sys/class/net/tap1/ifindex').output,
    );
    // ip link shows the peer's index after the @ and the namespace it lives in.
    expect(runCommand(ctx(ns1), 'ip link show tap1').output).toMatch(
      new RegExp(`tap1@if${tap2Ifindex}:.*\\n.*link-netns ns2`),
    );
  });
});

describe('static-routes: pod1-ping-pod2', () => {
  const t = trace('static-routes', 'pod1-ping-pod2');

  it('is delivered with ttl=62 as ping prints it', () => {
    expect(t.verdict).toBe('delivered');
    expect(t.output).toContain('icmp_seq=1 ttl=62');
  });

  it('uses no NAT anywhere: pod addresses on every hop', () => {
    const requests = t.captures.filter((c) => c.layers.some((l) => l.proto === 'icmp' && l.type === 8));
    expect(requests.length).toBeGreaterThanOrEqual(6);
    for (const c of requests) expect(ip(c)).toMatchObject({ src: '10.1.10.2', dst: '10.1.20.4' });
    const replies = t.captures.filter((c) => c.layers.some((l) => l.proto === 'icmp' && l.type === 0));
    for (const c of replies) expect(ip(c)).toMatchObject({ src: '10.1.20.4', dst: '10.1.10.2' });
  });

  it('TTL 64 on pod1 eth0, 63 on node1 uplink, 62 at pod2', () => {
    expect(ip(echoes(t, 'request', 'pod1', 'eth0', 'tx')[0]!)?.ttl).toBe(64);
    expect(ip(echoes(t, 'request', 'node1', 'eth0', 'tx')[0]!)?.ttl).toBe(63);
    expect(ip(echoes(t, 'request', 'pod2', 'eth0', 'rx')[0]!)?.ttl).toBe(62);
  });

  it('rewrites both MACs at each routed hop', () => {
    const a = echoes(t, 'request', 'pod1', 'eth0', 'tx')[0]!;
    expect(eth(a)).toMatchObject({ src: macOf(t, 'pod1', 'eth0'), dst: macOf(t, 'node1', 'docker0') });
    const b = echoes(t, 'request', 'node1', 'eth0', 'tx')[0]!;
    expect(eth(b)).toMatchObject({ src: macOf(t, 'node1', 'eth0'), dst: macOf(t, 'node2', 'eth0') });
    const c = echoes(t, 'request', 'pod2', 'eth0', 'rx')[0]!;
    expect(eth(c)).toMatchObject({ src: macOf(t, 'node2', 'docker0'), dst: macOf(t, 'pod2', 'eth0') });
  });

  it('was configured with the legacy route command the notes use', () => {
    const cmd = t.setup.find(
      (s) => s.machine === 'node1' && s.command.startsWith('route add -net 10.1.20.0'),
    );
    expect(cmd?.ok).toBe(true);
  });
});
