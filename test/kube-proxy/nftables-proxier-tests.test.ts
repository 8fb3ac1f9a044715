/**
 * The other tests of kube-proxy's nftables mode that assert the whole `ip kube-proxy` table
 * (pkg/proxy/nftables/proxier_test.go, kubernetes 1.33), besides TestOverallNFTablesRules
 * (./nftables-rules.test.ts): TestBadIPs, the twelve syncs of TestSyncProxyRulesRepeated and
 * TestSyncProxyRulesStartup. Their Services reach the IPv4 proxier as the scenario builder
 * hands them over (proxiedServices, familyView); their fake proxier is ./overall's with
 * --nodeport-addresses 192.168.0.2/32 and service CIDR 172.30.0.0/16; each expected table is
 * verbatim in test/fixtures/kube-proxy/: the test's baseRules (nft-base-rules.txt) followed by the
 * Services' part (badips-nftables.txt, repeated-nftables-N.txt, startup-nftables.txt).
 *
 * knftables' fake dumps the whole table after each sync, so every step is a full comparison.
 * The one thing kube-proxy keeps from earlier syncs is a stale chain: the chains of a Service
 * port or endpoint that went away are flushed at once but deleted only a second later
 * (staleChains), and the dump still lists them, empty. The model writes the table a sync
 * leaves behind once those are gone; the steps that list stale chains name them, and they are
 * checked to be empty and absent from the model.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { familyView, proxiedServices, type Service } from '../../src/engine/controllers/kube-proxy';
import { nftablesModeRuleset } from '../../src/engine/controllers/kube-proxy-nftables';
import { normalizeNft } from './normalize';
import { fakeProxier } from './overall';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/kube-proxy/${name}`, import.meta.url), 'utf8');

const options = { ...fakeProxier, mode: 'nftables' as const, nodePortAddresses: ['192.168.0.2/32'] };

/** A ClusterIP Service with one TCP port whose targetPort is its port. */
function clusterIP(ns: string, name: string, ip: string, port: number, eps: string[]): Service {
  return {
    namespace: ns,
    name,
    type: 'ClusterIP',
    externalTrafficPolicy: 'Cluster',
    clusterIP: ip,
    ports: [{ name: `p${port}`, port, targetPort: port, protocol: 'TCP' }],
    endpoints: eps.map((e) => ({ ip: e })),
  };
}

function expectTable(services: Service[], name: string, stale: string[] = []): void {
  const got = normalizeNft(
    nftablesModeRuleset(familyView(proxiedServices(services), 4), options, { serviceCIDRs: '172.30.0.0/16' }),
  );
  const want = normalizeNft(fixture('nft-base-rules.txt') + fixture(name));
  const staleLines = stale.map((c) => `add chain ip kube-proxy ${c}`);
  // A stale chain is listed, flushed: declared, with no rule.
  for (const c of stale) expect({ c, rules: want.rules[c] }).toEqual({ c, rules: undefined });
  expect(staleLines.filter((l) => !want.other.includes(l))).toEqual([]);
  expect(got.other.filter((l) => staleLines.includes(l))).toEqual([]);
  expect(got.other).toEqual(want.other.filter((l) => !staleLines.includes(l)));
  expect(Object.keys(got.rules).sort()).toEqual(Object.keys(want.rules).sort());
  for (const chain of Object.keys(want.rules))
    expect({ chain, rules: got.rules[chain] }).toEqual({ chain, rules: want.rules[chain] });
}

describe('kube-proxy nftables mode: TestBadIPs', () => {
  it('writes addresses and CIDRs with leading zeros as kube-proxy normalises them', () => {
    const svc: Service = {
      namespace: 'ns1',
      name: 'svc1',
      type: 'LoadBalancer',
      externalTrafficPolicy: 'Cluster',
      clusterIP: '172.30.0.041',
      ports: [{ name: 'p80', port: 80, targetPort: 80, protocol: 'TCP', nodePort: 3001 }],
      loadBalancerIPs: ['1.2.3.004'],
      externalIPs: ['192.168.099.022'],
      loadBalancerSourceRanges: ['203.0.113.000/025'],
      endpoints: [{ ip: '10.180.00.001' }],
    };
    expectTable([svc], 'badips-nftables.txt');
  });
});

describe('kube-proxy nftables mode: TestSyncProxyRulesRepeated', () => {
  const svc1 = clusterIP('ns1', 'svc1', '172.30.0.41', 80, ['10.0.1.1']);
  const svc2 = clusterIP('ns2', 'svc2', '172.30.0.42', 8080, ['10.0.2.1']);
  const svc3 = (...eps: string[]) => clusterIP('ns3', 'svc3', '172.30.0.43', 80, eps);
  const svc4 = (...eps: string[]) => clusterIP('ns4', 'svc4', '172.30.0.44', 80, eps);
  const both = svc3('10.0.3.2', '10.0.3.3');
  const steps: [string, Service[], string, string[]?][] = [
    ['initial sync', [svc1, svc2], 'repeated-nftables-1.txt'],
    ['svc3 added', [svc1, svc2, svc3('10.0.3.1')], 'repeated-nftables-2.txt'],
    [
      'svc2 deleted',
      [svc1, svc3('10.0.3.1')],
      'repeated-nftables-3.txt',
      ['service-MHHHYRWA-ns2/svc2/tcp/p8080', 'endpoint-7RVP4LUQ-ns2/svc2/tcp/p8080__10.0.2.1/8080'],
    ],
    ["svc2's stale chains deleted", [svc1, svc3('10.0.3.1')], 'repeated-nftables-4.txt'],
    ['svc4 added without endpoints', [svc1, svc3('10.0.3.1'), svc4()], 'repeated-nftables-5.txt'],
    ['svc4 gets an endpoint', [svc1, svc3('10.0.3.1'), svc4('10.0.4.1')], 'repeated-nftables-6.txt'],
    [
      "svc3's endpoint changes",
      [svc1, svc3('10.0.3.2'), svc4('10.0.4.1')],
      'repeated-nftables-7.txt',
      ['endpoint-2OCDJSZQ-ns3/svc3/tcp/p80__10.0.3.1/80'],
    ],
    ['svc3 gets a second endpoint', [svc1, both, svc4('10.0.4.1')], 'repeated-nftables-8.txt'],
    [
      "svc3's endpoints emptied",
      [svc1, svc3(), svc4('10.0.4.1')],
      'repeated-nftables-9.txt',
      [
        'service-4AT6LBPK-ns3/svc3/tcp/p80',
        'endpoint-SWWHDC7X-ns3/svc3/tcp/p80__10.0.3.2/80',
        'endpoint-TQ2QKHCZ-ns3/svc3/tcp/p80__10.0.3.3/80',
      ],
    ],
    // The test expects the same table as in step 8 for each of its last three syncs.
    ["svc3's endpoints restored", [svc1, both, svc4('10.0.4.1')], 'repeated-nftables-8.txt'],
    [
      'emptied and restored after the stale chains aged',
      [svc1, both, svc4('10.0.4.1')],
      'repeated-nftables-8.txt',
    ],
    ['a sync with no changes', [svc1, both, svc4('10.0.4.1')], 'repeated-nftables-8.txt'],
  ];
  steps.forEach(([what, services, file, stale], i) =>
    it(`sync ${i + 1}: ${what}`, () => expectTable(services, file, stale)),
  );
});

describe('kube-proxy nftables mode: TestSyncProxyRulesStartup', () => {
  it('writes the whole table whatever an earlier kube-proxy left in it', () => {
    const svc1 = clusterIP('ns1', 'svc1', '172.30.0.41', 80, ['10.0.1.1', '10.0.1.2']);
    const svc2 = clusterIP('ns2', 'svc2', '172.30.0.42', 8080, ['10.0.2.1']);
    const svc3 = clusterIP('ns3', 'svc3', '172.30.0.43', 80, []);
    expectTable([svc1, svc2, svc3], 'startup-nftables.txt');
  });
});
