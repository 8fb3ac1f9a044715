/**
 * route_localnet (net/ipv4/route.c): 127.0.0.0/8 is martian on a non-loopback device, on input
 * (ip_route_input_slow) and on output (__mkroute_output refuses a loopback source), unless
 * net.ipv4.conf.{all,DEV}.route_localnet is set. kube-proxy sets it for localhost NodePorts.
 *
 * Measured on Linux 6.18 (iptables 1.8.9, curl 7.88.1) with two namespaces joined by a veth,
 * A 10.244.2.1/24 and B 10.244.2.2/24 (socat listening on 8080), and in A:
 *   iptables -t nat -A OUTPUT -d 127.0.0.1 -p tcp --dport 30080 -j DNAT --to-destination 10.244.2.2:8080
 *   iptables -t nat -A POSTROUTING -s 127.0.0.0/8 -j MASQUERADE
 * then `curl -m 2 http://127.0.0.1:30080/` in A:
 * - all defaults: "curl: (28) Connection timed out"; the DNAT rule counted 2 packets (SYN and
 *   its retransmission), MASQUERADE 0: the SYN died in ip_route_me_harder, before POSTROUTING.
 * - conf.all.route_localnet=1, or conf.a0.route_localnet=1 alone: connected (socat's answer).
 * - conf.lo.route_localnet=1 alone: timed out again (the device that counts is the real one).
 * - route_localnet=1 without the MASQUERADE, fresh namespaces: tcpdump -e in B shows only
 *   "ARP, Request who-has 10.244.2.2 tell 127.0.0.1" (arp_solicit takes the packet's local
 *   source); B never answers (ip_route_input_noref: martian source), A's entry stays INCOMPLETE,
 *   curl times out.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario, traceFlow } from '../..';

const NODE = `
version: 1
id: localnet
group: Basics
concept: {en: "x", zh: "x"}
title: {en: "x", zh: "x"}
description: {en: "x", zh: "x"}
segments:
  wire: {}
machines:
  A:
    nics:
      - {name: a0, segment: wire, addr: 10.244.2.1/24}
    setup:
      - ip link set lo up
      - iptables -t nat -A OUTPUT -d 127.0.0.1 -p tcp --dport 30080 -j DNAT --to-destination 10.244.2.2:8080
      - iptables -t nat -A POSTROUTING -s 127.0.0.0/8 -j MASQUERADE
  B:
    nics:
      - {name: b0, segment: wire, addr: 10.244.2.2/24}
servers:
  - {netns: B, listen: tcp/8080, process: socat, reply: 3}
flows:
  - {id: nodeport, netns: A, command: "curl -m 2 http://127.0.0.1:30080/", title: {en: x, zh: x}}
`;

const s = loadScenario(NODE, 'localnet.yaml');
const run = (...lines: string[]) =>
  traceFlow(s, 'nodeport', { exec: lines.map((line) => ({ netns: 'A', line })) });
const codes = (t: ReturnType<typeof run>) => t.events.map((e) => e.explain.code);

describe('route_localnet and a localhost NodePort', () => {
  it('off: ip_route_me_harder refuses the DNATed SYN with its 127.0.0.1 source', () => {
    const t = run();
    expect(t.verdict).not.toBe('delivered');
    expect(t.output).toMatch(/^curl: \(28\)/);
    expect(codes(t)).toContain('drop.reroute-localnet');
  });

  it('conf.all.route_localnet=1: connected', () => {
    const t = run('sysctl -w net.ipv4.conf.all.route_localnet=1');
    expect(t.verdict).toBe('delivered');
  });

  it('conf.a0.route_localnet=1 alone: connected (output and input both read the real device)', () => {
    expect(run('sysctl -w net.ipv4.conf.a0.route_localnet=1').verdict).toBe('delivered');
  });

  it('conf.lo.route_localnet=1 alone: still refused', () => {
    const t = run('sysctl -w net.ipv4.conf.lo.route_localnet=1');
    expect(t.verdict).not.toBe('delivered');
    expect(codes(t)).toContain('drop.reroute-localnet');
  });

  it('without the masquerade: ARP asks "tell 127.0.0.1" and the peer never answers', () => {
    const t = run('sysctl -w net.ipv4.conf.all.route_localnet=1', 'iptables -t nat -F POSTROUTING');
    expect(t.verdict).not.toBe('delivered');
    expect(t.output).toMatch(/^curl: \(28\)/);
    const asks = t.captures.filter(
      (c) => c.netns === 'B' && c.direction === 'rx' && c.layers[1]?.proto === 'arp',
    );
    expect(asks.length).toBeGreaterThan(0);
    expect(asks.every((c) => (c.layers[1] as { spa: string }).spa === '127.0.0.1')).toBe(true);
    expect(t.captures.some((c) => c.netns === 'B' && c.direction === 'tx')).toBe(false);
  });

  it('the peer with route_localnet on its device answers that ARP and sees the SYN from 127.0.0.1', () => {
    const t = traceFlow(s, 'nodeport', {
      exec: [
        { netns: 'A', line: 'sysctl -w net.ipv4.conf.all.route_localnet=1' },
        { netns: 'A', line: 'iptables -t nat -F POSTROUTING' },
        { netns: 'B', line: 'sysctl -w net.ipv4.conf.b0.route_localnet=1' },
      ],
    });
    expect(codes(t)).toContain('arp.request-local');
    expect(codes(t)).not.toContain('drop.martian-source');
  });
});
