/**
 * docker-nftables-host (catalog entry, in the style of SCENARIOS.md):
 *
 * **docker-nftables-host.yaml**: `host1` eth0 192.168.145.128/24, default via `gw` 192.168.145.2 (which routes to
 * `web` 203.0.113.10); docker0 172.17.0.1/16, container `c1` 172.17.0.2 started with `-p 8080:80`. Before dockerd,
 * the admin wrote host1's firewall with nft: `table inet filter`, chain forward (type filter hook forward priority
 * filter; policy drop) accepting `ct state established,related` and `iifname "docker0" oifname "eth0"`. dockerd's
 * own rules are iptables (filter FORWARD, DOCKER, nat PREROUTING/POSTROUTING) at the same hooks, at priority filter
 * too: both base chains run at forward, and a packet goes on only if each accepts it.
 * - `c1-to-web`: **must**: accepted at host1's forward hook by Docker's `-A FORWARD -i docker0 ! -o docker0 -j
 *   ACCEPT` and by the admin's `iifname "docker0" oifname "eth0" accept`; MASQUERADE by Docker's POSTROUTING rule
 *   (source 192.168.145.128 on eth0, TTL 63); the reply is ESTABLISHED in both chains.
 * - `web-to-c1-hostport-dropped` (`nc -z -w 2`): **must**: DNAT to 172.17.0.2:80 by Docker's DOCKER chain, accepted
 *   by Docker's FORWARD, then dropped by inet filter forward's policy (NETFILTER_DROP); nothing reaches docker0;
 *   web sends its SYN twice (the retransmission after the initial 1 s RTO) and gets no answer.
 * - `web-to-c1-hostport-opened` (`before: nft add rule inet filter forward ct status dnat accept`): **must**:
 *   accepted by `ct status dnat accept`; c1 sees source 203.0.113.10; the reply leaves host1's eth0 from
 *   192.168.145.128:8080.
 *
 * All three agree frame by frame with the kernel (`npm run conformance scenarios/docker-nftables-host.yaml`),
 * whose iptables is iptables-nft: there Docker's rules are nf_tables chains too.
 */
import { describe, expect, it } from 'vitest';
import type { Capture, Trace } from '../../src/engine';
import { ip, trace } from '../helpers';

const tcp = (c: Capture) =>
  c.layers.find((l) => l.proto === 'tcp') as { flags: string; sport: number; dport: number } | undefined;
const frames = (t: Trace, netns: string, iface: string, dir: 'tx' | 'rx', flags: string) =>
  t.captures.filter(
    (c) => c.netns === netns && c.interface === iface && c.direction === dir && tcp(c)?.flags === flags,
  );
const decidedAt = (t: Trace, table: 'nftables' | 'iptables', row: string) =>
  t.events.filter(
    (e) => e.netns === 'host1' && e.decidedBy?.table === table && e.decidedBy.row.trim() === row,
  );

describe('docker-nftables-host: c1-to-web', () => {
  const t = trace('docker-nftables-host', 'c1-to-web');

  it("is accepted at the forward hook by Docker's chain and by the admin's", () => {
    expect(t.verdict).toBe('delivered');
    const docker = decidedAt(t, 'iptables', '-A FORWARD -i docker0 ! -o docker0 -j ACCEPT');
    const admin = decidedAt(t, 'nftables', 'iifname "docker0" oifname "eth0" accept');
    // Docker's rule is stateless (every packet from docker0 out); the admin's sits after its ct state rule.
    expect(docker.length).toBeGreaterThan(0);
    expect(admin).toHaveLength(1);
    expect(admin[0]!.explain.args).toMatchObject({ hook: 'FORWARD', table: 'inet filter', chain: 'forward' });
    // Same priority (filter, 0): nf_hook_entries_grow puts a later registration before earlier ones of equal
    // priority, so dockerd's chain, registered after the admin's, runs first.
    expect(docker[0]!.step).toBeLessThan(admin[0]!.step);
  });

  it("is masqueraded by Docker's rule, and its reply is ESTABLISHED in both chains", () => {
    expect(
      decidedAt(t, 'iptables', '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE'),
    ).toHaveLength(1);
    expect(ip(frames(t, 'host1', 'eth0', 'tx', 'S')[0]!)).toMatchObject({ src: '192.168.145.128', ttl: 63 });
    expect(decidedAt(t, 'nftables', 'ct state established,related accept').length).toBeGreaterThan(0);
    expect(ip(frames(t, 'c1', 'eth0', 'rx', 'S.')[0]!)).toMatchObject({
      src: '203.0.113.10',
      dst: '172.17.0.2',
    });
  });
});

describe('docker-nftables-host: web-to-c1-hostport-dropped', () => {
  const t = trace('docker-nftables-host', 'web-to-c1-hostport-dropped');

  it("is DNATed and accepted by Docker, then dropped by the admin's forward policy", () => {
    expect(t.verdict).not.toBe('delivered');
    expect(
      decidedAt(
        t,
        'iptables',
        '-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80',
      ),
      // Twice: the first SYN was dropped before conntrack confirmed it, so the retransmission is NEW again.
    ).toHaveLength(2);
    expect(
      decidedAt(
        t,
        'iptables',
        '-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT',
      ),
    ).not.toHaveLength(0);
    const drop = t.events.find((e) => e.kind === 'drop')!;
    expect(drop).toMatchObject({ netns: 'host1', reason: 'NETFILTER_DROP' });
    expect(drop.explain.code).toBe('drop.nft-policy');
    expect(drop.decidedBy?.row.trim()).toBe('type filter hook forward priority filter; policy drop;');
  });

  it('never reaches docker0; web sends its SYN twice and hears nothing', () => {
    expect(
      t.captures.some((c) => c.netns === 'c1' || (c.netns === 'host1' && c.interface === 'docker0')),
    ).toBe(false);
    const syns = frames(t, 'web', 'eth0', 'tx', 'S');
    expect(syns).toHaveLength(2);
    // TCP_TIMEOUT_INIT (1 s) on the timer wheel: 4 to 32 ms late at HZ=250 (the kernel: 1.02 s).
    const gapMs = (syns[1]!.time - syns[0]!.time) / 1000;
    expect(gapMs).toBeGreaterThan(1000);
    expect(gapMs).toBeLessThanOrEqual(1032);
    expect(frames(t, 'web', 'eth0', 'rx', 'S.')).toHaveLength(0);
  });
});

describe('docker-nftables-host: web-to-c1-hostport-opened', () => {
  const t = trace('docker-nftables-host', 'web-to-c1-hostport-opened');

  it('is accepted by ct status dnat; c1 sees web, web sees host1:8080', () => {
    expect(t.verdict).toBe('delivered');
    expect(decidedAt(t, 'nftables', 'ct status dnat accept')).toHaveLength(1);
    expect(ip(frames(t, 'c1', 'eth0', 'rx', 'S')[0]!)).toMatchObject({
      src: '203.0.113.10',
      dst: '172.17.0.2',
    });
    const synack = frames(t, 'host1', 'eth0', 'tx', 'S.')[0]!;
    expect(ip(synack)).toMatchObject({ src: '192.168.145.128', dst: '203.0.113.10' });
    expect(tcp(synack)?.sport).toBe(8080);
  });
});
