/**
 * nftables-gateway (catalog entry, in the style of SCENARIOS.md):
 *
 * **nftables-gateway.yaml**: gateway `gw` eth0 192.168.10.1/24 (LAN: `laptop` .20, `nas` .30), eth1 198.51.100.2/24
 * (outside: `web` 198.51.100.10, which routes 192.168.10.0/24 via gw). gw's ruleset is nft: `table inet filter`
 * (input and forward base chains, policy drop, set @trusted = { 192.168.10.20 }) and `table ip nat` (prerouting
 * dstnat: tcp dport 8080 on eth1 -> 192.168.10.30:80; postrouting srcnat: masquerade out of eth1).
 * - `laptop-to-web`: **must**: accepted by `iifname "eth0" oifname "eth1" accept` in forward; source 198.51.100.2 on
 *   gw's eth1 (masquerade), TTL 63; the reply is ESTABLISHED in forward and de-NATed back to 192.168.10.20.
 * - `web-to-nas-port-forward`: **must**: DNAT to 192.168.10.30:80 in prerouting; forward accepts it by `ct status dnat`;
 *   the nas sees source 198.51.100.10 (no SNAT); the reply leaves gw's eth1 from 198.51.100.2:8080.
 * - `laptop-ssh-gw`: **must**: input accepts it by `ip saddr @trusted tcp dport 22 accept`; the handshake completes.
 * - `nas-dns-gw-dropped`: **must**: dropped in gw's INPUT by the input chain's policy drop (NETFILTER_DROP); no reply.
 * - `web-ping-laptop-dropped`: **must**: routed by gw, then dropped in FORWARD by the forward chain's policy; never
 *   leaves gw's eth0.
 *
 * All five agree frame by frame with the kernel (`npm run conformance scenarios/nftables-gateway.yaml`).
 */
import { describe, expect, it } from 'vitest';
import type { Capture, Trace } from '../../src/engine';
import { ip, trace } from '../helpers';

const tcp = (c: Capture) =>
  c.layers.find((l) => l.proto === 'tcp') as { flags: string; sport: number; dport: number } | undefined;
const first = (t: Trace, netns: string, iface: string, dir: 'tx' | 'rx', flags: string) =>
  t.captures.find(
    (c) => c.netns === netns && c.interface === iface && c.direction === dir && tcp(c)?.flags === flags,
  );
const decided = (t: Trace, netns: string, row: string) =>
  t.events.filter(
    (e) => e.netns === netns && e.decidedBy?.table === 'nftables' && e.decidedBy.row.trim() === row,
  );

describe('nftables-gateway: laptop-to-web', () => {
  const t = trace('nftables-gateway', 'laptop-to-web');

  it('is delivered, accepted by the forward rule for new connections out of the LAN', () => {
    expect(t.verdict).toBe('delivered');
    expect(decided(t, 'gw', 'iifname "eth0" oifname "eth1" accept')).toHaveLength(1);
  });

  it('is masqueraded to 198.51.100.2 on eth1 and de-NATed on the way back', () => {
    expect(ip(first(t, 'gw', 'eth1', 'tx', 'S')!)).toMatchObject({ src: '198.51.100.2', ttl: 63 });
    expect(decided(t, 'gw', 'oifname "eth1" masquerade')).toHaveLength(1);
    expect(ip(first(t, 'laptop', 'eth0', 'rx', 'S.')!)).toMatchObject({
      src: '198.51.100.10',
      dst: '192.168.10.20',
    });
    expect(decided(t, 'gw', 'ct state established,related accept').length).toBeGreaterThan(0);
  });
});

describe('nftables-gateway: web-to-nas-port-forward', () => {
  const t = trace('nftables-gateway', 'web-to-nas-port-forward');

  it('is DNATed to the nas and accepted in forward by its ct status', () => {
    expect(t.verdict).toBe('delivered');
    expect(decided(t, 'gw', 'iifname "eth1" tcp dport 8080 dnat to 192.168.10.30:80')).toHaveLength(1);
    expect(decided(t, 'gw', 'iifname "eth1" ct status dnat accept')).toHaveLength(1);
    const syn = first(t, 'nas', 'eth0', 'rx', 'S')!;
    expect(ip(syn)).toMatchObject({ src: '198.51.100.10', dst: '192.168.10.30' });
    expect(tcp(syn)?.dport).toBe(80);
  });

  it('has its reply leave gw from 198.51.100.2:8080', () => {
    const synack = first(t, 'gw', 'eth1', 'tx', 'S.')!;
    expect(ip(synack)).toMatchObject({ src: '198.51.100.2', dst: '198.51.100.10' });
    expect(tcp(synack)?.sport).toBe(8080);
  });
});

describe('nftables-gateway: input', () => {
  it('accepts ssh from a host in @trusted', () => {
    const t = trace('nftables-gateway', 'laptop-ssh-gw');
    expect(t.verdict).toBe('delivered');
    expect(decided(t, 'gw', 'ip saddr @trusted tcp dport 22 accept')).toHaveLength(1);
    expect(first(t, 'laptop', 'eth0', 'rx', 'S.')).toBeDefined();
  });

  it("drops what no rule accepts by the input chain's policy", () => {
    const t = trace('nftables-gateway', 'nas-dns-gw-dropped');
    expect(t.verdict).not.toBe('delivered');
    const drop = t.events.find((e) => e.kind === 'drop')!;
    expect(drop).toMatchObject({ netns: 'gw', reason: 'NETFILTER_DROP' });
    expect(drop.explain.code).toBe('drop.nft-policy');
    expect(drop.decidedBy?.row.trim()).toBe('type filter hook input priority filter; policy drop;');
    expect(t.captures.some((c) => c.netns === 'nas' && c.direction === 'rx' && ip(c))).toBe(false);
  });
});

describe('nftables-gateway: web-ping-laptop-dropped', () => {
  const t = trace('nftables-gateway', 'web-ping-laptop-dropped');

  it("is routed by gw, then dropped by the forward chain's policy before eth0", () => {
    expect(t.verdict).not.toBe('delivered');
    const drop = t.events.find((e) => e.kind === 'drop')!;
    expect(drop).toMatchObject({ netns: 'gw', reason: 'NETFILTER_DROP' });
    expect(drop.explain.args).toMatchObject({ hook: 'FORWARD', table: 'inet filter', chain: 'forward' });
    expect(
      t.captures.some((c) => c.netns === 'gw' && c.interface === 'eth0' && c.direction === 'tx' && ip(c)),
    ).toBe(false);
  });
});
