/**
 * k8s-service-nftables (catalog entry, in the style of SCENARIOS.md):
 *
 * **k8s-service-nftables.yaml**: the cluster of k8s-service-iptables (node1 192.168.1.11, node2 192.168.1.12, pod
 * CIDRs 10.244.1.0/24 and 10.244.2.0/24 routed between them, both default via 192.168.1.1) with kube-proxy in
 * nftables mode (--cluster-cidr 10.244.0.0/16, ServiceCIDR 10.96.0.0/12). Service `web` ClusterIP 10.96.0.100:80,
 * NodePort 30080, endpoints `web-1` 10.244.1.10:8080 (node1) and `web-2` 10.244.2.10:8080 (node2); Service `empty`
 * 10.96.0.20:80 with none. kube-proxy loads the `ip kube-proxy` table with `nft -f -` (pkg/proxy/nftables, 1.33).
 * - `client-to-clusterip` (pod `client` 10.244.1.5, endpoint pinned on node2): **must**: in node1's nat-prerouting
 *   `ip daddr . meta l4proto . th dport vmap @service-ips` goes to web's service chain, whose
 *   `numgen random mod 2` map gives each endpoint 50%; DNAT to 10.244.2.10:8080; no SNAT; the client sees 10.96.0.100:80.
 * - `pod-to-itself-via-service`: **must**: `ip saddr 10.244.1.10 jump mark-for-masquerade`, then
 *   `masquerade fully-random` in masquerading, so web-1 sees cni0's 10.244.1.1 as the source.
 * - `external-to-nodeport` (ext 192.168.1.100 to 192.168.1.11:30080, endpoint on node2): **must**: found through
 *   `ip daddr @nodeport-ips ... vmap @service-nodeports` (nftables mode's --nodeport-addresses defaults to the
 *   primary node IP, cmd/kube-proxy platformApplyDefaults), marked by the external chain, DNATed and
 *   masqueraded to node1's 192.168.1.11.
 * - `client-to-service-without-endpoints`: **must**: no DNAT; FORWARD's service-endpoints-check finds
 *   10.96.0.20 . tcp . 80 in @no-endpoint-services and goes to reject-chain: ICMP port unreachable to the client.
 * - `client-to-clusterip-wrong-port` (10.96.0.100:81): **must**: rejected by cluster-ips-check
 *   ("Reject traffic to invalid ports of ClusterIPs") with ICMP port unreachable.
 *
 * Chain names are recomputed here as kube-proxy's hashAndTruncate does (base32 of SHA-256, first 8 characters,
 * with Node's own crypto), not read back from the engine. All five flows agree frame by frame with the kernel
 * (`npm run conformance scenarios/k8s-service-nftables.yaml`, real nft 1.0.6 loading the same table).
 */
import { describe, expect, it } from 'vitest';
import type { Capture, Trace } from '../../src/engine';
import { finalRows, ip, trace } from '../helpers';
import { kubeHash } from '../kube-proxy/hash';

const tcp = (c: Capture) =>
  c.layers.find((l) => l.proto === 'tcp') as { flags: string; sport: number; dport: number } | undefined;
const icmp = (c: Capture) =>
  c.layers.find((l) => l.proto === 'icmp') as { type: number; code: number } | undefined;

/** hashAndTruncate: base32(sha256(name))[:8] + "-" + name (the same base32 as portProtoHash's). */
const hashed = (name: string): string => `${kubeHash(name).slice(0, 8)}-${name}`;

const svcChain = `service-${hashed('default/web/tcp/http')}`;
const epChain = (ip: string) => `endpoint-${hashed(`default/web/tcp/http__${ip}/8080`)}`;

/** Every nft rule the packets met in `netns`, with whether it matched. */
const met = (t: Trace, netns: string) =>
  t.events
    .filter((e) => e.netns === netns)
    .flatMap((e) => e.traversed ?? [])
    .filter((r) => r.table === 'ip kube-proxy')
    .map((r) => ({ chain: r.chain, row: r.row.trim(), matched: r.matched }));

describe('k8s-service-nftables: client-to-clusterip', () => {
  const t = trace('k8s-service-nftables', 'client-to-clusterip');

  it('is delivered, DNATed in PREROUTING by the endpoint chain of web-2', () => {
    expect(t.verdict).toBe('delivered');
    const dnat = t.events.find((e) => e.kind === 'nat' && e.explain.code === 'nat.dnat')!;
    expect(dnat.netns).toBe('node1');
    expect(dnat.explain.args).toMatchObject({
      hook: 'PREROUTING',
      from: '10.96.0.100:80',
      to: '10.244.2.10:8080',
    });
    expect(met(t, 'node1')).toContainEqual({
      chain: epChain('10.244.2.10'),
      row: 'meta l4proto tcp dnat to 10.244.2.10:8080',
      matched: true,
    });
  });

  it('finds the Service with one verdict-map lookup, and numgen gives each endpoint even odds', () => {
    expect(met(t, 'node1')).toContainEqual({
      chain: 'services',
      row: 'ip daddr . meta l4proto . th dport vmap @service-ips',
      matched: true,
    });
    const rows = finalRows(t, 'node1', 'nftables').map((r) => r.trim());
    expect(rows).toContain(
      `numgen random mod 2 vmap { 0 : goto ${epChain('10.244.1.10')}, 1 : goto ${epChain('10.244.2.10')} }`,
    );
    expect(rows.join('\n')).toContain(`10.96.0.100 . tcp . 80 : goto ${svcChain}`);
    const choice = t.events.find((e) => e.explain.code === 'nf.endpoint')!;
    expect(choice.explain.args).toMatchObject({
      endpoint: '10.244.2.10:8080',
      odds: '10.244.1.10:8080 50%, 10.244.2.10:8080 50%',
    });
  });

  it('does not masquerade a pod inside the cluster CIDR; the client only sees 10.96.0.100:80', () => {
    expect(met(t, 'node1')).toContainEqual({
      chain: svcChain,
      row: 'ip daddr 10.96.0.100 ip saddr != 10.244.0.0/16 jump mark-for-masquerade',
      matched: false,
    });
    expect(t.events.some((e) => e.netns === 'node1' && e.explain.code === 'nat.snat')).toBe(false);
    const wire = t.captures.find(
      (c) => c.netns === 'node1' && c.interface === 'eth0' && c.direction === 'tx' && tcp(c)?.flags === 'S',
    )!;
    expect(ip(wire)).toMatchObject({ src: '10.244.1.5', dst: '10.244.2.10' });
    const back = t.captures.filter((c) => c.netns === 'client' && c.direction === 'rx' && tcp(c));
    expect(back.length).toBeGreaterThan(0);
    for (const c of back) expect([ip(c)?.src, tcp(c)?.sport]).toEqual(['10.96.0.100', 80]);
  });
});

describe('k8s-service-nftables: pod-to-itself-via-service', () => {
  const t = trace('k8s-service-nftables', 'pod-to-itself-via-service');

  it('marks the hairpin connection and masquerades it fully-random, so web-1 sees 10.244.1.1', () => {
    expect(t.verdict).toBe('delivered');
    const rules = met(t, 'node1');
    expect(rules).toContainEqual({
      chain: epChain('10.244.1.10'),
      row: 'ip saddr 10.244.1.10 jump mark-for-masquerade',
      matched: true,
    });
    expect(rules).toContainEqual({
      chain: 'masquerading',
      row: 'meta mark & 0x00004000 == 0x00000000 return',
      matched: false,
    });
    expect(rules).toContainEqual({ chain: 'masquerading', row: 'masquerade fully-random', matched: true });
    const syn = t.captures.find((c) => c.netns === 'web-1' && c.direction === 'rx' && tcp(c)?.flags === 'S')!;
    expect(ip(syn)).toMatchObject({ src: '10.244.1.1', dst: '10.244.1.10' });
  });
});

describe('k8s-service-nftables: external-to-nodeport', () => {
  const t = trace('k8s-service-nftables', 'external-to-nodeport');

  it('is found in @service-nodeports, marked by the external chain, DNATed and masqueraded to node1', () => {
    expect(t.verdict).toBe('delivered');
    const rules = met(t, 'node1');
    expect(rules).toContainEqual({
      chain: 'services',
      row: 'ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports',
      matched: true,
    });
    expect(rules).toContainEqual({
      chain: `external-${hashed('default/web/tcp/http')}`,
      row: 'jump mark-for-masquerade',
      matched: true,
    });
    const syn = t.captures.find((c) => c.netns === 'web-2' && c.direction === 'rx' && tcp(c)?.flags === 'S')!;
    expect(ip(syn)).toMatchObject({ src: '192.168.1.11', dst: '10.244.2.10' });
    expect(tcp(syn)?.dport).toBe(8080);
  });
});

describe('k8s-service-nftables: Services that answer with a reject', () => {
  const refused = (t: Trace) =>
    t.captures.find((c) => c.netns === 'client' && c.direction === 'rx' && icmp(c));

  it('a Service without endpoints is rejected from @no-endpoint-services through reject-chain', () => {
    const t = trace('k8s-service-nftables', 'client-to-service-without-endpoints');
    expect(t.verdict).toBe('dropped');
    const drop = t.events.find((e) => e.kind === 'drop')!;
    expect(drop.netns).toBe('node1');
    expect(drop.explain.args).toMatchObject({ hook: 'FORWARD', chain: 'reject-chain', rule: 'reject' });
    expect(met(t, 'node1')).toContainEqual({
      chain: 'service-endpoints-check',
      row: 'ip daddr . meta l4proto . th dport vmap @no-endpoint-services',
      matched: true,
    });
    expect(finalRows(t, 'node1', 'nftables').join('\n')).toContain(
      '10.96.0.20 . tcp . 80 comment "default/empty:http" : goto reject-chain',
    );
    expect(t.events.some((e) => e.explain.code === 'nat.dnat')).toBe(false);
    expect(icmp(refused(t)!)).toMatchObject({ type: 3, code: 3 });
    expect(t.captures.some((c) => c.netns === 'node1' && c.interface === 'eth0' && tcp(c))).toBe(false);
  });

  it('a ClusterIP on a port the Service lacks is rejected by cluster-ips-check', () => {
    const t = trace('k8s-service-nftables', 'client-to-clusterip-wrong-port');
    expect(t.verdict).toBe('dropped');
    const drop = t.events.find((e) => e.kind === 'drop')!;
    expect(drop.explain.args).toMatchObject({
      hook: 'FORWARD',
      chain: 'cluster-ips-check',
      rule: 'ip daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"',
    });
    expect(icmp(refused(t)!)).toMatchObject({ type: 3, code: 3 });
  });
});
