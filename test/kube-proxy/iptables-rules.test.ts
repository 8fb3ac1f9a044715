/**
 * kube-proxy's iptables mode against kube-proxy's own expectations: the Services and
 * EndpointSlices of TestOverallIPTablesRules (kubernetes/kubernetes,
 * pkg/proxy/iptables/proxier_test.go, release 1.33) and the iptables-restore input that test
 * expects, verbatim in test/fixtures/kube-proxy/overall-iptables.txt. The fake proxier of that
 * test runs with --cluster-cidr 10.0.0.0/8, localhost NodePorts, nfacct counters and an
 * iptables without --random-fully; the options below say the same.
 *
 * Rules are compared as kube-proxy's assertIPTablesRulesEqual does: chain declarations as a
 * set, each chain's rules in order, except that the rules of the chains every Service writes
 * into (its map iteration order is random) are compared sorted, the NodePorts jump last.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { iptablesModeWrites } from '../../src/engine/controllers/kube-proxy-iptables';
import { fakeProxier, overallServices } from './overall';

/** The ServicePort-ordered chains: kube-proxy's own tests sort these. */
const UNORDERED = new Set([
  'KUBE-SERVICES',
  'KUBE-NODEPORTS',
  'KUBE-EXTERNAL-SERVICES',
  'KUBE-PROXY-FIREWALL',
]);

/** {table: {chains: sorted declarations, rules: chain -> rules}} */
export function normalize(
  restore: string,
): Record<string, { chains: string[]; rules: Record<string, string[]> }> {
  const out: Record<string, { chains: string[]; rules: Record<string, string[]> }> = {};
  let table = '';
  for (const line of restore.split('\n').map((l) => l.trim())) {
    if (line.startsWith('*')) out[(table = line.slice(1))] = { chains: [], rules: {} };
    else if (line.startsWith(':')) out[table]!.chains.push(line);
    else if (line.startsWith('-A ')) {
      const chain = line.split(' ')[1]!;
      (out[table]!.rules[chain] ??= []).push(line);
    }
  }
  for (const t of Object.values(out)) {
    t.chains.sort();
    for (const [chain, rules] of Object.entries(t.rules)) {
      if (!UNORDERED.has(chain)) continue;
      const last = rules.filter((r) => r.includes('NOTE: this must be the last rule'));
      t.rules[chain] = [...rules.filter((r) => !last.includes(r)).sort(), ...last];
    }
  }
  return out;
}

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/kube-proxy/${name}`, import.meta.url), 'utf8');

describe('kube-proxy iptables mode: TestOverallIPTablesRules', () => {
  const got = normalize(iptablesModeWrites(overallServices, fakeProxier).restore!);
  const want = normalize(fixture('overall-iptables.txt'));

  it('declares the same chains in filter and nat', () => {
    expect(got.filter!.chains).toEqual(want.filter!.chains);
    expect(got.nat!.chains).toEqual(want.nat!.chains);
  });

  for (const table of ['filter', 'nat'])
    it(`writes every ${table} chain rule for rule`, () => {
      expect(Object.keys(got[table]!.rules).sort()).toEqual(Object.keys(want[table]!.rules).sort());
      for (const chain of Object.keys(want[table]!.rules))
        expect({ chain, rules: got[table]!.rules[chain] }).toEqual({
          chain,
          rules: want[table]!.rules[chain],
        });
    });
});
