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

function normalize(text: string): { rules: Record<string, string[]>; other: string[] } {
  const rules: Record<string, string[]> = {};
  const other: string[] = [];
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^add rule ip kube-proxy (\S+) /.exec(line);
    if (m) (rules[m[1]!] ??= []).push(line);
    else other.push(line);
  }
  return { rules, other: other.sort() };
}

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
