/**
 * nf_tables on IPv6 packets: an ip6 table's base chains see only IPv6 (an IPv4 packet never
 * meets its policy), an inet chain sees both, and each payload expression breaks on the other
 * family's packet (nft_payload finds no such header: NFT_BREAK), so `ip saddr 0.0.0.0/0` in
 * inet never matches IPv6 and `ip6 saddr ::/0` never matches IPv4. Checked on this kernel with
 * nft 1.0.6: pinging 127.0.0.1 and ::1 in a namespace counted 2 packets on each of `ip saddr
 * 0.0.0.0/0`, `ip6 saddr ::/0`, `meta nfproto ipv6` and `meta nfproto ipv4` in an inet input
 * chain, and an ip6 input chain with policy drop let the IPv4 ping through.
 */
import { describe, expect, it } from 'vitest';
import type { Skb } from '../skb';
import { nfHost, tcp } from '../../../../test/nf-test-kit';

let ids = 100;
const ip6 = (src: string, dst: string, next: number, hlim = 64) =>
  ({ proto: 'ipv6', src, dst, hlim, next, tc: 0, flow: 0 }) as const;

function tcp6(src: string, dst: string, dport: number, hlim = 64): Skb {
  const l4 = { proto: 'tcp', sport: 40000, dport, flags: 'S', seq: 1, ack: 0, window: 64800 } as const;
  return { id: ++ids, layers: [ip6(src, dst, 6, hlim), l4], payload: 0, mark: 0 };
}

function icmp6(src: string, dst: string, type: number, code = 0, hlim = 64): Skb {
  return {
    id: ++ids,
    layers: [ip6(src, dst, 58, hlim), { proto: 'icmpv6', type, code }],
    payload: 8,
    mark: 0,
  };
}

function host(rules: string[]) {
  const h = nfHost();
  for (const r of rules) h.sh(`nft '${r}'`);
  const passes = (skb: Skb): boolean => h.hook('INPUT', skb, { in: 'eth0' }) !== null;
  const counters = (family: 'ip6' | 'inet', table: string, chain: string): number[] =>
    h.ns
      .nftables!.table(family, table)!
      .chains.get(chain)!
      .rules.map((r) => {
        const c = r.exprs.find((e) => e.op === 'counter');
        return c?.op === 'counter' ? c.packets : -1;
      });
  return { ...h, passes, counters };
}

describe('an ip6 table', () => {
  const rules = [
    'add table ip6 f',
    'add chain ip6 f input { type filter hook input priority 0; policy drop; }',
    'add rule ip6 f input ip6 saddr { 2001:db8::1, fd00::/64 } accept',
    'add rule ip6 f input icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } ip6 hoplimit 255 accept',
    'add rule ip6 f input ip6 nexthdr tcp tcp dport 22 accept',
  ];

  it('matches addresses and prefixes of an anonymous set; other sources meet the policy', () => {
    const h = host(rules);
    expect(h.passes(tcp6('2001:db8::1', '2001:db8::99', 80))).toBe(true);
    expect(h.passes(tcp6('fd00::abcd:1', '2001:db8::99', 80))).toBe(true);
    expect(h.passes(tcp6('fd00:0:0:1::1', '2001:db8::99', 80))).toBe(false);
    expect(h.passes(tcp6('2001:db8::2', '2001:db8::99', 80))).toBe(false);
    expect(h.passes(tcp6('2001:db8::2', '2001:db8::99', 22))).toBe(true);
  });

  it('reads the ICMPv6 type and the hop limit', () => {
    const h = host(rules);
    expect(h.passes(icmp6('fe80::1', 'ff02::1:ff00:99', 135, 0, 255))).toBe(true);
    // A forged neighbour advertisement that crossed a router (hop limit below 255).
    expect(h.passes(icmp6('fe80::1', 'fe80::99', 136, 0, 64))).toBe(false);
    expect(h.passes(icmp6('2001:db8::2', '2001:db8::99', 128))).toBe(false);
  });

  it('registers on the IPv6 hooks only: its policy never meets an IPv4 packet', () => {
    const h = host(rules);
    expect(h.passes(tcp('10.0.0.5', 40000, '10.0.0.1', 80))).toBe(true);
  });

  it('looks addresses up in a named interval set of type ipv6_addr', () => {
    const h = host([
      'add table ip6 f',
      'add set ip6 f blocked { type ipv6_addr; flags interval; }',
      'add chain ip6 f input { type filter hook input priority 0; }',
      'add rule ip6 f input ip6 saddr @blocked drop',
    ]);
    expect(h.passes(tcp6('2001:db8:5::7', '2001:db8::99', 80))).toBe(true);
    h.sh("nft 'add element ip6 f blocked { 2001:db8:5::/48, 2001:db8::1 }'");
    expect(h.passes(tcp6('2001:db8:5::7', '2001:db8::99', 80))).toBe(false);
    expect(h.passes(tcp6('2001:db8::1', '2001:db8::99', 80))).toBe(false);
    expect(h.passes(tcp6('2001:db8:6::7', '2001:db8::99', 80))).toBe(true);
  });
});

describe('an inet chain', () => {
  const rules = [
    'add table inet f',
    'add chain inet f input { type filter hook input priority 0; policy accept; }',
    'add rule inet f input ip saddr 0.0.0.0/0 counter',
    'add rule inet f input ip6 saddr ::/0 counter',
    'add rule inet f input meta nfproto ipv6 counter',
    'add rule inet f input meta nfproto ipv4 counter',
    'add rule inet f input icmpv6 type destination-unreachable icmpv6 code port-unreachable counter drop',
    'add rule inet f input ip saddr 10.0.0.5 drop',
    'add rule inet f input ip6 saddr 2001:db8::5 drop',
  ];

  it("sees both families; each family's payload and nfproto match only its own packets", () => {
    const h = host(rules);
    expect(h.passes(tcp('10.0.0.6', 40000, '10.0.0.1', 80))).toBe(true);
    expect(h.passes(tcp6('2001:db8::6', '2001:db8::99', 80))).toBe(true);
    expect(h.passes(tcp6('2001:db8::6', '2001:db8::99', 80))).toBe(true);
    expect(h.counters('inet', 'f', 'input')).toEqual([1, 2, 2, 1, 0, -1, -1]);
  });

  it('drops by ip saddr and ip6 saddr, and by ICMPv6 type and code', () => {
    const h = host(rules);
    expect(h.passes(tcp('10.0.0.5', 40000, '10.0.0.1', 80))).toBe(false);
    expect(h.passes(tcp6('2001:db8::5', '2001:db8::99', 80))).toBe(false);
    expect(h.passes(icmp6('2001:db8::7', '2001:db8::99', 1, 4))).toBe(false);
    expect(h.passes(icmp6('2001:db8::7', '2001:db8::99', 1, 3))).toBe(true);
  });
});

describe('a dynamic set of IPv6 addresses', () => {
  it('learns a source with update @set { ip6 saddr } and matches it afterwards', () => {
    const h = host([
      'add table ip6 f',
      'add set ip6 f seen { type ipv6_addr; flags dynamic; }',
      'add chain ip6 f input { type filter hook input priority 0; }',
      'add rule ip6 f input ip6 saddr @seen counter',
      'add rule ip6 f input update @seen { ip6 saddr }',
    ]);
    expect(h.passes(tcp6('2001:db8::b', '2001:db8::99', 80))).toBe(true);
    expect(h.passes(tcp6('2001:db8::a', '2001:db8::99', 80))).toBe(true);
    expect(h.passes(tcp6('2001:db8::a', '2001:db8::99', 80))).toBe(true);
    expect(h.counters('ip6', 'f', 'input')).toEqual([1, -1]);
    // As nft 1.0.6 lists the same set filled by two pings in a namespace (one address a line).
    expect(h.sh('nft list set ip6 f seen')).toContain(
      '\t\telements = { 2001:db8::a,\n\t\t\t     2001:db8::b }',
    );
  });
});

describe('reject in an inet chain', () => {
  it('with icmpv6 rejects only IPv6 packets, with icmp only IPv4 ones (the nfproto nft adds)', () => {
    const h = host([
      'add table inet f',
      'add chain inet f input { type filter hook input priority 0; }',
      'add rule inet f input reject with icmpv6 type admin-prohibited',
      'add rule inet f input counter',
      'add rule inet f input reject with icmp type host-unreachable',
    ]);
    expect(h.passes(tcp6('2001:db8::5', '2001:db8::99', 80))).toBe(false);
    expect(h.counters('inet', 'f', 'input')).toEqual([-1, 0, -1]);
    expect(h.passes(tcp('10.0.0.5', 40000, '10.0.0.1', 80))).toBe(false);
    expect(h.counters('inet', 'f', 'input')).toEqual([-1, 1, -1]);
  });
});
