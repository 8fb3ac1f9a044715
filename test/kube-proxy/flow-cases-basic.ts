/**
 * The packet-flow cases of kube-proxy's proxier tests (kubernetes/kubernetes, release 1.33:
 * pkg/proxy/iptables/proxier_test.go and pkg/proxy/nftables/proxier_test.go), with their
 * Services and EndpointSlices written as the model's Service objects. Expected outputs are the
 * tests' own, copied case by case; where the two modes' tests expect different things, each
 * mode has its own list.
 */
import type { Service, ServiceEndpoint, ServicePort } from '../../src/engine/controllers/kube-proxy';
import {
  testExternalClient as ext,
  testExternalClientBlocked as blocked,
  testNodeIP as node,
  testNodeIPAlt as alt,
  testNodeIPv6 as node6,
  testNodeIPv6Alt as alt6,
  type FlowCase,
  type Mode,
  type ProxyFlags,
} from './packet-flow';

export interface Suite {
  /** The Go test, and the t.Run sub-test when there is one. */
  test: string;
  services: Service[];
  options?: ProxyFlags;
  modes: Mode[];
  cases: FlowCase[];
}

export const tcpPort = (name: string, port: number, nodePort?: number, targetPort = port): ServicePort => ({
  name,
  port,
  targetPort,
  protocol: 'TCP',
  ...(nodePort ? { nodePort } : {}),
});

export const svc = (over: Partial<Service>): Service => ({
  name: 'svc1',
  namespace: 'ns1',
  clusterIP: '172.30.0.41',
  type: 'ClusterIP',
  externalTrafficPolicy: 'Cluster',
  ports: [tcpPort('p80', 80)],
  endpoints: [],
  ...over,
});

const ep = (ip: string, node?: string): ServiceEndpoint => ({ ip, ...(node ? { node } : {}) });
const BOTH: Mode[] = ['iptables', 'nftables'];
const pod = '10.0.0.2';

/** TestNoEndpointsReject: ClusterIP, external IP, NodePort and LB IP of a Service without endpoints. */
const noEndpoints: Suite = {
  test: 'TestNoEndpointsReject',
  modes: BOTH,
  services: [
    svc({
      type: 'LoadBalancer',
      externalIPs: ['192.168.99.11'],
      ports: [tcpPort('p80', 80, 3001)],
      loadBalancerIPs: ['1.2.3.4'],
    }),
  ],
  cases: [
    {
      name: 'pod to cluster IP with no endpoints',
      sourceIP: pod,
      destIP: '172.30.0.41',
      destPort: 80,
      output: 'REJECT',
    },
    {
      name: 'external to external IP with no endpoints',
      sourceIP: ext,
      destIP: '192.168.99.11',
      destPort: 80,
      output: 'REJECT',
    },
    {
      name: 'pod to NodePort with no endpoints',
      sourceIP: pod,
      destIP: node,
      destPort: 3001,
      output: 'REJECT',
    },
    {
      name: 'external to NodePort with no endpoints',
      sourceIP: ext,
      destIP: node,
      destPort: 3001,
      output: 'REJECT',
    },
    {
      name: 'pod to LoadBalancer IP with no endpoints',
      sourceIP: pod,
      destIP: '1.2.3.4',
      destPort: 80,
      output: 'REJECT',
    },
    {
      name: 'external to LoadBalancer IP with no endpoints',
      sourceIP: ext,
      destIP: '1.2.3.4',
      destPort: 80,
      output: 'REJECT',
    },
  ],
};

/** TestClusterIPGeneral's Services (its SCTP port left out: the model has no SCTP). */
const clusterIPServices: Service[] = [
  svc({ ports: [tcpPort('http', 80)], endpoints: [ep('10.180.0.1', 'test-node')] }),
  svc({
    name: 'svc2',
    namespace: 'ns2',
    clusterIP: '172.30.0.42',
    ports: [
      tcpPort('http', 80),
      tcpPort('https', 443, undefined, 8443),
      { name: 'dns-udp', port: 53, targetPort: 53, protocol: 'UDP' },
      tcpPort('dns-tcp', 53, undefined, 5353),
    ],
    endpoints: [ep('10.180.0.1', 'test-node'), ep('10.180.2.1', 'node2')],
  }),
];
const src = '10.180.0.2';
const clusterIPCommon: FlowCase[] = [
  { name: 'simple clusterIP', sourceIP: src, destIP: '172.30.0.41', destPort: 80, output: '10.180.0.1:80' },
  {
    name: 'hairpin to cluster IP',
    sourceIP: '10.180.0.1',
    destIP: '172.30.0.41',
    destPort: 80,
    output: '10.180.0.1:80',
    masq: true,
  },
  {
    name: 'clusterIP with multiple endpoints',
    sourceIP: src,
    destIP: '172.30.0.42',
    destPort: 80,
    output: '10.180.0.1:80, 10.180.2.1:80',
  },
  {
    name: 'clusterIP with TargetPort',
    sourceIP: src,
    destIP: '172.30.0.42',
    destPort: 443,
    output: '10.180.0.1:8443, 10.180.2.1:8443',
  },
  {
    name: 'clusterIP with TCP, UDP, and SCTP on same port (TCP)',
    sourceIP: src,
    destIP: '172.30.0.42',
    destPort: 53,
    protocol: 'TCP',
    output: '10.180.0.1:5353, 10.180.2.1:5353',
  },
  {
    name: 'clusterIP with TCP, UDP, and SCTP on same port (UDP)',
    sourceIP: src,
    destIP: '172.30.0.42',
    destPort: 53,
    protocol: 'UDP',
    output: '10.180.0.1:53, 10.180.2.1:53',
  },
];
const clusterIPiptables: Suite = {
  test: 'TestClusterIPGeneral',
  modes: ['iptables'],
  services: clusterIPServices,
  cases: [
    ...clusterIPCommon,
    {
      name: 'TCP-only port does not match UDP traffic',
      sourceIP: src,
      destIP: '172.30.0.42',
      destPort: 80,
      protocol: 'UDP',
      output: '',
    },
    {
      name: "svc1 does not accept svc2's ports",
      sourceIP: src,
      destIP: '172.30.0.41',
      destPort: 443,
      output: '',
    },
  ],
};
/** nftables mode rejects what no Service port takes on a ClusterIP, and drops unallocated ClusterIPs. */
const clusterIPnftables: Suite = {
  test: 'TestClusterIPGeneral',
  modes: ['nftables'],
  services: clusterIPServices,
  cases: [
    ...clusterIPCommon,
    {
      name: 'TCP-only port does not match UDP traffic',
      sourceIP: src,
      destIP: '172.30.0.42',
      destPort: 80,
      protocol: 'UDP',
      output: 'REJECT',
    },
    {
      name: "svc1 does not accept svc2's ports",
      sourceIP: src,
      destIP: '172.30.0.41',
      destPort: 443,
      output: 'REJECT',
    },
    {
      name: 'packet to unallocated cluster ip',
      sourceIP: src,
      destIP: '172.30.0.50',
      destPort: 80,
      output: 'DROP',
    },
  ],
};

/** TestLoadBalancer: two LB IPs, loadBalancerSourceRanges (one with stray whitespace). */
const ep1 = '10.180.0.1:80';
const loadBalancer: Suite = {
  test: 'TestLoadBalancer',
  modes: BOTH,
  services: [
    svc({
      type: 'LoadBalancer',
      ports: [tcpPort('p80', 80, 3001)],
      loadBalancerIPs: ['1.2.3.4', '5.6.7.8'],
      loadBalancerSourceRanges: ['192.168.0.0/24', ' 203.0.113.0/25'],
      endpoints: [ep('10.180.0.1')],
    }),
  ],
  cases: [
    { name: 'pod to cluster IP', sourceIP: pod, destIP: '172.30.0.41', destPort: 80, output: ep1 },
    { name: 'external to nodePort', sourceIP: ext, destIP: node, destPort: 3001, output: ep1, masq: true },
    {
      name: 'nodePort bypasses LoadBalancerSourceRanges',
      sourceIP: blocked,
      destIP: node,
      destPort: 3001,
      output: ep1,
      masq: true,
    },
    {
      name: 'accepted external to LB1',
      sourceIP: ext,
      destIP: '1.2.3.4',
      destPort: 80,
      output: ep1,
      masq: true,
    },
    {
      name: 'accepted external to LB2',
      sourceIP: ext,
      destIP: '5.6.7.8',
      destPort: 80,
      output: ep1,
      masq: true,
    },
    { name: 'blocked external to LB1', sourceIP: blocked, destIP: '1.2.3.4', destPort: 80, output: 'DROP' },
    { name: 'blocked external to LB2', sourceIP: blocked, destIP: '5.6.7.8', destPort: 80, output: 'DROP' },
    {
      name: 'pod to LB1 (blocked by LoadBalancerSourceRanges)',
      sourceIP: pod,
      destIP: '1.2.3.4',
      destPort: 80,
      output: 'DROP',
    },
    {
      name: 'pod to LB2 (blocked by LoadBalancerSourceRanges)',
      sourceIP: pod,
      destIP: '5.6.7.8',
      destPort: 80,
      output: 'DROP',
    },
    {
      name: 'node to LB1 (allowed by LoadBalancerSourceRanges)',
      sourceIP: node,
      destIP: '1.2.3.4',
      destPort: 80,
      output: ep1,
      masq: true,
    },
    {
      name: 'node to LB2 (allowed by LoadBalancerSourceRanges)',
      sourceIP: node,
      destIP: '5.6.7.8',
      destPort: 80,
      output: ep1,
      masq: true,
    },
    {
      name: 'same node to LB1, SNATted to LB1 (implicitly allowed)',
      sourceIP: '1.2.3.4',
      destIP: '1.2.3.4',
      destPort: 80,
      output: ep1,
      masq: true,
    },
    {
      name: 'same node to LB2, SNATted to LB2 (implicitly allowed)',
      sourceIP: '5.6.7.8',
      destIP: '5.6.7.8',
      destPort: 80,
      output: ep1,
      masq: true,
    },
  ],
};

/** TestNodePorts (IPv4 sub-tests): --nodeport-addresses and --iptables-localhost-nodeports. */
const nodePortService = svc({
  type: 'NodePort',
  ports: [tcpPort('p80', 80, 3001)],
  endpoints: [ep('10.180.0.1'), ep('10.180.2.1', 'test-node')],
});
const both = '10.180.0.1:80, 10.180.2.1:80';
function nodePorts(
  mode: Mode,
  variant: string,
  opts: ProxyFlags,
  localhost: boolean | undefined,
  allowAlt: boolean,
): Suite {
  const cases: FlowCase[] = [
    { name: 'pod to cluster IP', sourceIP: pod, destIP: '172.30.0.41', destPort: 80, output: both },
    { name: 'external to nodePort', sourceIP: ext, destIP: node, destPort: 3001, output: both, masq: true },
    { name: 'node to nodePort', sourceIP: node, destIP: node, destPort: 3001, output: both, masq: true },
    allowAlt
      ? {
          name: 'external to nodePort on secondary IP',
          sourceIP: ext,
          destIP: alt,
          destPort: 3001,
          output: both,
          masq: true,
        }
      : {
          name: 'secondary nodeIP ignores NodePorts',
          sourceIP: ext,
          destIP: alt,
          destPort: 3001,
          output: '',
        },
  ];
  // The nftables test has no localhost case: nftables mode never accepts NodePorts on 127.0.0.1.
  if (localhost !== undefined)
    cases.push(
      localhost
        ? {
            name: 'localhost to nodePort gets masqueraded',
            sourceIP: '127.0.0.1',
            destIP: '127.0.0.1',
            destPort: 3001,
            output: both,
            masq: true,
          }
        : {
            name: 'localhost to nodePort is ignored',
            sourceIP: '127.0.0.1',
            destIP: '127.0.0.1',
            destPort: 3001,
            output: '',
          },
    );
  return {
    test: `TestNodePorts/${variant}`,
    modes: [mode],
    services: [nodePortService],
    options: opts,
    cases,
  };
}
const multi = ['192.168.0.0/24', '192.168.1.0/24', '2001:db8::/64'];
const nodePortSuites: Suite[] = [
  nodePorts('iptables', 'ipv4, localhost-nodeports enabled', {}, true, true),
  nodePorts('iptables', 'ipv4, localhost-nodeports disabled', { localhostNodePorts: false }, false, true),
  nodePorts(
    'iptables',
    'ipv4, localhost-nodeports disabled, localhost in nodeport-addresses',
    { localhostNodePorts: false, nodePortAddresses: ['192.168.0.0/24', '127.0.0.1/32'] },
    false,
    false,
  ),
  nodePorts(
    'iptables',
    'ipv4, localhost-nodeports enabled, multiple nodeport-addresses',
    { localhostNodePorts: false, nodePortAddresses: multi },
    false,
    true,
  ),
  nodePorts('nftables', 'ipv4', {}, undefined, false),
  nodePorts('nftables', 'ipv4, multiple nodeport-addresses', { nodePortAddresses: multi }, undefined, true),
];

/**
 * TestNodePorts' IPv6 sub-tests: the same Service with an IPv6 ClusterIP and an IPv6
 * EndpointSlice, given to NewFakeProxier(IPv6). Localhost NodePorts are IPv4 only, so ::1 is
 * ignored in every iptables sub-test; the nftables test has no localhost case.
 */
const nodePortService6 = svc({
  type: 'NodePort',
  clusterIP: 'fd00:172:30::41',
  ipFamilies: ['IPv6'],
  ports: [tcpPort('p80', 80, 3001)],
  endpoints: [ep('fd00:10:180::1'), ep('fd00:10:180::2:1', 'test-node')],
});
function nodePorts6(mode: Mode, variant: string, opts: ProxyFlags, allowAlt: boolean): Suite {
  const out = '[fd00:10:180::1]:80, [fd00:10:180::2:1]:80';
  const [pod6, ext6] = ['fd00:10::2', '2600:5200::1'];
  const cases: FlowCase[] = [
    { name: 'pod to cluster IP', sourceIP: pod6, destIP: 'fd00:172:30::41', destPort: 80, output: out },
    { name: 'external to nodePort', sourceIP: ext6, destIP: node6, destPort: 3001, output: out, masq: true },
    { name: 'node to nodePort', sourceIP: node6, destIP: node6, destPort: 3001, output: out, masq: true },
  ];
  if (mode === 'iptables')
    cases.push({
      name: 'localhost to nodePort is ignored',
      sourceIP: '::1',
      destIP: '::1',
      destPort: 3001,
      output: '',
    });
  cases.push(
    allowAlt
      ? {
          name: 'external to nodePort on secondary IP',
          sourceIP: ext6,
          destIP: alt6,
          destPort: 3001,
          output: out,
          masq: true,
        }
      : {
          name: 'secondary nodeIP ignores NodePorts',
          sourceIP: ext6,
          destIP: alt6,
          destPort: 3001,
          output: '',
        },
  );
  return {
    test: `TestNodePorts/${variant}`,
    modes: [mode],
    services: [nodePortService6],
    options: { ...opts, family: 'IPv6' },
    cases,
  };
}
const nodePortSuites6: Suite[] = [
  nodePorts6('iptables', 'ipv6, localhost-nodeports enabled', {}, true),
  nodePorts6('iptables', 'ipv6, localhost-nodeports disabled', { localhostNodePorts: false }, true),
  nodePorts6(
    'iptables',
    'ipv6, localhost-nodeports disabled, multiple nodeport-addresses',
    { localhostNodePorts: false, nodePortAddresses: multi },
    false,
  ),
  nodePorts6('nftables', 'ipv6', {}, false),
  nodePorts6(
    'nftables',
    'ipv6, multiple nodeport-addresses',
    { nodePortAddresses: [...multi, '2001:db8:1::2/128'] },
    true,
  ),
];

/** TestHealthCheckNodePort: the firewall accepts the health-check port, until the Service goes. */
const hcService = svc({
  type: 'LoadBalancer',
  clusterIP: '172.30.0.42',
  ports: [tcpPort('p80', 80, 3001)],
  healthCheckNodePort: 30000,
  externalTrafficPolicy: 'Local',
});
const healthCheck: Suite[] = [
  {
    test: 'TestHealthCheckNodePort',
    modes: ['iptables'],
    services: [hcService],
    options: { nodePortAddresses: ['127.0.0.0/8'] },
    cases: [
      {
        name: 'firewall accepts HealthCheckNodePort',
        sourceIP: '1.2.3.4',
        destIP: node,
        destPort: 30000,
        output: 'ACCEPT',
      },
    ],
  },
  {
    test: 'TestHealthCheckNodePort (after OnServiceDelete)',
    modes: ['iptables'],
    services: [],
    options: { nodePortAddresses: ['127.0.0.0/8'] },
    cases: [
      {
        name: 'HealthCheckNodePort no longer has any rule',
        sourceIP: '1.2.3.4',
        destIP: node,
        destPort: 30000,
        output: '',
      },
    ],
  },
];

export const basicSuites: Suite[] = [
  noEndpoints,
  clusterIPiptables,
  clusterIPnftables,
  loadBalancer,
  ...nodePortSuites,
  ...nodePortSuites6,
  ...healthCheck,
];
