/**
 * kube-proxy's own packet-flow expectations (runPacketFlowTests in
 * pkg/proxy/{iptables,nftables}/proxier_test.go, release 1.33) against the model: the rules the
 * model's kube-proxy writes for each test's Services, loaded into a node and evaluated by the
 * model's xtables and nf_tables code, every random branch followed (packet-flow.ts).
 */
import { describe, expect, it } from 'vitest';
import { basicSuites, type Suite } from './flow-cases-basic';
import { masqueradeSuites } from './flow-cases-masquerade';
import { policySuites } from './flow-cases-policy';
import { expected, proxyNode, type Mode, type ProxyNode } from './packet-flow';

/** Nodes by what they were built from: the "endpoints deleted" syncs of several sub-tests are one. */
const nodes = new Map<string, ProxyNode>();
function nodeFor(s: Suite, mode: Mode): ProxyNode {
  const key = JSON.stringify([s.services, mode, s.options]);
  let node = nodes.get(key);
  if (!node) nodes.set(key, (node = proxyNode(s.services, mode, s.options)));
  return node;
}

function run(suites: Suite[]): void {
  for (const s of suites)
    for (const mode of s.modes)
      describe(`${s.test} (${mode})`, () => {
        const node = nodeFor(s, mode);
        for (const c of s.cases)
          it(c.name, () => {
            expect(node.trace(c)).toEqual(expected(c));
          });
      });
}

run(basicSuites);
run(policySuites);
run(masqueradeSuites);
