/**
 * TestInternalExternalMasquerade (kube-proxy 1.33, both proxiers): three LoadBalancer Services
 * (plain, externalTrafficPolicy Local, internalTrafficPolicy Local), one flow list, and four
 * proxier settings that override some of its outcomes. The nftables test has no localhost
 * cases (nftables mode does not accept NodePorts on 127.0.0.1).
 */
import { svc, tcpPort, type Suite } from './flow-cases-basic';
import {
  testExternalClient as ext,
  testNodeIP as node,
  type FlowCase,
  type Mode,
  type ProxyFlags,
} from './packet-flow';

const lb = (n: number, ip: string, over: Parameters<typeof svc>[0]) =>
  svc({
    name: `svc${n}`,
    namespace: `ns${n}`,
    clusterIP: `172.30.0.4${n}`,
    type: 'LoadBalancer',
    ports: [tcpPort('p80', 80, 3000 + n)],
    healthCheckNodePort: 30000 + n,
    loadBalancerIPs: [ip],
    endpoints: [
      { ip: `10.180.0.${n}`, node: 'test-node' },
      { ip: `10.180.1.${n}`, node: 'remote' },
    ],
    ...over,
  });
const services = [
  lb(1, '1.2.3.4', {}),
  lb(2, '5.6.7.8', { externalTrafficPolicy: 'Local' }),
  lb(3, '9.10.11.12', { internalTrafficPolicy: 'Local' }),
];

const pod = '10.0.0.2';
const lo = '127.0.0.1';
const all = (n: number) => `10.180.0.${n}:80, 10.180.1.${n}:80`;
const f = (
  name: string,
  sourceIP: string,
  destIP: string,
  destPort: number,
  output: string,
  masq: boolean,
): FlowCase => ({
  name,
  sourceIP,
  destIP,
  destPort,
  output,
  masq,
});
/** The Go test's flowTests, in its order; `localhost` marks the three the nftables test lacks. */
const flows: (FlowCase & { localhost?: true })[] = [
  f('pod to ClusterIP', pod, '172.30.0.41', 80, all(1), false),
  f('pod to NodePort', pod, node, 3001, all(1), true),
  f('pod to LB', pod, '1.2.3.4', 80, all(1), true),
  f('node to ClusterIP', node, '172.30.0.41', 80, all(1), true),
  f('node to NodePort', node, node, 3001, all(1), true),
  { ...f('localhost to NodePort', lo, lo, 3001, all(1), true), localhost: true },
  f('node to LB', node, '1.2.3.4', 80, all(1), true),
  f('external to ClusterIP', ext, '172.30.0.41', 80, all(1), true),
  f('external to NodePort', ext, node, 3001, all(1), true),
  f('external to LB', ext, '1.2.3.4', 80, all(1), true),
  f('pod to ClusterIP with eTP:Local', pod, '172.30.0.42', 80, all(2), false),
  f('pod to NodePort with eTP:Local', pod, node, 3002, all(2), false),
  f('pod to LB with eTP:Local', pod, '5.6.7.8', 80, all(2), false),
  f('node to ClusterIP with eTP:Local', node, '172.30.0.42', 80, all(2), true),
  f('node to NodePort with eTP:Local', node, node, 3001, all(1), true),
  { ...f('localhost to NodePort with eTP:Local', lo, lo, 3002, all(2), true), localhost: true },
  f('node to LB with eTP:Local', node, '5.6.7.8', 80, all(2), true),
  f('external to ClusterIP with eTP:Local', ext, '172.30.0.42', 80, all(2), true),
  f('external to NodePort with eTP:Local', ext, node, 3002, '10.180.0.2:80', false),
  f('external to LB with eTP:Local', ext, '5.6.7.8', 80, '10.180.0.2:80', false),
  f('pod to ClusterIP with iTP:Local', pod, '172.30.0.43', 80, '10.180.0.3:80', false),
  f('pod to NodePort with iTP:Local', pod, node, 3003, all(3), true),
  f('pod to LB with iTP:Local', pod, '9.10.11.12', 80, all(3), true),
  f('node to ClusterIP with iTP:Local', node, '172.30.0.43', 80, '10.180.0.3:80', true),
  f('node to NodePort with iTP:Local', node, node, 3003, all(3), true),
  { ...f('localhost to NodePort with iTP:Local', lo, lo, 3003, all(3), true), localhost: true },
  f('node to LB with iTP:Local', node, '9.10.11.12', 80, all(3), true),
  f('external to ClusterIP with iTP:Local', ext, '172.30.0.43', 80, '10.180.0.3:80', true),
  f('external to NodePort with iTP:Local', ext, node, 3003, all(3), true),
  f('external to LB with iTP:Local', ext, '9.10.11.12', 80, all(3), true),
];

type Override = { output?: string; masq?: boolean };
const noDetector: Record<string, Override> = {
  // With no LocalTrafficDetector, all traffic to a ClusterIP is assumed to be from a pod.
  'node to ClusterIP': { masq: false },
  'node to ClusterIP with eTP:Local': { masq: false },
  'node to ClusterIP with iTP:Local': { masq: false },
  'external to ClusterIP': { masq: false },
  'external to ClusterIP with eTP:Local': { masq: false },
  'external to ClusterIP with iTP:Local': { masq: false },
  // And there's no eTP:Local short-circuit for pod traffic, so pods get only the local endpoints.
  'pod to NodePort with eTP:Local': { output: '10.180.0.2:80' },
  'pod to LB with eTP:Local': { output: '10.180.0.2:80' },
};
const masqAll: Record<string, Override> = {
  // All "to ClusterIP" traffic gets masqueraded when using --masquerade-all.
  'pod to ClusterIP': { masq: true },
  'pod to ClusterIP with eTP:Local': { masq: true },
  'pod to ClusterIP with iTP:Local': { masq: true },
};
const masqAllNoDetector: Record<string, Override> = {
  ...masqAll,
  'pod to NodePort with eTP:Local': { output: '10.180.0.2:80' },
  'pod to LB with eTP:Local': { output: '10.180.0.2:80' },
};

const variants: [string, ProxyFlags, Record<string, Override>][] = [
  ['base', {}, {}],
  ['no LocalTrafficDetector', { clusterCIDR: null }, noDetector],
  ['masqueradeAll', { masqueradeAll: true }, masqAll],
  ['masqueradeAll, no LocalTrafficDetector', { masqueradeAll: true, clusterCIDR: null }, masqAllNoDetector],
];

function suite(mode: Mode, [variant, options, overrides]: (typeof variants)[number]): Suite {
  const cases = flows
    .filter((c) => mode === 'iptables' || !c.localhost)
    .map(({ localhost: _, ...c }) => ({ ...c, ...overrides[c.name] }));
  return { test: `TestInternalExternalMasquerade/${variant}`, modes: [mode], services, options, cases };
}

export const masqueradeSuites: Suite[] = (['iptables', 'nftables'] as Mode[]).flatMap((m) =>
  variants.map((v) => suite(m, v)),
);
