/**
 * kube-proxy's iptables mode against kube-proxy's own expectations: the Services and
 * EndpointSlices of TestOverallIPTablesRules (kubernetes/kubernetes,
 * pkg/proxy/iptables/proxier_test.go, release 1.33) and the iptables-restore input that test
 * expects, verbatim in test/fixtures/kube-proxy/overall-iptables.txt. The fake proxier of that
 * test runs with --cluster-cidr 10.0.0.0/8, localhost NodePorts, nfacct counters and an
 * iptables without --random-fully; the options below say the same.
 *
 * Rules are compared as kube-proxy's assertIPTablesRulesEqual does (./normalize).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { iptablesModeWrites } from '../../src/engine/controllers/kube-proxy-iptables';
import { fakeProxier, overallServices } from './overall';
import { normalize } from './normalize';

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
