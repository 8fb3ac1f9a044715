/**
 * The scenario file format, version 1: machines, their NICs and the L2 segments they are
 * cabled to, the real commands that configure them, the servers they run and the flows a
 * learner can trace. Unknown keys are errors, so a typo never silently changes a world.
 * schema/scenario.schema.json is generated from this (npm run schemas).
 */
import { z } from '../util/zod';
import { parseCidr } from '../net/ipv4';
import { parseCidr6, parseIp6 } from '../net/ipv6';
import { normalizeMac } from '../net/mac';
import { GROUPS } from './groups';

export const SCENARIO_VERSION = 1;

export { GROUPS };

export const ROLES = ['host', 'router', 'internet', 'client'] as const;

const ID_RE = /^[a-z0-9][a-z0-9-]*$/;
/** Machine, netns, segment and interface names: what `ip netns add` and `ip link` accept, minus spaces and slashes. */
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._@-]*$/;

const text = z.string().trim().min(1, 'must not be empty');

export const LocalizedSchema = z
  .strictObject({ en: text, zh: text })
  .describe('Text in English (en) and Simplified Chinese (zh).');

const name = (what: string) =>
  z
    .string()
    .regex(
      NAME_RE,
      `${what} must start with a letter or digit and use only letters, digits, ".", "_", "@", "-"`,
    );

export const NicSchema = z
  .strictObject({
    name: name('an interface name').max(15, 'an interface name has at most 15 characters (IFNAMSIZ)'),
    segment: name('a segment name').describe('The L2 segment (key of `segments`) this NIC is cabled to.'),
    mac: z
      .string()
      .refine((s) => normalizeMac(s) !== null, 'expected a MAC address like 02:00:00:00:00:0a')
      .optional()
      .describe('Generated deterministically from the scenario id when omitted.'),
    addr: z
      .string()
      .refine(
        (s) => parseCidr(s) !== null,
        'expected an IPv4 address with prefix length, like 192.168.0.100/24',
      )
      .optional()
      .describe('Expands into `ip addr add ADDR dev NAME`.'),
  })
  .describe('A physical NIC, created before setup and brought up with `ip link set NAME up`.');

export const SetupObjectSchema = z.strictObject({
  run: text.describe('The command line, as typed on the machine.'),
  by: text
    .optional()
    .describe('Provenance shown on every row it writes, e.g. "flanneld" (-> "flanneld on A").'),
  expect: z
    .literal('fail')
    .optional()
    .describe('The command is expected to fail; its error message is part of the story.'),
});

export const SETUP_ITEM_MESSAGE = 'expected a string or {run, by, expect}';

export const SetupItemSchema = z.union([text, SetupObjectSchema], { error: SETUP_ITEM_MESSAGE });

const cidr = (what: string) =>
  z.string().refine((s) => parseCidr(s) !== null, `expected ${what}, like 10.1.15.0/24`);
const cidr6 = (what: string) =>
  z.string().refine((s) => parseCidr6(s, true) !== null, `expected ${what}, like fd00:10:244:1::/64`);

export const FlanneldSchema = z
  .strictObject({
    iface: name('an interface name').describe("--iface: the interface whose address is the node's PublicIP."),
    subnet: cidr('a subnet').optional().describe('Pin the lease (as flannel reuses the one in subnet.env).'),
    subnet6: cidr6('an IPv6 subnet')
      .optional()
      .describe('With EnableIPv6: pin the IPv6 lease (subnet.env FLANNEL_IPV6_SUBNET).'),
    forwardRules: z
      .boolean()
      .default(true)
      .describe('Add the FORWARD ACCEPT rules for the pod network (flannel >= 0.10).'),
    ipMasq: z.boolean().default(false).describe('--ip-masq: masquerade traffic leaving the pod network.'),
    vtepMac: z
      .string()
      .refine((s) => normalizeMac(s) !== null, 'expected a MAC address')
      .optional()
      .describe('The MAC of flannel.N (kept across restarts by flannel).'),
    vtepMac6: z
      .string()
      .refine((s) => normalizeMac(s) !== null, 'expected a MAC address')
      .optional()
      .describe('With EnableIPv6 and vxlan: the MAC of flannel-v6.N.'),
    kubeSubnetMgr: z
      .boolean()
      .default(false)
      .describe(
        '--kube-subnet-mgr: config from the kube-flannel-cfg ConfigMap, the lease from Node.spec.podCIDR, peers from Node annotations (store keys /registry/...), instead of etcd.',
      ),
    autostart: z
      .boolean()
      .default(true)
      .describe(
        'Start flanneld while the world is built; false leaves it installed but stopped until a flow runs `systemctl start flanneld`.',
      ),
  })
  .describe('flanneld: leases a subnet from the store and programs routes for every other lease.');

export const CniBridgeSchema = z
  .strictObject({
    bridge: name('a bridge name').default('cni0'),
    subnet: cidr('the node pod subnet'),
    subnet6: cidr6('the node IPv6 pod subnet')
      .optional()
      .describe(
        'Dual-stack: a second host-local range; the bridge gets its first address, each pod the next.',
      ),
    mtu: z.int().min(68).max(65535).optional(),
    hairpin: z.boolean().default(false).describe("hairpinMode: set hairpin on each pod's bridge port."),
    pods: z
      .array(
        z.union([
          name('a pod name'),
          z.strictObject({
            name: name('a pod name'),
            ip: z
              .string()
              .refine((s) => parseCidr(`${s}/32`) !== null, 'expected an IPv4 address')
              .optional(),
          }),
        ]),
      )
      .default([]),
  })
  .describe(
    'The CNI bridge plugin with host-local IPAM: a bridge with the gateway address, then a netns and veth per pod.',
  );

export const KubeProxySchema = z
  .strictObject({
    mode: z.enum(['iptables', 'ipvs', 'nftables', 'userspace']).default('iptables'),
    serviceCIDR: z
      .string()
      .refine(
        (s) => s.split(',').every((c) => parseCidr(c) !== null || parseCidr6(c, true) !== null),
        'expected the Service network, like 10.96.0.0/12 or 10.96.0.0/12,fd00:10:96::/112',
      )
      .optional()
      .describe(
        'nftables mode: the ServiceCIDRs (the apiserver --service-cluster-ip-range, one of each family when dual-stack); traffic to an unallocated ClusterIP in them is dropped.',
      ),
    clusterCIDR: z
      .string()
      .refine(
        (s) => s.split(',').every((c) => parseCidr(c) !== null || parseCidr6(c, true) !== null),
        'expected the pod network, like 10.244.0.0/16 or 10.244.0.0/16,fd00:10:244::/56',
      )
      .optional()
      .describe(
        '--cluster-cidr: traffic from outside it is masqueraded; dual-stack gives one CIDR of each family, comma-separated.',
      ),
    nodeIP: z
      .string()
      .refine((s) => {
        const [v4, v6, ...rest] = s.split(',');
        return (
          parseCidr(`${v4}/32`) !== null && (v6 === undefined || parseIp6(v6) !== null) && rest.length === 0
        );
      }, 'expected an IPv4 address, or an IPv4 and an IPv6 address like 192.168.0.2,2001:db8::1')
      .optional()
      .describe(
        "The Node's InternalIPs kube-proxy reads (kubelet --node-ip): an IPv4 address, then the IPv6 one when dual-stack.",
      ),
    masqueradeAll: z
      .boolean()
      .default(false)
      .describe('--masquerade-all: SNAT every packet sent to a ClusterIP.'),
    detectLocalMode: z
      .enum(['ClusterCIDR', 'NodeCIDR', 'BridgeInterface', 'InterfaceNamePrefix'])
      .optional()
      .describe(
        '--detect-local-mode: how pod traffic is told from the rest (ClusterCIDR by default when clusterCIDR is set).',
      ),
    podCIDR: cidr("the node's pod CIDR").optional().describe('NodeCIDR mode: the node spec.podCIDR.'),
    bridgeInterface: name('an interface name')
      .optional()
      .describe('BridgeInterface mode: --pod-bridge-interface.'),
    interfaceNamePrefix: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,15}$/, 'expected an interface name prefix like veth')
      .optional()
      .describe('InterfaceNamePrefix mode: --pod-interface-name-prefix.'),
    nodePortAddresses: z
      .array(z.union([z.literal('primary'), cidr('a CIDR'), cidr6('a CIDR')]))
      .default([])
      .describe(
        "--nodeport-addresses: the addresses NodePorts answer on; each family's proxier takes its own CIDRs (empty: every local address, or the primary node IP in nftables mode).",
      ),
    localhostNodePorts: z
      .boolean()
      .default(true)
      .describe('--iptables-localhost-nodeports: NodePorts also answer on 127.0.0.1.'),
  })
  .describe(
    "kube-proxy: turns the scenario's Services into iptables rules, an nftables table, IPVS services or a user-space proxy.",
  );

const LabelsSchema = z
  .record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'expected a label key like app'), z.string())
  .default({});

export const CalicoNodeSchema = z
  .strictObject({
    iface: name('an interface name').describe("The interface whose address is the node's BGP address."),
    block: cidr('an IPAM block')
      .optional()
      .describe("Pin the node's block (else the first free block of the pool)."),
    block6: z
      .string()
      .refine((s) => parseCidr6(s, true) !== null, 'expected an IPv6 block like fd00:10:244:1::/122')
      .optional()
      .describe(
        "Pin the node's IPv6 block (dual-stack: an IPv6 pool in the store; else its first free block).",
      ),
    routeReflector: z.boolean().default(false).describe('This node is a BGP route reflector.'),
    networking: z
      .enum(['bird', 'none'])
      .default('bird')
      .describe(
        'CALICO_NETWORKING_BACKEND: bird runs BGP; none is policy only (Canal: flannel carries the packets between nodes).',
      ),
    labels: LabelsSchema.describe('Node labels (BGPPeer selectors match them).'),
    pods: z
      .array(
        z.union([
          name('a pod name'),
          z.strictObject({
            name: name('a pod name'),
            namespace: name('a namespace').default('default'),
            ip: z
              .string()
              .refine((s) => parseCidr(`${s}/32`) !== null, 'expected an IPv4 address')
              .optional()
              .describe(
                "Pin the pod's address (Calico's ipAddrs annotation); else the next free one of the block.",
              ),
            ip6: z
              .string()
              .refine((s) => parseIp6(s) !== null, 'expected an IPv6 address')
              .optional()
              .describe("Pin the pod's IPv6 address (dual-stack); else the next free one of the IPv6 block."),
            labels: LabelsSchema,
          }),
        ]),
      )
      .default([]),
  })
  .describe(
    'calico-node: an IPAM block, the Calico CNI plugin per pod, Felix (routes, tunl0, policy) and BIRD (BGP); the pool, BGP configuration and policies come from the store.',
  );

export const DockerdSchema = z
  .strictObject({
    bridge: name('a bridge name').default('docker0'),
    bip: cidr("docker0's address").default('172.17.0.1/16').describe("--bip: docker0's address and prefix."),
    mac: z
      .string()
      .refine((s) => normalizeMac(s) !== null, 'expected a MAC address')
      .optional()
      .describe("docker0's MAC (Docker's 02:42 range)."),
    networks: z
      .array(
        z.strictObject({
          name: name('a network name'),
          driver: z.literal('overlay').default('overlay'),
          subnet: cidr('the network subnet'),
          vni: z.int().min(1).max(16777215).describe('The VXLAN ID the swarm manager allocated.'),
          netns: name('a netns name')
            .optional()
            .describe("The scenario's name for the network's sandbox namespace on this host."),
        }),
      )
      .default([])
      .describe('`docker network create -d overlay`: the overlay networks this host has joined.'),
    advertise: z
      .string()
      .optional()
      .describe(
        "--advertise-addr: the underlay address peers reach this host at (default: its first NIC's).",
      ),
    fixedCidrV6: z
      .string()
      .refine((s) => parseCidr6(s) !== null, 'expected an IPv6 prefix, like fd00::/64')
      .optional()
      .describe(
        'daemon.json "ipv6": true and "fixed-cidr-v6": docker0 gets the first address, each container the prefix plus its MAC.',
      ),
    containers: z
      .array(
        z.strictObject({
          name: name('a container name'),
          image: text,
          command: text.optional().describe('What the image runs, as `docker ps` shows it.'),
          network: z
            .string()
            .regex(
              /^(bridge|host|none|container:[A-Za-z0-9][A-Za-z0-9._-]*|[A-Za-z0-9][A-Za-z0-9._-]*)$/,
              'expected bridge, host, none, container:NAME or an overlay network name',
            )
            .default('bridge')
            .describe('--network'),
          publish: z.array(z.string()).default([]).describe('-p HOSTPORT:CONTAINERPORT[/udp]'),
          netns: name('a netns name')
            .optional()
            .describe("The scenario's name for the container's namespace (default: the container's name)."),
          veth: name('an interface name').max(15).optional().describe('Pin the host-side veth name.'),
        }),
      )
      .default([]),
  })
  .describe(
    'dockerd: the default bridge network, overlay networks and `docker run` intents; namespaces live under /var/run/docker/netns, not /var/run/netns.',
  );

const dnsDomain = z
  .string()
  .regex(
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    'expected a DNS domain like cluster.local',
  );

export const CoreDnsSchema = z
  .strictObject({
    pod: name('a pod name').describe('The CoreDNS pod (a netns of this machine, e.g. made by cni-bridge).'),
    clusterDomain: dnsDomain.default('cluster.local').describe("The kubernetes plugin's zone."),
    ttl: z
      .int()
      .min(0)
      .max(3600)
      .default(30)
      .describe("The kubernetes plugin's ttl (kubeadm's Corefile: 30)."),
    serial: z
      .int()
      .min(0)
      .max(0xffffffff)
      .default(1733443200)
      .describe('The SOA serial: the Unix time the Services last changed.'),
    hosts: z
      .array(
        z.strictObject({
          ip: z.string().refine((s) => parseCidr(`${s}/32`) !== null, 'expected an IPv4 address'),
          names: z.array(dnsDomain).min(1),
        }),
      )
      .default([])
      .describe(
        'The hosts plugin (with fallthrough): names outside the cluster the model answers, as no upstream is modelled.',
      ),
  })
  .describe(
    "CoreDNS in a pod: answers A/AAAA/CNAME for the scenario's Services, as the kubernetes plugin does.",
  );

export const KubeletSchema = z
  .strictObject({
    clusterDNS: z
      .string()
      .refine((s) => parseCidr(`${s}/32`) !== null, 'expected an IPv4 address')
      .describe("--cluster-dns: the kube-dns Service's ClusterIP."),
    clusterDomain: dnsDomain.default('cluster.local').describe('--cluster-domain'),
  })
  .describe(
    "kubelet's DNS settings: it writes /etc/resolv.conf into every pod of this machine (dnsPolicy ClusterFirst).",
  );

export const ControllerSchema = z
  .union([
    z.strictObject({ flanneld: FlanneldSchema }),
    z.strictObject({ 'cni-bridge': CniBridgeSchema }),
    z.strictObject({ 'calico-node': CalicoNodeSchema }),
    z.strictObject({ 'kube-proxy': KubeProxySchema }),
    z.strictObject({ dockerd: DockerdSchema }),
    z.strictObject({ coredns: CoreDnsSchema }),
    z.strictObject({ kubelet: KubeletSchema }),
  ])
  .describe('A controller that turns intents into the commands a learner could type.');

export const MachineSchema = z.strictObject({
  role: z.enum(ROLES).default('host').describe('Display only.'),
  title: text.optional(),
  nics: z.array(NicSchema).default([]),
  setup: z.array(SetupItemSchema).default([]).describe("Commands run in the machine's root netns, in order."),
  controllers: z
    .array(ControllerSchema)
    .default([])
    .describe('Controllers started after every machine ran its setup, in machine order.'),
});

export const SegmentSchema = z.strictObject({ title: text.optional() });

export const LISTEN_RE = /^(tcp|udp)\/([0-9]{1,5})$/;

export const ServerSchema = z.strictObject({
  netns: name('a netns name'),
  listen: z
    .string()
    .regex(LISTEN_RE, 'expected PROTO/PORT, like tcp/80 or udp/53')
    .refine((s) => {
      const port = Number(LISTEN_RE.exec(s)?.[2]);
      return port >= 1 && port <= 65535;
    }, 'the port must be between 1 and 65535'),
  process: text.describe('The program name, as `ss -p` shows it.'),
  reply: z.int().min(0).max(1_000_000).default(0).describe('Bytes answered per request.'),
});

const ip = z.string().refine((s) => parseCidr(`${s}/32`) !== null, 'expected an IPv4 address');
/** An address of either family, as a Service or an EndpointSlice of addressType IPv4 or IPv6 holds it. */
const ipAny = z
  .string()
  .refine((s) => parseCidr(`${s}/32`) !== null || parseIp6(s) !== null, 'expected an IPv4 or IPv6 address');
const isV6 = (s: string): boolean => s.includes(':');

/**
 * ValidateService's validateServiceClusterIPsRelatedFields (pkg/apis/core/validation), in its
 * words, and the registry's check that SingleStack holds one clusterIP. This world has no
 * allocator: a dual-stack Service lists both its clusterIPs.
 */
function dualStackIssues(
  s: { clusterIP: string; clusterIPs?: string[]; ipFamilies?: string[]; ipFamilyPolicy?: string },
  issue: (path: string, message: string) => void,
): void {
  // PrepareForCreate fills clusterIPs from clusterIP when only the latter is given.
  const ips = s.clusterIPs ?? (s.clusterIP === '' ? [] : [s.clusterIP]);
  const bad = (v: string): string => `Invalid value: "${v}": `;
  if (s.clusterIP !== '' && ips[0] !== s.clusterIP)
    issue('clusterIPs', `Invalid value: ${JSON.stringify(ips)}: first value must match \`clusterIP\``);
  ips.forEach((v, i) => {
    if (i === 0 && v === 'None') return;
    if (parseCidr(`${v}/32`) === null && parseIp6(v) === null)
      issue(`clusterIPs[${i}]`, `${bad(v)}must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)`);
  });
  if (ips.length > 2)
    issue('clusterIPs', `Invalid value: ${JSON.stringify(ips)}: may only hold up to 2 values`);
  if (ips.length === 2 && isV6(ips[0]!) === isV6(ips[1]!))
    issue(
      'clusterIPs',
      `Invalid value: ${JSON.stringify(ips)}: may specify no more than one IP for each IP family`,
    );
  (s.ipFamilies ?? []).forEach((f, i) => {
    const v = ips[i];
    if (v === undefined || v === 'None') return;
    if (f === 'IPv4' && isV6(v))
      issue(`clusterIPs[${i}]`, `${bad(v)}expected an IPv4 value as indicated by \`ipFamilies[${i}]\``);
    if (f === 'IPv6' && !isV6(v))
      issue(`clusterIPs[${i}]`, `${bad(v)}expected an IPv6 value as indicated by \`ipFamilies[${i}]\``);
  });
  if (s.ipFamilyPolicy === 'SingleStack' && ips.length === 2)
    issue(
      'ipFamilyPolicy',
      `Invalid value: "SingleStack": must be RequireDualStack or PreferDualStack when multiple 'clusterIPs' are specified`,
    );
  if (s.ipFamilyPolicy === 'RequireDualStack' && ips.length < 2)
    issue('clusterIPs', 'RequireDualStack: this world allocates no ClusterIP, so list one of each family');
}

export const ServiceSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a Service name is a DNS label'),
    namespace: z.string().default('default'),
    clusterIP: z
      .union([ipAny, z.literal('None'), z.literal('')])
      .default('')
      .describe('spec.clusterIP: an address, or "None" for a headless Service (empty for ExternalName).'),
    clusterIPs: z
      .array(z.string())
      .optional()
      .describe('spec.clusterIPs: the primary clusterIP first, then at most one of the other family.'),
    ipFamilies: z
      .array(z.enum(['IPv4', 'IPv6']))
      .optional()
      .describe("spec.ipFamilies (defaulted from clusterIPs' families)."),
    ipFamilyPolicy: z
      .enum(['SingleStack', 'PreferDualStack', 'RequireDualStack'])
      .optional()
      .describe(
        'spec.ipFamilyPolicy: whether the Service gets a ClusterIP of each family (unset: RequireDualStack with two clusterIPs, else SingleStack, as the registry defaults it).',
      ),
    type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']).default('ClusterIP'),
    externalName: z
      .string()
      .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?\.?$/, 'expected a DNS name')
      .optional()
      .describe('spec.externalName (type ExternalName): the name DNS answers with as a CNAME.'),
    externalTrafficPolicy: z.enum(['Cluster', 'Local']).default('Cluster'),
    internalTrafficPolicy: z.enum(['Cluster', 'Local']).default('Cluster'),
    externalIPs: z.array(ip).default([]).describe('spec.externalIPs'),
    loadBalancerIPs: z
      .array(ip)
      .default([])
      .describe('status.loadBalancer.ingress[].ip (type LoadBalancer).'),
    // ValidateService checks each range with surrounding spaces trimmed and stores it as given
    // (values once came from an annotation); kube-proxy trims them again (TestLoadBalancer).
    loadBalancerSourceRanges: z
      .array(
        z
          .string()
          .refine(
            (s) => parseCidr(s.trim()) !== null || parseCidr6(s.trim(), true) !== null,
            'expected a source range, like 10.1.15.0/24',
          ),
      )
      .default([]),
    healthCheckNodePort: z.int().min(1).max(65535).optional(),
    sessionAffinity: z.enum(['None', 'ClientIP']).default('None'),
    sessionAffinityTimeout: z
      .int()
      .min(1)
      .max(86400)
      .default(10800)
      .describe('sessionAffinityConfig.clientIP.timeoutSeconds'),
    ports: z
      .array(
        z.strictObject({
          name: z.string().default(''),
          port: z.int().min(1).max(65535),
          targetPort: z.int().min(1).max(65535),
          protocol: z.enum(['TCP', 'UDP']).default('TCP'),
          nodePort: z.int().min(1).max(65535).optional(),
          proxyPort: z
            .int()
            .min(1)
            .max(65535)
            .optional()
            .describe(
              'userspace mode: the port kube-proxy listens on (a random one the kernel picked for its port-0 listener; pin it to match a capture).',
            ),
        }),
      )
      .default([]),
    endpoints: z
      .array(
        z.strictObject({
          ip: ipAny.describe(
            "The address; an IPv6 one belongs to the Service's EndpointSlice of addressType IPv6.",
          ),
          node: name('a machine name').optional(),
          ready: z.boolean().optional().describe('conditions.ready (unset means ready).'),
          serving: z.boolean().optional().describe('conditions.serving (unset follows ready).'),
          terminating: z.boolean().optional().describe('conditions.terminating (unset means false).'),
        }),
      )
      .default([]),
  })
  .superRefine((s, ctx) => {
    // The API server's own validation (ValidateService) for the shapes DNS cares about.
    const issue = (path: string, message: string): void =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    if (s.type === 'ExternalName') {
      if (s.externalName === undefined) issue('externalName', 'Required value (type ExternalName)');
      if (s.clusterIP !== '') issue('clusterIP', 'must be empty for type ExternalName');
      return;
    }
    if (s.externalName !== undefined) issue('externalName', 'may only be set when `type` is ExternalName');
    if (s.clusterIP === '') issue('clusterIP', 'Required value');
    if (s.clusterIP === 'None' && s.type !== 'ClusterIP')
      issue('clusterIP', `may not be "None" for type ${s.type}`);
    if (s.clusterIP !== 'None' && s.ports.length === 0) issue('ports', 'Required value');
    dualStackIssues(s, issue);
  })
  .describe('A Kubernetes Service with its endpoints; kube-proxy on each node turns it into kernel state.');

export const FlowSchema = z.strictObject({
  id: z.string().regex(ID_RE, 'a flow id uses lower-case letters, digits and "-"'),
  netns: name('a netns name').describe(
    'A machine name (its root netns) or a netns created by `ip netns add`.',
  ),
  command: text,
  title: LocalizedSchema,
  description: LocalizedSchema.optional(),
  endpoint: ipAny.optional().describe("Pin the endpoint a Service's random (or round-robin) choice takes."),
  before: z
    .array(
      z.string().regex(/^[^:\s]+:\s*\S/, 'expected "NETNS: COMMAND", like "node2: systemctl stop flanneld"'),
    )
    .optional()
    .describe(
      'Commands run (in order, each to its end) after the world is built and before this flow: "NETNS: COMMAND". They are part of the setup, not of the journey.',
    ),
});

/** Where a correction matters in a journey: the flow, and optionally the netns and interface of the step. */
export const CorrectionPlaceSchema = z.strictObject({
  flow: z.string().regex(ID_RE, 'a flow id'),
  netns: name('a netns name').optional(),
  interface: name('an interface name').optional(),
});

export const CorrectionSchema = z
  .strictObject({
    id: z.string().regex(ID_RE, 'a correction id uses lower-case letters, digits and "-"'),
    note: z.strictObject({
      file: z
        .string()
        .regex(/^[A-Za-z0-9._-]+\.(md|html)$/, "the note's file name, like container-network-overview.md"),
      quote: text.describe('The sentence from the note, verbatim (in Chinese).'),
    }),
    says: LocalizedSchema.describe('What the note claims, in a sentence.'),
    linux: LocalizedSchema.describe('What the kernel and the tools really do.'),
    evidence: z
      .strictObject({
        flow: z.string().regex(ID_RE, 'a flow id').optional(),
        netns: name('a netns name').optional(),
        command: text.optional(),
        output: z.string().optional(),
      })
      .refine((e) => e.flow !== undefined || e.command !== undefined, 'give a flow or a command')
      .describe('A flow of this scenario that shows it, or a command (and its output) run in a netns.'),
    terms: z
      .array(text)
      .default([])
      .describe('Words a reader may search for, as the note spells them (flannel1, tun0, ...).'),
    at: CorrectionPlaceSchema.optional().describe('The step where the page shows it.'),
  })
  .describe('"The notes say / Linux does": a correction of the source notes, with its evidence.');

export const ScenarioFileSchema = z
  .strictObject({
    version: z.literal(SCENARIO_VERSION),
    id: z.string().regex(ID_RE, 'a scenario id uses lower-case letters, digits and "-"'),
    group: z.enum(GROUPS),
    concept: LocalizedSchema.describe('What the scenario teaches.'),
    title: LocalizedSchema,
    description: LocalizedSchema,
    segments: z.record(name('a segment name'), SegmentSchema.nullable()).default({}),
    ipv6: z
      .boolean()
      .default(false)
      .describe(
        'IPv6 runs in every namespace, as the kernel has it by default. Without it the namespaces have disable_ipv6 set, as the kernel lab checks IPv4 worlds.',
      ),
    store: z
      .record(
        z.string().regex(/^\/[^\s]*$/, 'a store key is an absolute path like /coreos.com/network/config'),
        z.string(),
      )
      .default({})
      .describe('Initial contents of the etcd-like store (keys to values).'),
    machines: z.record(name('a machine name'), MachineSchema),
    services: z.array(ServiceSchema).default([]),
    servers: z.array(ServerSchema).default([]),
    flows: z.array(FlowSchema).default([]),
    corrections: z.array(CorrectionSchema).default([]),
  })
  .describe('A Packet Journey scenario: machines configured by real Linux commands, and the flows to trace.');

export type ScenarioFile = z.infer<typeof ScenarioFileSchema>;
export type Localized = z.infer<typeof LocalizedSchema>;

/** The JSON Schema editors use for scenario YAML (draft 2020-12), generated from the zod schema. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ScenarioFileSchema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  });
  return {
    $id: 'https://packet-journey.invalid/schema/scenario.schema.json',
    title: 'Packet Journey scenario',
    ...schema,
  };
}
