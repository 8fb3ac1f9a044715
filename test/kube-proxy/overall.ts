/**
 * The Services and EndpointSlices of kube-proxy's TestOverallIPTablesRules
 * (kubernetes/kubernetes pkg/proxy/iptables/proxier_test.go, 1.33), and the options of
 * its fake proxier (--cluster-cidr 10.0.0.0/8, node "test-node", localhost NodePorts,
 * nfacct counters, an iptables without --random-fully).
 */
import type { KubeProxyOptions, Service } from '../../src/engine/controllers/kube-proxy';

const port = (nodePort?: number) => [
  { name: 'p80', port: 80, targetPort: 80, protocol: 'TCP' as const, ...(nodePort ? { nodePort } : {}) },
];
const base = { externalTrafficPolicy: 'Cluster' as const, type: 'ClusterIP' as const };

export const overallServices: Service[] = [
  {
    ...base,
    namespace: 'ns1',
    name: 'svc1',
    clusterIP: '172.30.0.41',
    ports: port(),
    endpoints: [{ ip: '10.180.0.1' }],
  },
  {
    ...base,
    namespace: 'ns2',
    name: 'svc2',
    type: 'LoadBalancer',
    externalTrafficPolicy: 'Local',
    clusterIP: '172.30.0.42',
    ports: port(3001),
    loadBalancerIPs: ['1.2.3.4'],
    externalIPs: ['192.168.99.22'],
    healthCheckNodePort: 30000,
    // No nodeName: the endpoint is not local, so Local policy has nothing here.
    endpoints: [{ ip: '10.180.0.2' }],
  },
  {
    ...base,
    namespace: 'ns3',
    name: 'svc3',
    type: 'NodePort',
    clusterIP: '172.30.0.43',
    ports: port(3003),
    endpoints: [{ ip: '10.180.0.3' }],
  },
  {
    ...base,
    namespace: 'ns4',
    name: 'svc4',
    type: 'NodePort',
    clusterIP: '172.30.0.44',
    externalIPs: ['192.168.99.33'],
    ports: port(),
    endpoints: [{ ip: '10.180.0.4' }, { ip: '10.180.0.5', node: 'test-node' }],
  },
  {
    ...base,
    namespace: 'ns5',
    name: 'svc5',
    type: 'LoadBalancer',
    clusterIP: '172.30.0.45',
    ports: port(3002),
    loadBalancerIPs: ['5.6.7.8'],
    healthCheckNodePort: 30000,
    loadBalancerSourceRanges: [' 203.0.113.0/25'],
    sessionAffinity: 'ClientIP',
    sessionAffinityTimeout: 10800,
    endpoints: [{ ip: '10.180.0.3' }],
  },
  { ...base, namespace: 'ns6', name: 'svc6', clusterIP: '172.30.0.46', ports: port(), endpoints: [] },
];

export const fakeProxier: KubeProxyOptions = {
  mode: 'iptables',
  node: 'test-node',
  nodeIP: '192.168.0.2',
  clusterCIDR: '10.0.0.0/8',
  localhostNodePorts: true,
  nfacct: true,
  randomFully: false,
};
