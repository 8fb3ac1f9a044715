/**
 * Catalog facts for troubleshoot-ipv6-firewall. Expected values come from the same topology
 * built in namespaces on this kernel (6.18, iptables 1.8.9): ping's output, tcpdump of every
 * interface (npm run conformance agrees frame by frame, NDP included), and after the flow
 * `ip6tables -L -v -n -x`, `conntrack -L -f ipv6` and `ip -6 neigh` in r and b.
 */
import { describe, expect, it } from 'vitest';
import type { Trace, TraceEvent } from '../../src/engine';
import { finalRows, trace, icmp6 } from '../helpers';

const SCENARIO = 'troubleshoot-ipv6-firewall';

const drops = (t: Trace): TraceEvent[] => t.events.filter((e) => e.kind === 'drop');

describe(`${SCENARIO}: IPv4 passes the same firewall`, () => {
  const t = trace(SCENARIO, 'a-ping-b-ipv4');
  it('is delivered: ARP never meets iptables', () => {
    expect(t.verdict).toBe('delivered');
    expect(t.output).toContain('64 bytes from 10.0.2.20: icmp_seq=1 ttl=63');
    expect(drops(t)).toEqual([]);
  });
});

describe(`${SCENARIO}: a-ping-b-ipv6`, () => {
  const t = trace(SCENARIO, 'a-ping-b-ipv6');
  it("dies in r's ip6tables FORWARD policy, after the hop limit was lowered", () => {
    expect(t.verdict).toBe('dropped');
    const [d] = drops(t);
    expect(d).toMatchObject({ netns: 'r', reason: 'NETFILTER_DROP' });
    expect(d?.decidedBy).toMatchObject({ table: 'ip6tables', row: '-P FORWARD DROP' });
    expect(icmp6(t, 'r', 'r1', 'tx', 128)).toEqual([]);
    expect(t.output).toContain('1 packets transmitted, 0 received, 100% packet loss');
  });
});

describe(`${SCENARIO}: a-ping-b-ipv6-forward-open`, () => {
  const t = trace(SCENARIO, 'a-ping-b-ipv6-forward-open');

  it("sends r's three solicitations for b to its solicited-node group, and b's INPUT policy drops each", () => {
    const sent = icmp6(t, 'r', 'r1', 'tx', 135);
    expect(sent).toHaveLength(3);
    expect(sent[0]?.layers[1]).toMatchObject({ src: 'fe80::ff:fe00:101', dst: 'ff02::1:ff00:20', hlim: 255 });
    const atB = drops(t).filter((d) => d.netns === 'b');
    // The kernel: `Chain INPUT (policy DROP 3 packets, 216 bytes)` in b.
    expect(atB).toHaveLength(3);
    for (const d of atB) expect(d.decidedBy).toMatchObject({ table: 'ip6tables', row: '-P INPUT DROP' });
    expect(icmp6(t, 'b', 'b0', 'tx', 136)).toEqual([]);
  });

  it('leaves the solicitations untracked and the echo request tracked in r', () => {
    expect(finalRows(t, 'r', 'conntrack')).toEqual([
      expect.stringMatching(
        /^icmpv6 +58 \d+ src=2001:db8:1::10 dst=2001:db8:2::20 type=128 code=0 id=\d+ \[UNREPLIED\] src=2001:db8:2::20 dst=2001:db8:1::10 type=129 code=0 id=\d+ mark=0 use=1$/,
      ),
    ]);
    expect(finalRows(t, 'b', 'conntrack')).toEqual([]);
    expect(finalRows(t, 'r', 'neigh')).toContainEqual(
      expect.stringMatching(/^2001:db8:2::20 dev r1 +FAILED/),
    );
  });

  it('ends with r telling a the address is unreachable', () => {
    expect(t.output).toContain('From 2001:db8:1::1 icmp_seq=1 Destination unreachable: Address unreachable');
    const [err] = icmp6(t, 'a', 'a0', 'rx', 1);
    expect(err?.layers[2]).toMatchObject({ type: 1, code: 3 });
    expect(err?.layers[1]).toMatchObject({ src: '2001:db8:1::1', dst: '2001:db8:1::10' });
  });
});

describe(`${SCENARIO}: a-ping-b-ipv6-fixed`, () => {
  const t = trace(SCENARIO, 'a-ping-b-ipv6-fixed');
  it('is delivered with the hop limit one lower', () => {
    expect(t.verdict).toBe('delivered');
    expect(t.output).toContain('64 bytes from 2001:db8:2::20: icmp_seq=1 ttl=63');
  });

  it("has b answer r's solicitation and ask for its own gateway, which it must accept the answer of", () => {
    expect(icmp6(t, 'b', 'b0', 'tx', 136)[0]?.layers[1]).toMatchObject({
      src: '2001:db8:2::20',
      dst: 'fe80::ff:fe00:101',
    });
    expect(icmp6(t, 'b', 'b0', 'tx', 135)[0]?.layers[2]).toMatchObject({ target: '2001:db8:2::1' });
    const accepted = t.events
      .filter((e) => e.netns === 'b' && e.kind === 'netfilter' && e.decidedBy?.table === 'ip6tables')
      .map((e) => e.decidedBy?.row);
    expect(accepted).toEqual([
      '-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 135 -j ACCEPT',
      '-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j ACCEPT',
      '-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 136 -j ACCEPT',
    ]);
  });

  it("sends the reply back through r's FORWARD as ESTABLISHED", () => {
    const rows = t.events
      .filter((e) => e.netns === 'r' && e.kind === 'netfilter' && e.decidedBy?.table === 'ip6tables')
      .map((e) => e.decidedBy?.row);
    expect(rows).toEqual([
      '-A FORWARD -i r0 -o r1 -j ACCEPT',
      '-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    ]);
  });
});

describe(`${SCENARIO}: an inet nftables chain sees IPv6 too`, () => {
  // b's ip6tables INPUT opened, and an nft inet chain in its place; results from the lab.
  const base = [
    'b: ip6tables -P INPUT ACCEPT',
    'b: nft add table inet f',
    "b: nft 'add chain inet f input { type filter hook input priority filter; policy drop; }'",
    'b: nft add rule inet f input ct state established,related accept',
  ];
  const newIcmp = 'b: nft add rule inet f input meta l4proto icmpv6 ct state new accept';

  it('accepts neighbour discovery only as ct state untracked', () => {
    const t = trace(SCENARIO, 'a-ping-b-ipv6-forward-open', [
      ...base,
      'b: nft add rule inet f input ct state untracked accept',
      newIcmp,
    ]);
    expect(t.output).toContain('64 bytes from 2001:db8:2::20: icmp_seq=1 ttl=63');
    const nd = t.events.filter((e) => e.netns === 'b' && e.decidedBy?.table === 'nftables');
    expect(nd.map((e) => e.decidedBy?.row.trim())).toContain('ct state untracked accept');
  });

  it('drops the solicitations when only new ICMPv6 is accepted: NS is not new', () => {
    const t = trace(SCENARIO, 'a-ping-b-ipv6-forward-open', [...base, newIcmp]);
    expect(t.output).toContain('From 2001:db8:1::1 icmp_seq=1 Destination unreachable: Address unreachable');
    expect(finalRows(t, 'b', 'nftables')).toEqual([
      'table inet f {',
      '\tchain input {',
      '\t\ttype filter hook input priority filter; policy drop;',
      '\t\tct state established,related accept',
      '\t\tmeta l4proto ipv6-icmp ct state new accept',
      '\t}',
      '}',
    ]);
  });
});

describe(`${SCENARIO}: an ip6 nftables table in place of b's ip6tables INPUT`, () => {
  // The same rules in namespaces on this kernel (nft 1.0.6): the ping is answered, and b's
  // counters read 2 packets (r's solicitation, the advertisement for b's gateway) on the
  // neighbour discovery rule and 1 on the echo request rule.
  const nd = 'icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } ip6 hoplimit 255 counter accept';
  const t = trace(SCENARIO, 'a-ping-b-ipv6-forward-open', [
    'b: ip6tables -P INPUT ACCEPT',
    'b: nft add table ip6 f',
    "b: nft 'add chain ip6 f input { type filter hook input priority filter; policy drop; }'",
    'b: nft add rule ip6 f input ct state established,related counter accept',
    `b: nft 'add rule ip6 f input ${nd}'`,
    'b: nft add rule ip6 f input icmpv6 type echo-request counter accept',
  ]);

  it('accepts neighbour discovery by ICMPv6 type and hop limit, and the echo request', () => {
    expect(t.output).toContain('64 bytes from 2001:db8:2::20: icmp_seq=1 ttl=63');
    const rows = t.events
      .filter((e) => e.netns === 'b' && e.decidedBy?.table === 'nftables')
      // A row shows the counter as it was when the rule decided.
      .map((e) => e.decidedBy?.row.trim().replace(/ counter packets \d+ bytes \d+/, ' counter'));
    expect(rows).toEqual([nd, 'icmpv6 type echo-request counter accept', nd]);
  });
});
