/**
 * k8s-service-dualstack-nft: the dual-stack Service of k8s-service-dualstack with kube-proxy in
 * nftables mode. Its two proxiers (NewDualStackProxier) load `table ip kube-proxy` and
 * `table ip6 kube-proxy`; the IPv6 words are pkg/proxy/nftables/proxier.go's (ipX "ip6",
 * ipvX_addr "ipv6_addr", the node's IPv6 address in nodeport-ips, servicePortEndpointChainNameBase
 * turning an IPv6 endpoint's colons into dots, the DNAT target Endpoint.String()'s
 * [addr]:port). node1's listing is compared with what the real nft 1.0.6 listed after loading
 * the same text (test/fixtures/nft/kube-proxy-dualstack.out); chain names are recomputed here
 * with Node's own SHA-256 as hashAndTruncate does, not read back from the engine. The four
 * flows agree with the kernel frame by frame (`npx tsx src/cli/conformance.ts --jobs 1
 * k8s-service-dualstack-nft`: 80/80, 68/68, 40/40 and 16/16 frames; in CI's default run).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCommand, type Trace } from '../../src/engine';
import { icmp6, trace, world } from '../helpers';
import { kubeHash } from '../kube-proxy/hash';

const hashed = (name: string): string => `${kubeHash(name).slice(0, 8)}-${name}`;
const svcChain = `service-${hashed('default/web/tcp/http')}`;
const epChain = (ip: string): string =>
  `endpoint-${hashed(`default/web/tcp/http__${ip.replaceAll(':', '.')}/8080`)}`;

/** Every rule of `table` the packets met in `netns`, with whether it matched. */
const met = (t: Trace, netns: string, table: string) =>
  t.events
    .filter((e) => e.netns === netns)
    .flatMap((e) => e.traversed ?? [])
    .filter((r) => r.table === table)
    .map((r) => ({ chain: r.chain, row: r.row.trim(), matched: r.matched }));

const nats = (t: Trace, code: string) => t.events.filter((e) => e.kind === 'nat' && e.explain.code === code);

describe('k8s-service-dualstack-nft: the two tables kube-proxy loads', () => {
  const { world: w } = world('k8s-service-dualstack-nft');
  const run = (node: string, line: string): string =>
    runCommand({ world: w, machine: w.machines.get(node)!, ns: w.netns.get(node)!, origin: 'test' }, line)
      .output;

  it("lists node1's ruleset as the real nft listed the same two tables", () => {
    const kernel = readFileSync('test/fixtures/nft/kube-proxy-dualstack.out', 'utf8');
    expect(`${run('node1', 'nft list ruleset')}\n`).toBe(kernel);
  });

  // nftables mode takes NodePorts on the node's primary IP of each family by default (kube-proxy's
  // platformApplyDefaults); `ip6 daddr != ::1` appears only when nodePortAddresses match every address
  // (test/kube-proxy/nftables-rules.test.ts).
  it('writes the IPv6 table with ip6 matches, ipv6_addr keys and the node IPv6 address for NodePorts', () => {
    const v6 = run('node1', 'nft list table ip6 kube-proxy');
    expect(v6).toContain('type ipv6_addr . inet_proto . inet_service : verdict');
    expect(v6).toMatch(/set nodeport-ips \{\n\t\ttype ipv6_addr\n[^}]*elements = \{ fd00:1::11 \}/);
    expect(v6).toContain('ip6 daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports');
    expect(v6).toContain('ip6 daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports');
    expect(v6).toContain('ip6 daddr fd00:10:96::/112 drop comment "Drop traffic to unallocated ClusterIPs"');
    expect(v6).toContain('ip6 daddr fd00:10:96::100 ip6 saddr != fd00:10:244::/56 jump mark-for-masquerade');
    expect(v6).not.toMatch(/\bip (saddr|daddr)\b|10\.96\.0\.100/);
  });

  it('names the endpoint chains with the address colons as dots, and DNATs to [addr]:port', () => {
    const v6 = run('node1', 'nft list table ip6 kube-proxy');
    expect(v6).toContain(`chain ${epChain('fd00:10:244:2::2')} {`);
    expect(epChain('fd00:10:244:2::2')).toContain('__fd00.10.244.2..2/8080');
    expect(v6).toContain('meta l4proto tcp dnat to [fd00:10:244:2::2]:8080');
    expect(v6).toContain(`fd00:10:96::100 . tcp . 80 : goto ${svcChain}`);
  });

  it("gives the Service chain the same name in both tables; db's reject is only in ip6", () => {
    const v4 = run('node1', 'nft list table ip kube-proxy');
    const v6 = run('node1', 'nft list table ip6 kube-proxy');
    expect(v4).toContain(`10.96.0.100 . tcp . 80 : goto ${svcChain}`);
    expect(v4).not.toContain('default/db:sql');
    expect(v6).toContain('fd00:10:96::200 . tcp . 5432 comment "default/db:sql" : goto reject-chain');
  });
});

describe('k8s-service-dualstack-nft: client-to-clusterip-ipv6', () => {
  const t = trace('k8s-service-dualstack-nft', 'client-to-clusterip-ipv6');

  it('is found by one lookup in ip6 service-ips and DNATed in PREROUTING to web-2', () => {
    expect(t.verdict).toBe('delivered');
    expect(met(t, 'node1', 'ip6 kube-proxy')).toContainEqual({
      chain: 'services',
      row: 'ip6 daddr . meta l4proto . th dport vmap @service-ips',
      matched: true,
    });
    expect(met(t, 'node1', 'ip6 kube-proxy')).toContainEqual({
      chain: epChain('fd00:10:244:2::2'),
      row: 'meta l4proto tcp dnat to [fd00:10:244:2::2]:8080',
      matched: true,
    });
    const dnat = nats(t, 'nat.dnat')[0]!;
    expect(dnat.netns).toBe('node1');
    expect(dnat.explain.args).toMatchObject({
      hook: 'PREROUTING',
      from: '[fd00:10:96::100]:80',
      to: '[fd00:10:244:2::2]:8080',
    });
  });

  it('is not masqueraded (the source is inside fd00:10:244::/56), and IPv4 rules are not met', () => {
    expect(nats(t, 'nat.snat')).toEqual([]);
    expect(met(t, 'node1', 'ip kube-proxy')).toEqual([]);
  });
});

describe('k8s-service-dualstack-nft: client-to-clusterip-ipv4', () => {
  it('goes through table ip kube-proxy to 10.244.2.10:8080, not through ip6', () => {
    const t = trace('k8s-service-dualstack-nft', 'client-to-clusterip-ipv4');
    expect(t.verdict).toBe('delivered');
    expect(nats(t, 'nat.dnat')[0]!.explain.args).toMatchObject({
      from: '10.96.0.100:80',
      to: '10.244.2.10:8080',
    });
    expect(met(t, 'node1', 'ip kube-proxy')).toContainEqual({
      chain: epChain('10.244.2.10'),
      row: 'meta l4proto tcp dnat to 10.244.2.10:8080',
      matched: true,
    });
    expect(met(t, 'node1', 'ip6 kube-proxy')).toEqual([]);
  });
});

describe('k8s-service-dualstack-nft: pod-to-itself-via-service-ipv6', () => {
  it("marks the hairpin in web-1's endpoint chain and masquerades it to cni0's fd00:10:244:1::1", () => {
    const t = trace('k8s-service-dualstack-nft', 'pod-to-itself-via-service-ipv6');
    expect(t.verdict).toBe('delivered');
    expect(met(t, 'node1', 'ip6 kube-proxy')).toContainEqual({
      chain: epChain('fd00:10:244:1::3'),
      row: 'ip6 saddr fd00:10:244:1::3 jump mark-for-masquerade',
      matched: true,
    });
    const snat = nats(t, 'nat.snat')[0]!;
    expect(snat.explain.args).toMatchObject({ hook: 'POSTROUTING' });
    expect(String(snat.explain.args?.to)).toMatch(/^\[fd00:10:244:1::1\]:/);
  });
});

describe('k8s-service-dualstack-nft: client-to-service-without-endpoints-ipv6', () => {
  const t = trace('k8s-service-dualstack-nft', 'client-to-service-without-endpoints-ipv6');

  it("is sent to reject-chain by @no-endpoint-services in node1's filter-forward, not DNATed", () => {
    expect(t.verdict).toBe('dropped');
    expect(nats(t, 'nat.dnat')).toEqual([]);
    expect(met(t, 'node1', 'ip6 kube-proxy')).toContainEqual({
      chain: 'service-endpoints-check',
      row: 'ip6 daddr . meta l4proto . th dport vmap @no-endpoint-services',
      matched: true,
    });
    expect(met(t, 'node1', 'ip6 kube-proxy')).toContainEqual({
      chain: 'reject-chain',
      row: 'reject',
      matched: true,
    });
  });

  it("answers with ICMPv6 destination unreachable, code 4 (port unreachable), from cni0's address", () => {
    const [err] = icmp6(t, 'client', 'eth0', 'rx', 1);
    expect(err).toBeDefined();
    const ip = err!.layers.find((l) => l.proto === 'ipv6') as { src: string; dst: string };
    const icmp = err!.layers.find((l) => l.proto === 'icmpv6') as { code: number };
    expect(icmp.code).toBe(4);
    expect(ip).toMatchObject({ src: 'fd00:10:244:1::1', dst: 'fd00:10:244:1::2' });
  });
});
