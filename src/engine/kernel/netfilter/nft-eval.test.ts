/**
 * nf_tables evaluation at the hooks: verdicts, jumps and maps as nft_do_chain runs them, NAT
 * statements through the shared NAT core, and nft base chains registered beside iptables'
 * tables on the same hooks, ordered by priority (a base chain's accept ends only that chain).
 */
import { describe, expect, it } from 'vitest';
import { echo, ipOfSkb, l4OfSkb, nfHost, tcp, udp } from '../../../../test/nf-test-kit';

function host(files: string[] = [], more: string[] = []) {
  const h = nfHost(more);
  for (const f of files) h.sh(`nft '${f}'`);
  return h;
}

const counterOf = (h: ReturnType<typeof host>, family: string, table: string, chain: string): number[] =>
  h.ns
    .nftables!.table(family as 'ip', table)!
    .chains.get(chain)!
    .rules.map((r) => {
      const c = r.exprs.find((e) => e.op === 'counter');
      return c && c.op === 'counter' ? c.packets : -1;
    });

describe('nft_do_chain', () => {
  it('a stateful host firewall: established replies pass, new connections only to allowed ports', () => {
    const h = host([
      'add table inet filter',
      'add chain inet filter input { type filter hook input priority 0; policy drop; }',
      'add rule inet filter input ct state established,related accept',
      'add rule inet filter input tcp dport { 22, 80 } counter accept',
    ]);
    expect(h.input(tcp('10.0.0.5', 40000, '10.0.0.1', 22), 'eth0')).not.toBeNull();
    expect(h.input(tcp('10.0.0.5', 40001, '10.0.0.1', 23), 'eth0')).toBeNull();
    // The reply direction of a connection this host opened is ESTABLISHED.
    const syn = h.hook('OUTPUT', tcp('10.0.0.1', 50000, '10.0.0.9', 443), { out: 'eth0' });
    h.hook('POSTROUTING', syn!, { out: 'eth0' });
    expect(h.input(tcp('10.0.0.9', 443, '10.0.0.1', 50000, 'S.'), 'eth0')).not.toBeNull();
    expect(counterOf(h, 'inet', 'filter', 'input')).toEqual([-1, 1]);
  });

  it('jump returns to the next rule; goto does not; a vmap picks the verdict by key', () => {
    const h = host([
      'add table ip t',
      'add chain ip t sub',
      'add chain ip t fin',
      'add chain ip t in { type filter hook input priority 0; policy accept; }',
      'add rule ip t sub udp dport 53 return',
      'add rule ip t sub counter',
      'add rule ip t fin counter drop',
      'add rule ip t in jump sub',
      'add rule ip t in counter',
      'add rule ip t in ip saddr vmap { 10.0.0.7 : goto fin, 10.0.0.8 : drop }',
    ]);
    expect(h.input(udp('10.0.0.5', 1000, '10.0.0.1', 53), 'eth0')).not.toBeNull();
    expect(counterOf(h, 'ip', 't', 'sub')).toEqual([-1, 0]);
    expect(counterOf(h, 'ip', 't', 'in')).toEqual([-1, 1, -1]);
    expect(h.input(udp('10.0.0.7', 1000, '10.0.0.1', 54), 'eth0')).toBeNull();
    expect(counterOf(h, 'ip', 't', 'fin')).toEqual([1]);
    expect(h.input(echo('10.0.0.8', '10.0.0.1'), 'eth0')).toBeNull();
    expect(h.input(echo('10.0.0.9', '10.0.0.1'), 'eth0')).not.toBeNull();
  });

  it('named sets and maps are looked up at evaluation time (add element takes effect at once)', () => {
    const h = host([
      'add table ip t',
      'add set ip t blocked { type ipv4_addr; }',
      'add chain ip t in { type filter hook input priority 0; }',
      'add rule ip t in ip saddr @blocked drop',
    ]);
    expect(h.input(echo('10.0.0.5', '10.0.0.1'), 'eth0')).not.toBeNull();
    h.sh("nft 'add element ip t blocked { 10.0.0.5 }'");
    expect(h.input(echo('10.0.0.5', '10.0.0.1'), 'eth0')).toBeNull();
    h.sh("nft 'delete element ip t blocked { 10.0.0.5 }'");
    expect(h.input(echo('10.0.0.5', '10.0.0.1'), 'eth0')).not.toBeNull();
  });
});

describe('nft and iptables on the same hooks, by priority', () => {
  it('an nft chain at priority -10 runs before iptables filter; at +10 after it', () => {
    const h = host(
      [
        'add table ip t',
        'add chain ip t early { type filter hook input priority -10; }',
        'add chain ip t late { type filter hook input priority 10; }',
        'add rule ip t early counter',
        'add rule ip t late counter',
      ],
      ['iptables -A INPUT -p tcp --dport 23 -j DROP'],
    );
    expect(h.input(tcp('10.0.0.5', 40000, '10.0.0.1', 23), 'eth0')).toBeNull();
    // early saw it, iptables dropped it, late never did.
    expect(counterOf(h, 'ip', 't', 'early')).toEqual([1]);
    expect(counterOf(h, 'ip', 't', 'late')).toEqual([0]);
  });

  it("an accept ends only its own base chain: iptables' DROP at a later priority still drops", () => {
    const h = host(
      [
        'add table ip t',
        'add chain ip t c { type filter hook input priority -5; }',
        'add rule ip t c accept',
      ],
      ['iptables -A INPUT -p tcp -j DROP'],
    );
    expect(h.input(tcp('10.0.0.5', 40000, '10.0.0.1', 80), 'eth0')).toBeNull();
    expect(h.counters('filter', 'INPUT')).toEqual([1]);
  });

  it('a mark nft sets in mangle priority is seen by an iptables rule at filter priority', () => {
    const h = host(
      [
        'add table ip t',
        'add chain ip t m { type filter hook input priority mangle; }',
        'add rule ip t m tcp dport 8080 meta mark set 0x2a',
      ],
      ['iptables -A INPUT -m mark --mark 42 -j DROP'],
    );
    expect(h.input(tcp('10.0.0.5', 40000, '10.0.0.1', 8080), 'eth0')).toBeNull();
    expect(h.input(tcp('10.0.0.5', 40001, '10.0.0.1', 8081), 'eth0')).not.toBeNull();
  });
});

describe('nft NAT statements', () => {
  it('dnat in prerouting and masquerade in postrouting; the reply is de-NATed by conntrack', () => {
    const h = host([
      'add table ip nat',
      'add chain ip nat pre { type nat hook prerouting priority dstnat; }',
      'add chain ip nat post { type nat hook postrouting priority srcnat; }',
      'add rule ip nat pre iifname "eth1" tcp dport 8080 dnat to 10.0.0.5:80',
      'add rule ip nat post oifname "eth1" masquerade',
    ]);
    const inb = h.forward(tcp('198.51.100.7', 33000, '192.0.2.1', 8080), 'eth1', 'eth0');
    expect(ipOfSkb(inb)).toMatchObject({ src: '198.51.100.7', dst: '10.0.0.5' });
    expect(l4OfSkb(inb)?.dport).toBe(80);
    const reply = h.forward(tcp('10.0.0.5', 80, '198.51.100.7', 33000, 'S.'), 'eth0', 'eth1');
    expect(ipOfSkb(reply)).toMatchObject({ src: '192.0.2.1', dst: '198.51.100.7' });
    expect(l4OfSkb(reply)?.sport).toBe(8080);
    const out = h.forward(udp('10.0.0.5', 5353, '198.51.100.9', 53), 'eth0', 'eth1');
    expect(ipOfSkb(out)?.src).toBe('192.0.2.1');
  });

  it('a dnat map with no entry for the packet falls through to the next rule', () => {
    const h = host([
      'add table ip nat',
      'add chain ip nat pre { type nat hook prerouting priority dstnat; }',
      'add rule ip nat pre dnat to tcp dport map { 81 : 10.0.0.6 }',
      'add rule ip nat pre tcp dport 82 dnat to 10.0.0.7',
    ]);
    expect(ipOfSkb(h.hook('PREROUTING', tcp('198.51.100.7', 1, '192.0.2.1', 81), { in: 'eth1' }))?.dst).toBe(
      '10.0.0.6',
    );
    expect(ipOfSkb(h.hook('PREROUTING', tcp('198.51.100.7', 2, '192.0.2.1', 82), { in: 'eth1' }))?.dst).toBe(
      '10.0.0.7',
    );
  });
});

describe('the expressions kube-proxy nftables mode uses', () => {
  it('a concatenated key looks up a verdict map by address, protocol and port together', () => {
    const h = host([
      'add table ip t',
      'add map ip t svc { type ipv4_addr . inet_proto . inet_service : verdict ; }',
      'add element ip t svc { 10.0.0.1 . tcp . 80 : drop }',
      'add chain ip t in { type filter hook input priority 0; }',
      'add rule ip t in ip daddr . meta l4proto . th dport vmap @svc',
    ]);
    expect(h.input(tcp('10.0.0.5', 40000, '10.0.0.1', 80), 'eth0')).toBeNull();
    expect(h.input(udp('10.0.0.5', 40000, '10.0.0.1', 80), 'eth0')).not.toBeNull();
    expect(h.input(tcp('10.0.0.5', 40000, '10.0.0.1', 81), 'eth0')).not.toBeNull();
  });

  it('mark set mark or/xor keeps the other bits; mark and MASK compares only those bits', () => {
    const h = host([
      'add table ip t',
      'add chain ip t in { type filter hook input priority 0; }',
      'add rule ip t in mark set 0x1',
      'add rule ip t in mark set mark or 0x4000',
      'add rule ip t in mark and 0x4000 != 0 counter',
      'add rule ip t in mark 0x4001 counter',
      'add rule ip t in mark set mark xor 0x4000',
      'add rule ip t in mark and 0x4000 == 0 counter',
      'add rule ip t in mark 0x1 counter',
    ]);
    const out = h.input(udp('10.0.0.5', 1000, '10.0.0.1', 53), 'eth0');
    expect(counterOf(h, 'ip', 't', 'in')).toEqual([-1, -1, 1, 1, -1, 1, 1]);
    expect(out?.mark).toBe(1);
  });

  it("fib saddr type local holds for the host's own addresses only", () => {
    const h = host([
      'add table ip t',
      'add chain ip t out { type filter hook output priority 0; }',
      'add chain ip t in { type filter hook input priority 0; }',
      'add rule ip t out fib saddr type local counter',
      'add rule ip t in fib saddr type local counter',
    ]);
    h.hook('OUTPUT', udp('10.0.0.1', 1000, '10.0.0.9', 53), { out: 'eth0' });
    h.input(udp('10.0.0.5', 1000, '10.0.0.1', 53), 'eth0');
    expect(counterOf(h, 'ip', 't', 'out')).toEqual([1]);
    expect(counterOf(h, 'ip', 't', 'in')).toEqual([0]);
  });

  it('numgen random mod 2 spreads new packets over both chains, or takes the pinned endpoint', () => {
    const rules = [
      'add table ip t',
      'add chain ip t a__10.0.0.7/80',
      'add chain ip t b__10.0.0.8/80',
      'add chain ip t in { type filter hook input priority 0; }',
      'add rule ip t a__10.0.0.7/80 counter',
      'add rule ip t b__10.0.0.8/80 counter',
      'add rule ip t in numgen random mod 2 vmap { 0 : goto a__10.0.0.7/80, 1 : goto b__10.0.0.8/80 }',
    ];
    const h = host(rules);
    for (let i = 0; i < 40; i++) h.input(udp('10.0.0.5', 2000 + i, '10.0.0.1', 53), 'eth0');
    const a = counterOf(h, 'ip', 't', 'a__10.0.0.7/80')[0]!;
    const b = counterOf(h, 'ip', 't', 'b__10.0.0.8/80')[0]!;
    expect(a + b).toBe(40);
    expect(Math.min(a, b)).toBeGreaterThan(5);
    const p = host(rules);
    p.world.pinEndpoint = '10.0.0.8';
    for (let i = 0; i < 10; i++) p.input(udp('10.0.0.5', 2000 + i, '10.0.0.1', 53), 'eth0');
    expect(counterOf(p, 'ip', 't', 'b__10.0.0.8/80')).toEqual([10]);
  });

  it('update @set adds the source to a dynamic set, whose element expires after the timeout', () => {
    const h = host([
      'add table ip t',
      'add set ip t aff { type ipv4_addr ; flags dynamic,timeout ; timeout 10s ; }',
      'add chain ip t in { type filter hook input priority 0; }',
      'add rule ip t in ip saddr @aff counter',
      'add rule ip t in update @aff { ip saddr }',
    ]);
    h.input(udp('10.0.0.5', 1000, '10.0.0.1', 53), 'eth0');
    expect(counterOf(h, 'ip', 't', 'in')).toEqual([0, -1]);
    h.input(udp('10.0.0.5', 1001, '10.0.0.1', 53), 'eth0');
    expect(counterOf(h, 'ip', 't', 'in')).toEqual([1, -1]);
    h.world.sched.now += 11_000_000;
    h.input(udp('10.0.0.5', 1002, '10.0.0.1', 53), 'eth0');
    expect(counterOf(h, 'ip', 't', 'in')).toEqual([1, -1]);
  });
});

describe('nft_fib', () => {
  // Measured on the kernel (6.18, nft 1.0.6): veth h0 10.0.0.1/24 (peer 10.0.0.5) and h1 192.0.2.1/24,
  // rp_filter 0, these chains; pings from 10.0.0.5 to 10.0.0.1, to 192.0.2.1 and to 10.0.0.255, and one
  // from 192.0.2.7 (an address behind h1) arriving on h0. The counters read 1 / 2, 1, 1, 2, 3.
  const chains = [
    'add table inet t',
    'add chain inet t pre { type filter hook prerouting priority raw; }',
    'add rule inet t pre fib saddr . iif oif missing counter drop',
    'add chain inet t in { type filter hook input priority filter; }',
    'add rule inet t in fib daddr type local counter',
    'add rule inet t in fib daddr . iif type local counter',
    'add rule inet t in fib daddr type broadcast counter',
    'add rule inet t in fib daddr oif missing counter',
    'add rule inet t in fib saddr oifname "eth0" counter',
  ];

  it('drops a source whose route back leaves by another device, and types addresses as the FIB does', () => {
    const h = host(chains);
    expect(h.input(echo('10.0.0.5', '10.0.0.1'), 'eth0')).not.toBeNull();
    expect(h.input(echo('10.0.0.5', '192.0.2.1'), 'eth0')).not.toBeNull();
    expect(h.input(echo('192.0.2.7', '10.0.0.1'), 'eth0')).toBeNull();
    expect(h.input(echo('10.0.0.5', '10.0.0.255'), 'eth0')).not.toBeNull();
    expect(counterOf(h, 'inet', 't', 'pre')).toEqual([1]);
    // local: both of the host's addresses, but on eth0 only its own; 10.0.0.255 is broadcast; a local
    // destination has no output device (RTN_LOCAL), a broadcast one has; every source routes back by eth0.
    expect(counterOf(h, 'inet', 't', 'in')).toEqual([2, 1, 1, 2, 3]);
  });

  it('lists as nft does', () => {
    const h = host(chains);
    expect(h.sh('nft list chain inet t pre')).toContain(
      '\t\tfib saddr . iif oif missing counter packets 0 bytes 0 drop',
    );
  });
});
