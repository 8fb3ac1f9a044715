/**
 * IPv6 policy routing on the fixture test/fixtures/kernel/ip6-rule.yaml. The kernel ran the
 * same fixture (`npx tsx src/cli/conformance.ts test/fixtures/kernel/ip6-rule.yaml`): every
 * frame agreed; the expected interfaces, codes and outputs below are what it sent and printed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario, traceFlow, type Capture, type Trace } from '../../src/engine';
import type { Icmpv6Layer, Ipv6Layer } from '../../src/engine/net/layers';

const file = 'test/fixtures/kernel/ip6-rule.yaml';
const trace = (flow: string): Trace => traceFlow(loadScenario(readFileSync(file, 'utf8'), file), flow);
const tx = (t: Trace, netns: string, iface: string): Capture[] =>
  t.captures.filter((c) => c.netns === netns && c.interface === iface && c.direction === 'tx');
const ip6 = (c: Capture): Ipv6Layer | undefined => c.layers.find((l): l is Ipv6Layer => l.proto === 'ipv6');
const icmp6 = (c: Capture): Icmpv6Layer | undefined =>
  c.layers.find((l): l is Icmpv6Layer => l.proto === 'icmpv6');
const echoes = (t: Trace, iface: string): Capture[] =>
  tx(t, 'a', iface).filter((c) => icmp6(c)?.type === 128);

describe('ip -6 rule from: the source picks the table', () => {
  it('an unbound ping has no source at its lookup, so the main table sends it out of eth0', () => {
    const t = trace('ping-unbound');
    expect(echoes(t, 'eth0').map((c) => ip6(c)?.src)).toEqual(['2001:db8:1::1']);
    expect(echoes(t, 'eth1')).toEqual([]);
  });

  it('ping -I 2001:db8:2::1 matches the rule and leaves by table 100 out of eth1', () => {
    const t = trace('ping-from-eth1');
    expect(echoes(t, 'eth1').map((c) => ip6(c)?.src)).toEqual(['2001:db8:2::1']);
    expect(echoes(t, 'eth0')).toEqual([]);
    expect(t.output.split('\n')[0]).toBe(
      'PING 2001:db8:9::9(2001:db8:9::9) from 2001:db8:2::1 : 56 data bytes',
    );
  });

  it("nc's connect() chose its route before its source: every SYN leaves by eth0", () => {
    const t = trace('nc-unbound');
    const syns = tx(t, 'a', 'eth0').filter((c) => c.layers.some((l) => l.proto === 'tcp'));
    expect(syns.length).toBeGreaterThan(1);
    expect(tx(t, 'a', 'eth1').filter((c) => c.layers.some((l) => l.proto === 'tcp'))).toEqual([]);
  });
});

describe("a router's refusing rules", () => {
  it('prohibit answers ICMPv6 destination unreachable, administratively prohibited (code 1)', () => {
    const t = trace('ping-prohibited');
    const errs = tx(t, 'c', 'eth0').filter((c) => icmp6(c)?.type === 1);
    expect(errs.map((c) => icmp6(c)?.code)).toEqual([1]);
  });

  it('a blackhole route discards without an answer too (dst_discard)', () => {
    const t = trace('ping-route-blackholed');
    expect(tx(t, 'c', 'eth0').filter((c) => icmp6(c)?.type === 1)).toEqual([]);
    expect(t.output).toContain('100% packet loss');
  });

  it('blackhole discards without an answer', () => {
    const t = trace('ping-blackholed');
    expect(tx(t, 'c', 'eth0').filter((c) => icmp6(c)?.type === 1)).toEqual([]);
    expect(t.output).toContain('100% packet loss');
  });
});
