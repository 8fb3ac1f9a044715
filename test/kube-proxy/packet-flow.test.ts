/**
 * kube-proxy's own packet-flow expectations (runPacketFlowTests in
 * pkg/proxy/{iptables,nftables}/proxier_test.go, release 1.33) against the model: the rules the
 * model's kube-proxy writes for each test's Services, loaded into a node and evaluated by the
 * model's xtables and nf_tables code, every random branch followed (packet-flow.ts).
 */
import { describe, expect, it } from 'vitest';
import { basicSuites, type Suite } from './flow-cases-basic';
import { expected, proxyNode } from './packet-flow';

function run(suites: Suite[]): void {
  for (const s of suites)
    for (const mode of s.modes)
      describe(`${s.test} (${mode})`, () => {
        const node = proxyNode(s.services, mode, s.options);
        for (const c of s.cases)
          it(c.name, () => {
            expect(node.trace(c)).toEqual(expected(c));
          });
      });
}

run(basicSuites);
