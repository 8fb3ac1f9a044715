/**
 * kube-proxy's nftables mode as text, against TestOverallNFTablesRules
 * (kubernetes/kubernetes pkg/proxy/nftables/proxier_test.go): the same Services, and its
 * fake proxier's --nodeport-addresses 192.168.0.2/32 and service CIDR 172.30.0.0/16. The
 * expected transaction is verbatim in test/fixtures/kube-proxy/overall-nftables.txt.
 * Compared as knftables' fake does: each chain's rules in order, everything else as a set.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nftablesModeRuleset } from '../../src/engine/controllers/kube-proxy-nftables';
import { fakeProxier, overallServices } from './overall';
import { runCommand } from '../../src/engine/commands/index';
import { World } from '../../src/engine/kernel/world';
import { ipOfSkb, l4OfSkb, nfHost, tcp } from '../nf-test-kit';
import { normalizeNft as normalize } from './normalize';

describe('kube-proxy nftables mode: TestOverallNFTablesRules', () => {
  const o = { ...fakeProxier, mode: 'iptables' as const, nodePortAddresses: ['192.168.0.2/32'] };
  const got = normalize(nftablesModeRuleset(overallServices, o, { serviceCIDRs: '172.30.0.0/16' }));
  const want = normalize(
    readFileSync(new URL('../fixtures/kube-proxy/overall-nftables.txt', import.meta.url), 'utf8'),
  );

  it('declares the same table, sets, maps, chains and elements', () => {
    expect(got.other).toEqual(want.other);
  });

  it('writes every chain rule for rule', () => {
    expect(Object.keys(got.rules).sort()).toEqual(Object.keys(want.rules).sort());
    for (const chain of Object.keys(want.rules))
      expect({ chain, rules: got.rules[chain] }).toEqual({ chain, rules: want.rules[chain] });
  });
});

/**
 * The same transaction loaded with `nft -f` and listed back. overall-nftables.list is what the
 * real nft 1.0.6 printed (`nft list ruleset`) in a scratch network namespace after loading this
 * text: table and set comments, concatenated verdict maps sorted as nft sorts them, the
 * dynamic affinity set's default size, `mark set mark or 0x4000` decoded as
 * `meta mark set meta mark | 0x00004000`, and the one-element set printed as a value.
 */
describe('kube-proxy nftables mode: loaded with nft -f', () => {
  it('lists as the real nft listed the same transaction', () => {
    const o = { ...fakeProxier, mode: 'iptables' as const, nodePortAddresses: ['192.168.0.2/32'] };
    const world = new World('nft-overall');
    const machine = world.addMachine('h');
    const ctx = { world, machine, ns: machine.root, origin: 'test' };
    const text = nftablesModeRuleset(overallServices, o, { serviceCIDRs: '172.30.0.0/16' });
    runCommand({ ...ctx, stdin: text }, 'nft -f -');
    const want = readFileSync(
      new URL('../fixtures/kube-proxy/overall-nftables.list', import.meta.url),
      'utf8',
    );
    expect(`${runCommand(ctx, 'nft list ruleset').output}\n`).toBe(want);
  });
});

/**
 * Session affinity in nftables mode (svc5, sessionAffinity ClientIP): the endpoint chain adds
 * the client to the endpoint's dynamic set (`update @affinity-... { ip saddr }`, timeout
 * 10800s), and the service chain's `ip saddr @affinity-... goto endpoint-...` takes the next
 * connection from that client straight there, before the numgen choice.
 */
describe('kube-proxy nftables mode: session affinity', () => {
  it("records the client in the endpoint's affinity set for 10800 seconds, and DNATs to it", () => {
    const o = { ...fakeProxier, mode: 'iptables' as const, nodePortAddresses: ['192.168.0.2/32'] };
    const h = nfHost();
    const text = nftablesModeRuleset(overallServices, o, { serviceCIDRs: '172.30.0.0/16' });
    runCommand({ world: h.world, machine: h.machine, ns: h.ns, origin: 'test', stdin: text }, 'nft -f -');
    const set = h.ns
      .nftables!.table('ip', 'kube-proxy')!
      .sets.get('affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80')!;
    expect(set.elems).toEqual([]);
    const first = h.hook('PREROUTING', tcp('10.0.0.5', 40000, '172.30.0.45', 80), { in: 'eth0' });
    expect(ipOfSkb(first!)?.dst).toBe('10.180.0.3');
    expect(set.elems.map((e) => [e.text, e.expires])).toEqual([['10.0.0.5', 10800 * 1_000_000]]);
    expect(h.sh('nft list set ip kube-proxy affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80')).toContain(
      'elements = { 10.0.0.5',
    );
    const second = h.hook('PREROUTING', tcp('10.0.0.5', 40001, '172.30.0.45', 80), { in: 'eth0' });
    expect(ipOfSkb(second!)?.dst).toBe('10.180.0.3');
    expect(l4OfSkb(second!)).toMatchObject({ dport: 80 });
  });
});

/**
 * The IPv6 proxier's --nodeport-addresses (proxyutil.NewNodePortAddresses(family, ...)): it
 * keeps the CIDRs of its own family, and with none left matches every address ("::/0") even
 * though IPv4 CIDRs were given; setupNFTables then writes noLocalhost, `ip6 daddr != ::1`.
 * Session affinity's sets hold ipv6_addr and are updated with `ip6 saddr`.
 */
describe('kube-proxy nftables mode: the IPv6 proxier', () => {
  const svc = {
    namespace: 'ns1',
    name: 'svc6',
    type: 'NodePort' as const,
    externalTrafficPolicy: 'Cluster' as const,
    clusterIP: 'fd00:30::41',
    sessionAffinity: 'ClientIP' as const,
    ports: [{ name: 'p80', port: 80, targetPort: 80, protocol: 'TCP' as const, nodePort: 3001 }],
    endpoints: [{ ip: 'fd00:180::1' }],
  };
  const o = {
    ...fakeProxier,
    mode: 'nftables' as const,
    ipFamily: 6 as const,
    clusterCIDR: '10.0.0.0/8,fd00:180::/48',
    nodeIP: 'fd00:1::11',
    nodeIPs: ['fd00:1::11', 'fd00:2::11'],
  };

  it('matches every address when --nodeport-addresses has only IPv4 CIDRs', () => {
    const text = nftablesModeRuleset([svc], { ...o, nodePortAddresses: ['192.168.0.2/32'] });
    expect(text).not.toContain('nodeport-ips');
    expect(text).toContain(
      'add rule ip6 kube-proxy nodeport-endpoints-check ip6 daddr != ::1 meta l4proto . th dport vmap @no-endpoint-nodeports',
    );
  });

  it('fills nodeport-ips with the node addresses inside its IPv6 CIDRs', () => {
    const text = nftablesModeRuleset([svc], { ...o, nodePortAddresses: ['192.168.0.2/32', 'fd00:1::/64'] });
    expect(text).toContain('add set ip6 kube-proxy nodeport-ips { type ipv6_addr ;');
    expect(text).toContain('add element ip6 kube-proxy nodeport-ips { fd00:1::11 }');
    expect(text).not.toContain('fd00:2::11');
  });

  it('keeps affinity in ipv6_addr sets, and nft loads the table', () => {
    const text = nftablesModeRuleset([svc], o);
    expect(text).toMatch(
      /add set ip6 kube-proxy affinity-\S+__fd00\.180\.\.1\/80 \{ type ipv6_addr ; flags dynamic,timeout ;/,
    );
    expect(text).toMatch(/ip6 saddr @affinity-\S+ goto endpoint-/);
    expect(text).toContain('{ ip6 saddr }');
    const h = nfHost();
    runCommand({ world: h.world, machine: h.machine, ns: h.ns, origin: 'test', stdin: text }, 'nft -f -');
    expect(h.sh('nft list table ip6 kube-proxy')).toContain('dnat to [fd00:180::1]:80');
  });
});
