/**
 * The traffic-policy packet-flow cases of kube-proxy's proxier tests (release 1.33): external
 * and internal traffic policy, terminating endpoints, and the masquerade matrix of
 * TestInternalExternalMasquerade. Expected outputs are copied from the Go tests.
 */
import type { Service, ServiceEndpoint } from '../../src/engine/controllers/kube-proxy';
import { svc, tcpPort, type Suite } from './flow-cases-basic';
import { testExternalClient as ext, testNodeIP as node, type FlowCase, type Mode } from './packet-flow';

const BOTH: Mode[] = ['iptables', 'nftables'];
const pod = '10.0.0.2';
const ep = (
  ip: string,
  node?: string,
  ready = true,
  serving = ready,
  terminating = false,
): ServiceEndpoint => ({
  ip,
  ready,
  serving,
  terminating,
  ...(node ? { node } : {}),
});

/** TestExternalTrafficPolicyLocal and ...Cluster: one LB Service with an external IP. */
function trafficPolicy(policy: 'Local' | 'Cluster'): Suite {
  const all = '10.180.0.1:80, 10.180.2.1:80';
  const local = policy === 'Local';
  const extOut = local ? '10.180.2.1:80' : all;
  const masq = !local;
  const cases: FlowCase[] = [
    {
      name: 'pod to cluster IP hits both endpoints, unmasqueraded',
      sourceIP: pod,
      destIP: '172.30.0.41',
      destPort: 80,
      output: all,
    },
    local
      ? {
          name: 'pod to external IP hits both endpoints, unmasqueraded',
          sourceIP: pod,
          destIP: '192.168.99.11',
          destPort: 80,
          output: all,
        }
      : {
          name: 'pod to external IP hits both endpoints, masqueraded',
          sourceIP: pod,
          destIP: '192.168.99.11',
          destPort: 80,
          output: all,
          masq: true,
        },
    local
      ? {
          name: 'external to external IP hits only local endpoint, unmasqueraded',
          sourceIP: ext,
          destIP: '192.168.99.11',
          destPort: 80,
          output: extOut,
        }
      : {
          name: 'external to external IP hits both endpoints, masqueraded',
          sourceIP: ext,
          destIP: '192.168.99.11',
          destPort: 80,
          output: extOut,
          masq,
        },
    local
      ? {
          name: 'pod to LB IP hits only both endpoints, unmasqueraded',
          sourceIP: pod,
          destIP: '1.2.3.4',
          destPort: 80,
          output: all,
        }
      : {
          name: 'pod to LB IP hits both endpoints, masqueraded',
          sourceIP: pod,
          destIP: '1.2.3.4',
          destPort: 80,
          output: all,
          masq: true,
        },
    local
      ? {
          name: 'external to LB IP hits only local endpoint, unmasqueraded',
          sourceIP: ext,
          destIP: '1.2.3.4',
          destPort: 80,
          output: extOut,
        }
      : {
          name: 'external to LB IP hits both endpoints, masqueraded',
          sourceIP: ext,
          destIP: '1.2.3.4',
          destPort: 80,
          output: extOut,
          masq,
        },
    local
      ? {
          name: 'pod to NodePort hits both endpoints, unmasqueraded',
          sourceIP: pod,
          destIP: node,
          destPort: 3001,
          output: all,
        }
      : {
          name: 'pod to NodePort hits both endpoints, masqueraded',
          sourceIP: pod,
          destIP: node,
          destPort: 3001,
          output: all,
          masq: true,
        },
    local
      ? {
          name: 'external to NodePort hits only local endpoint, unmasqueraded',
          sourceIP: ext,
          destIP: node,
          destPort: 3001,
          output: extOut,
        }
      : {
          name: 'external to NodePort hits both endpoints, masqueraded',
          sourceIP: ext,
          destIP: node,
          destPort: 3001,
          output: extOut,
          masq,
        },
  ];
  return {
    test: `TestExternalTrafficPolicy${policy}`,
    modes: BOTH,
    services: [
      svc({
        type: 'LoadBalancer',
        externalTrafficPolicy: policy,
        externalIPs: ['192.168.99.11'],
        ports: [tcpPort('p80', 80, 3001)],
        loadBalancerIPs: ['1.2.3.4'],
        ...(local ? { healthCheckNodePort: 30000 } : {}),
        endpoints: [ep('10.180.0.1'), ep('10.180.2.1', 'test-node')],
      }),
    ],
    cases,
  };
}

/** TestInternalTrafficPolicy: a ClusterIP Service with an unnamed port, then its endpoints deleted. */
const itpService = (policy: 'Cluster' | 'Local', endpoints: ServiceEndpoint[]): Service =>
  svc({ clusterIP: '172.30.1.1', internalTrafficPolicy: policy, ports: [tcpPort('', 80)], endpoints });
const toClusterIP = (name: string, output: string): FlowCase => ({
  name,
  sourceIP: pod,
  destIP: '172.30.1.1',
  destPort: 80,
  output,
});
function itp(variant: string, policy: 'Cluster' | 'Local', nodes: string[], c: FlowCase): Suite[] {
  const eps = nodes.map((n, i) => ep(`10.0.1.${i + 1}`, n));
  return [
    {
      test: `TestInternalTrafficPolicy/${variant}`,
      modes: BOTH,
      services: [itpService(policy, eps)],
      cases: [c],
    },
    {
      test: `TestInternalTrafficPolicy/${variant} (endpoints deleted)`,
      modes: BOTH,
      services: [itpService(policy, [])],
      cases: [toClusterIP('endpoints deleted', 'REJECT')],
    },
  ];
}
const itpSuites: Suite[] = [
  ...itp(
    'internalTrafficPolicy is cluster',
    'Cluster',
    ['test-node', 'node1', 'node2'],
    toClusterIP('pod to ClusterIP hits all endpoints', '10.0.1.1:80, 10.0.1.2:80, 10.0.1.3:80'),
  ),
  ...itp(
    'internalTrafficPolicy is local and there is one local endpoint',
    'Local',
    ['test-node', 'node1', 'node2'],
    toClusterIP('pod to ClusterIP hits only local endpoint', '10.0.1.1:80'),
  ),
  ...itp(
    'internalTrafficPolicy is local and there are multiple local endpoints',
    'Local',
    ['test-node', 'test-node', 'node2'],
    toClusterIP('pod to ClusterIP hits all local endpoints', '10.0.1.1:80, 10.0.1.2:80'),
  ),
  ...itp(
    'internalTrafficPolicy is local and there are no local endpoints',
    'Local',
    ['node0', 'node1', 'node2'],
    toClusterIP('no endpoints', 'DROP'),
  ),
];

/**
 * TestTerminatingEndpointsTrafficPolicyLocal and ...Cluster: a LoadBalancer Service (no
 * NodePort) whose endpoints are ready, serving-and-terminating, or neither; then deleted.
 */
type EpCase = { variant: string; endpoints: ServiceEndpoint[]; cases: FlowCase[] };
const toLB = (name: string, output: string, masq = false): FlowCase => ({
  name,
  sourceIP: ext,
  destIP: '1.2.3.4',
  destPort: 80,
  output,
  masq,
});
const podCIP = (output: string, name = 'pod to clusterIP'): FlowCase => ({ ...toClusterIP(name, output) });
const READY = (ip: string, n: string) => ep(ip, n);
const TERMINATING = (ip: string, n: string) => ep(ip, n, false, true, true);
const GONE = (ip: string, n: string) => ep(ip, n, false, false, true);
function terminating(policy: 'Local' | 'Cluster', variants: EpCase[]): Suite[] {
  const service = (endpoints: ServiceEndpoint[]): Service =>
    svc({
      clusterIP: '172.30.1.1',
      type: 'LoadBalancer',
      externalTrafficPolicy: policy,
      ports: [tcpPort('', 80)],
      healthCheckNodePort: 30000,
      loadBalancerIPs: ['1.2.3.4'],
      endpoints,
    });
  const test = `TestTerminatingEndpointsTrafficPolicy${policy}`;
  return variants.flatMap((v) => [
    { test: `${test}/${v.variant}`, modes: BOTH, services: [service(v.endpoints)], cases: v.cases },
    {
      test: `${test}/${v.variant} (endpoints deleted)`,
      modes: BOTH,
      services: [service([])],
      cases: [
        podCIP('REJECT', 'pod to clusterIP after endpoints deleted'),
        toLB('external to LB after endpoints deleted', 'REJECT'),
      ],
    },
  ]);
}
const here = 'test-node';
const terminatingSuites: Suite[] = [
  ...terminating('Local', [
    {
      variant: 'ready endpoints exist',
      endpoints: [
        READY('10.0.1.1', here),
        READY('10.0.1.2', here),
        TERMINATING('10.0.1.3', here),
        GONE('10.0.1.4', here),
        READY('10.0.1.5', 'node-1'),
      ],
      cases: [
        podCIP('10.0.1.1:80, 10.0.1.2:80, 10.0.1.5:80'),
        toLB('external to LB', '10.0.1.1:80, 10.0.1.2:80'),
      ],
    },
    {
      variant: 'only terminating endpoints exist',
      endpoints: [
        TERMINATING('10.0.1.2', here),
        TERMINATING('10.0.1.3', here),
        GONE('10.0.1.4', here),
        READY('10.0.1.5', 'node-1'),
      ],
      cases: [podCIP('10.0.1.5:80'), toLB('external to LB', '10.0.1.2:80, 10.0.1.3:80')],
    },
    {
      variant: 'terminating endpoints on remote node',
      endpoints: [TERMINATING('10.0.1.5', 'node-1')],
      cases: [podCIP('10.0.1.5:80'), toLB('external to LB, no locally-usable endpoints', 'DROP')],
    },
    {
      variant: 'no usable endpoints on any node',
      endpoints: [GONE('10.0.1.5', here), GONE('10.0.1.5', 'node-1')],
      cases: [
        podCIP('REJECT', 'pod to clusterIP, no usable endpoints'),
        toLB('external to LB, no usable endpoints', 'REJECT'),
      ],
    },
  ]),
  ...terminating('Cluster', [
    {
      variant: 'ready endpoints exist',
      endpoints: [
        READY('10.0.1.1', here),
        READY('10.0.1.2', here),
        TERMINATING('10.0.1.3', 'another-node'),
        GONE('10.0.1.4', 'another-node'),
        READY('10.0.1.5', 'another-node'),
      ],
      cases: [
        podCIP('10.0.1.1:80, 10.0.1.2:80, 10.0.1.5:80'),
        toLB('external to LB', '10.0.1.1:80, 10.0.1.2:80, 10.0.1.5:80', true),
      ],
    },
    {
      variant: 'only terminating endpoints exist',
      endpoints: [
        TERMINATING('10.0.1.2', here),
        TERMINATING('10.0.1.3', here),
        GONE('10.0.1.4', 'another-node'),
        TERMINATING('10.0.1.5', 'another-node'),
      ],
      cases: [
        podCIP('10.0.1.2:80, 10.0.1.3:80, 10.0.1.5:80'),
        toLB('external to LB', '10.0.1.2:80, 10.0.1.3:80, 10.0.1.5:80', true),
      ],
    },
    {
      variant: 'terminating endpoints on remote node',
      endpoints: [TERMINATING('10.0.1.5', 'node-1')],
      cases: [podCIP('10.0.1.5:80'), toLB('external to LB', '10.0.1.5:80', true)],
    },
    {
      variant: 'no usable endpoints on any node',
      endpoints: [GONE('10.0.1.5', here), GONE('10.0.1.5', 'node-1')],
      cases: [podCIP('REJECT'), toLB('external to LB', 'REJECT')],
    },
  ]),
];

export const policySuites: Suite[] = [
  trafficPolicy('Local'),
  trafficPolicy('Cluster'),
  ...itpSuites,
  ...terminatingSuites,
];
