/**
 * Catalog facts for ipv6-nat66. Expected values come from the same topology built in
 * namespaces on this kernel (6.18, iptables 1.8.9): ping's output, tcpdump of every interface
 * (npm run conformance agrees frame by frame, NDP included), and `conntrack -L -f ipv6` and
 * `ip6tables -t nat -L -v -n -x` in r after each flow.
 */
import { describe, expect, it } from 'vitest';
import type { Capture, Trace } from '../../src/engine';
import { finalRows, trace } from '../helpers';

const SCENARIO = 'ipv6-nat66';

function echo6(
  t: Trace,
  netns: string,
  iface: string,
  dir: 'tx' | 'rx',
  type: 128 | 129,
): Capture | undefined {
  return t.captures.find(
    (c) =>
      c.netns === netns &&
      c.interface === iface &&
      c.direction === dir &&
      c.layers.some((l) => l.proto === 'icmpv6' && l.type === type),
  );
}

/** A conntrack row with the echo ids (random on the kernel) replaced by N. */
const ctRows = (t: Trace): string[] =>
  finalRows(t, 'r', 'conntrack').map((r) =>
    r.replace(/id=\d+/g, 'id=N').replace(/^(icmpv6 +58) \d+/, '$1 T'),
  );

describe(`${SCENARIO}: a-ping-b-masquerade`, () => {
  const t = trace(SCENARIO, 'a-ping-b-masquerade');
  it("leaves r1 from r1's own address and comes back to a's ULA", () => {
    expect(t.output).toContain('64 bytes from 2001:db8:2::20: icmp_seq=1 ttl=63');
    expect(echo6(t, 'r', 'r1', 'tx', 128)?.layers[1]).toMatchObject({
      src: '2001:db8:2::1',
      dst: '2001:db8:2::20',
    });
    expect(echo6(t, 'r', 'r0', 'tx', 129)?.layers[1]).toMatchObject({
      src: '2001:db8:2::20',
      dst: 'fd00:1::10',
    });
  });
  it('keeps the binding in conntrack as conntrack -L -f ipv6 shows it', () => {
    expect(ctRows(t)).toEqual([
      'icmpv6   58 T src=fd00:1::10 dst=2001:db8:2::20 type=128 code=0 id=N src=2001:db8:2::20 dst=2001:db8:2::1 type=129 code=0 id=N mark=0 use=1',
    ]);
  });
});

describe(`${SCENARIO}: b-ping-r-dnat`, () => {
  const t = trace(SCENARIO, 'b-ping-r-dnat');
  it("is forwarded to a, whose reply leaves r with r's address", () => {
    expect(t.output).toContain('64 bytes from 2001:db8:2::1: icmp_seq=1 ttl=63');
    expect(echo6(t, 'a', 'a0', 'rx', 128)?.layers[1]).toMatchObject({
      src: '2001:db8:2::20',
      dst: 'fd00:1::10',
    });
    expect(echo6(t, 'r', 'r1', 'tx', 129)?.layers[1]).toMatchObject({
      src: '2001:db8:2::1',
      dst: '2001:db8:2::20',
    });
    expect(ctRows(t)).toEqual([
      'icmpv6   58 T src=2001:db8:2::20 dst=2001:db8:2::1 type=128 code=0 id=N src=fd00:1::10 dst=2001:db8:2::20 type=129 code=0 id=N mark=0 use=1',
    ]);
  });
});

describe(`${SCENARIO}: a-ping-b-without-nat`, () => {
  const t = trace(SCENARIO, 'a-ping-b-without-nat');
  it("reaches b with a's ULA source, and b has no route to answer it", () => {
    expect(echo6(t, 'b', 'b0', 'rx', 128)?.layers[1]).toMatchObject({ src: 'fd00:1::10' });
    expect(echo6(t, 'b', 'b0', 'tx', 129)).toBeUndefined();
    expect(t.output).toContain('1 packets transmitted, 0 received, 100% packet loss');
  });
});
