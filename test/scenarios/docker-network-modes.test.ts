/** docker-network-modes: host, none and container:NAME networking. */
import { describe, expect, it } from 'vitest';
import type { Capture } from '../../src/engine';
import { ip, trace } from '../helpers';

const tcp = (c: Capture) =>
  c.layers.find((l) => l.proto === 'tcp') as { flags: string; sport: number; dport: number } | undefined;

describe('docker-network-modes: web-to-c3-host-mode', () => {
  const t = trace('docker-network-modes', 'web-to-c3-host-mode');

  it('is delivered to the server in host1 own namespace', () => {
    expect(t.verdict).toBe('delivered');
    expect(t.output).toContain('192.168.145.128:9090');
    const syn = t.captures.find(
      (c) => c.netns === 'host1' && c.interface === 'eth0' && c.direction === 'rx' && tcp(c)?.flags === 'S',
    )!;
    expect(ip(syn)).toMatchObject({ src: '203.0.113.10', dst: '192.168.145.128', ttl: 63 });
    expect(tcp(syn)?.dport).toBe(9090);
  });

  it('crosses no veth and no docker0, and nothing is NATed', () => {
    expect(t.captures.some((c) => c.netns === 'host1' && c.interface !== 'eth0')).toBe(false);
    expect(t.captures.some((c) => c.netns.startsWith('c'))).toBe(false);
    expect(t.events.some((e) => e.kind === 'nat')).toBe(false);
    // The reply leaves with the same address and port the client used.
    const synAck = t.captures.find(
      (c) => c.netns === 'web' && c.direction === 'rx' && tcp(c)?.flags === 'S.',
    )!;
    expect(ip(synAck)?.src).toBe('192.168.145.128');
    expect(tcp(synAck)?.sport).toBe(9090);
  });
});

describe('docker-network-modes: c4-ping-c1 (--network none)', () => {
  const t = trace('docker-network-modes', 'c4-ping-c1');

  it('fails inside c4 with Network is unreachable and sends nothing', () => {
    expect(t.verdict).toBe('unreachable');
    expect(t.output).toBe('ping: connect: Network is unreachable');
    expect(t.reason).toContain('Network is unreachable');
    expect(t.captures).toHaveLength(0);
    expect(t.events.every((e) => e.netns === 'c4')).toBe(true);
  });
});

describe('docker-network-modes: c5-to-c1-localhost (--network container:c1)', () => {
  const t = trace('docker-network-modes', 'c5-to-c1-localhost');

  it("reaches c1's nginx on 127.0.0.1:80 over lo", () => {
    expect(t.verdict).toBe('delivered');
    expect(t.command.netns).toBe('c1');
    const syn = t.captures.find((c) => tcp(c)?.flags === 'S')!;
    expect(syn).toMatchObject({ netns: 'c1', interface: 'lo' });
    expect(ip(syn)).toMatchObject({ src: '127.0.0.1', dst: '127.0.0.1', ttl: 64 });
    expect(
      t.events.some((e) => e.explain.code === 'tcp.syn-listener' && e.explain.args.process === 'nginx'),
    ).toBe(true);
  });

  it('crosses no veth: every frame is on c1 lo', () => {
    expect(t.captures.length).toBeGreaterThan(0);
    expect(t.captures.every((c) => c.netns === 'c1' && c.interface === 'lo')).toBe(true);
  });
});
