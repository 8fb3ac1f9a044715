/**
 * The other tests of kube-proxy's iptables mode that assert a whole iptables-restore batch
 * (pkg/proxy/iptables/proxier_test.go, kubernetes 1.33), besides TestOverallIPTablesRules
 * (./iptables-rules.test.ts): TestBadIPs and the nine syncs of TestSyncProxyRulesRepeated.
 * Their Services and EndpointSlices reach the IPv4 proxier as the scenario builder hands them
 * over (proxiedServices, familyView: where kube-proxy's change trackers parse addresses), the
 * fake proxier's options are ./overall's, and each expected batch is verbatim in
 * test/fixtures/kube-proxy/ (badips-iptables.txt, repeated-iptables-N.txt).
 *
 * The model writes every Service's chains on every sync, as kube-proxy's full sync does. A
 * partial sync of kube-proxy rewrites the filter table and the nat base chains whole but
 * only the KUBE-SVC/SEP chains of the Services that changed, and deletes with -X the chains
 * of the Services that went away: a partial batch is compared on the chains it declares
 * (those it did not also delete), and every chain it deletes must be absent from the model.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { familyView, proxiedServices, type Service } from '../../src/engine/controllers/kube-proxy';
import { iptablesModeWrites } from '../../src/engine/controllers/kube-proxy-iptables';
import { normalize, type RestoreTable } from './normalize';
import { fakeProxier } from './overall';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/kube-proxy/${name}`, import.meta.url), 'utf8');

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

/** The chains a batch writes: those it declares and does not delete. */
function written(t: RestoreTable): RestoreTable {
  const gone = new Set(t.deleted);
  const chains = t.chains.filter((c) => !gone.has(c.slice(1).split(' ')[0]!));
  return { chains, rules: t.rules, deleted: [] };
}

/** The model's table restricted to the chains `want` writes. */
function restrictTo(got: RestoreTable, want: RestoreTable): RestoreTable {
  const keep = new Set(want.chains);
  const names = new Set(want.chains.map((c) => c.slice(1).split(' ')[0]!));
  const rules = Object.fromEntries(Object.entries(got.rules).filter(([c]) => names.has(c)));
  return { chains: got.chains.filter((c) => keep.has(c)), rules, deleted: [] };
}

function expectBatch(services: Service[], name: string, partial: boolean): void {
  const got = normalize(iptablesModeWrites(familyView(proxiedServices(services), 4), fakeProxier).restore!);
  const want = normalize(fixture(name));
  for (const table of ['filter', 'nat']) {
    const w = written(want[table]!);
    const g = partial ? restrictTo(got[table]!, w) : got[table]!;
    // A partial batch declares only what it rewrites: every one must be in the model's output.
    expect({ table, chains: g.chains }).toEqual({ table, chains: w.chains });
    expect({ table, rules: g.rules }).toEqual({ table, rules: w.rules });
    const declared = new Set(got[table]!.chains.map((c) => c.slice(1).split(' ')[0]!));
    expect(want[table]!.deleted.filter((c) => declared.has(c))).toEqual([]);
  }
}

describe('kube-proxy iptables mode: TestBadIPs', () => {
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
    expectBatch([svc], 'badips-iptables.txt', false);
  });
});

describe('kube-proxy iptables mode: TestSyncProxyRulesRepeated', () => {
  const svc1 = clusterIP('ns1', 'svc1', '172.30.0.41', 80, ['10.0.1.1']);
  const svc2 = clusterIP('ns2', 'svc2', '172.30.0.42', 8080, ['10.0.2.1']);
  const svc3 = (...eps: string[]) => clusterIP('ns3', 'svc3', '172.30.0.43', 80, eps);
  const svc4 = (...eps: string[]) => clusterIP('ns4', 'svc4', '172.30.0.44', 80, eps);
  const steps: [string, Service[], boolean][] = [
    ['initial full sync', [svc1, svc2], false],
    ['svc3 added', [svc1, svc2, svc3('10.0.3.1')], true],
    ['svc2 deleted', [svc1, svc3('10.0.3.1')], true],
    ['svc4 added without endpoints', [svc1, svc3('10.0.3.1'), svc4()], true],
    ['svc4 gets an endpoint', [svc1, svc3('10.0.3.1'), svc4('10.0.4.1')], true],
    ["svc3's endpoint changes", [svc1, svc3('10.0.3.2'), svc4('10.0.4.1')], true],
    ['svc3 gets a second endpoint', [svc1, svc3('10.0.3.2', '10.0.3.3'), svc4('10.0.4.1')], true],
    ['a sync with no changes', [svc1, svc3('10.0.3.2', '10.0.3.3'), svc4('10.0.4.1')], true],
    ['full resync after svc4 is deleted', [svc1, svc3('10.0.3.2', '10.0.3.3')], false],
  ];
  steps.forEach(([what, services, partial], i) =>
    it(`sync ${i + 1}: ${what}`, () => expectBatch(services, `repeated-iptables-${i + 1}.txt`, partial)),
  );
});
