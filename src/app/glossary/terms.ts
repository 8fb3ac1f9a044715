/**
 * The glossary: short definitions in the product's own words, in English and Simplified Chinese,
 * and the patterns that link a term where it appears in an explanation.
 */
import type { Lang } from '../i18n';

export interface GlossaryEntry {
  id: string;
  term: Record<Lang, string>;
  def: Record<Lang, string>;
  /** Literal spellings that link to this entry, per language (matched case-sensitively, whole words). */
  match: Record<Lang, string[]>;
}

const both = (...spellings: string[]): Record<Lang, string[]> => ({ en: spellings, 'zh-CN': spellings });

export const GLOSSARY: GlossaryEntry[] = [
  {
    id: 'veth',
    term: { en: 'veth pair', 'zh-CN': 'veth 对' },
    def: {
      en: 'Two virtual interfaces joined by a cable: a frame sent into one comes out of the other. One end usually sits in a container, the other in the host.',
      'zh-CN':
        '由一根“网线”相连的两块虚拟网卡：从一端发进去的帧从另一端出来。通常一端在容器里，另一端在主机上。',
    },
    match: { en: ['veth pair', 'veths', 'veth'], 'zh-CN': ['veth 对', 'veth'] },
  },
  {
    id: 'bridge',
    term: { en: 'bridge', 'zh-CN': '网桥' },
    def: {
      en: 'A software switch inside the kernel (docker0, cni0). It forwards frames between its ports by destination MAC, using its FDB.',
      'zh-CN': '内核里的软件交换机（如 docker0、cni0）。它按目的 MAC 查 FDB，在各端口之间转发帧。',
    },
    match: { en: ['bridge', 'Bridge'], 'zh-CN': ['网桥'] },
  },
  {
    id: 'fdb',
    term: { en: 'FDB', 'zh-CN': 'FDB（转发数据库）' },
    def: {
      en: 'The forwarding database: which MAC address lives behind which port. A bridge learns it from source MACs; a VXLAN device maps MACs to remote VTEPs in it.',
      'zh-CN':
        '转发数据库：哪个 MAC 地址在哪个端口后面。网桥从源 MAC 学习它；VXLAN 设备用它把 MAC 映射到远端 VTEP。',
    },
    match: both('FDB'),
  },
  {
    id: 'arp',
    term: { en: 'ARP', 'zh-CN': 'ARP' },
    def: {
      en: 'Address Resolution Protocol: a broadcast asks "who has this IPv4 address?" and the owner answers with its MAC. Answers fill the neighbour table.',
      'zh-CN': '地址解析协议：广播询问“谁有这个 IPv4 地址？”，拥有者回答自己的 MAC。答案写入邻居表。',
    },
    match: both('ARP'),
  },
  {
    id: 'proxy-arp',
    term: { en: 'proxy ARP', 'zh-CN': '代理 ARP' },
    def: {
      en: 'An interface with proxy_arp on answers ARP for addresses that are not its own but that it routes elsewhere, with its own MAC; the traffic then goes through its IP stack.',
      'zh-CN':
        '开启 proxy_arp 的接口会替不属于自己、但由它路由到别处的地址应答 ARP，并给出自己的 MAC；之后的流量就经过它的 IP 协议栈。',
    },
    match: { en: ['Proxy ARP', 'proxy ARP', 'proxy_arp'], 'zh-CN': ['代理 ARP', 'proxy_arp'] },
  },
  {
    id: 'neigh',
    term: { en: 'neighbour table', 'zh-CN': '邻居表' },
    def: {
      en: "The kernel's map from next-hop IPv4 addresses to MAC addresses (ip neigh), filled by ARP or written as permanent entries.",
      'zh-CN': '内核里从下一跳 IPv4 地址到 MAC 地址的映射（ip neigh），由 ARP 填充，或作为永久表项写入。',
    },
    match: { en: ['neighbour table', 'neighbour entry'], 'zh-CN': ['邻居表'] },
  },
  {
    id: 'route-lookup',
    term: { en: 'route lookup', 'zh-CN': '查路由' },
    def: {
      en: 'The kernel picks the most specific matching route (longest prefix) for the destination: it gives the output device, the next hop and the source address.',
      'zh-CN': '内核为目的地址找出最具体的匹配路由（最长前缀），由它决定出接口、下一跳和源地址。',
    },
    match: { en: ['Route lookup', 'route lookup'], 'zh-CN': ['查路由'] },
  },
  {
    id: 'onlink',
    term: { en: 'onlink', 'zh-CN': 'onlink' },
    def: {
      en: 'A route flag: treat the gateway as directly reachable on this device even though no address of the device covers it. flannel and Calico use it for tunnel next hops.',
      'zh-CN':
        '路由标志：即使设备上没有覆盖网关的地址，也把网关当作在该设备上直接可达。flannel 和 Calico 用它指定隧道的下一跳。',
    },
    match: both('onlink'),
  },
  {
    id: 'vxlan',
    term: { en: 'VXLAN', 'zh-CN': 'VXLAN' },
    def: {
      en: 'An overlay that wraps a whole Ethernet frame in UDP (port 8472 for flannel, 4789 by the RFC), so pods on different hosts share an L2 network over any IP underlay.',
      'zh-CN':
        '一种覆盖网络：把整个以太网帧装进 UDP（flannel 用 8472 端口，RFC 规定 4789），让不同主机上的 Pod 通过任意 IP 底层网络共享一个二层网络。',
    },
    match: both('VXLAN'),
  },
  {
    id: 'vtep',
    term: { en: 'VTEP', 'zh-CN': 'VTEP' },
    def: {
      en: "VXLAN tunnel end point: the address where a host wraps and unwraps VXLAN frames (flannel.1 on each node, reached through the node's underlay address).",
      'zh-CN':
        'VXLAN 隧道端点：主机封装和解封 VXLAN 帧的地方（每个节点上的 flannel.1，通过节点的底层地址到达）。',
    },
    match: both('VTEP'),
  },
  {
    id: 'vni',
    term: { en: 'VNI', 'zh-CN': 'VNI' },
    def: {
      en: 'VXLAN network identifier: a 24-bit number in the VXLAN header that says which virtual network the inner frame belongs to.',
      'zh-CN': 'VXLAN 网络标识：VXLAN 头中的 24 位数字，表明内层帧属于哪个虚拟网络。',
    },
    match: both('VNI'),
  },
  {
    id: 'ipip',
    term: { en: 'IPIP', 'zh-CN': 'IPIP' },
    def: {
      en: 'IP-in-IP tunnelling (protocol 4): an outer IPv4 header around the inner IPv4 packet, no Ethernet inside. Calico uses it through tunl0.',
      'zh-CN':
        'IP-in-IP 隧道（协议号 4）：在内层 IPv4 数据包外面再加一个 IPv4 头，里面没有以太网头。Calico 通过 tunl0 使用它。',
    },
    match: both('IPIP'),
  },
  {
    id: 'gre',
    term: { en: 'GRE', 'zh-CN': 'GRE' },
    def: {
      en: 'Generic Routing Encapsulation (protocol 47): an outer IPv4 header and a 4-byte GRE header (8 with a key) around the inner packet, no UDP. A Linux gre device is a point-to-point tunnel to its remote.',
      'zh-CN':
        '通用路由封装（协议号 47）：在内层数据包外面加一个外层 IPv4 头和 4 字节的 GRE 头（带 key 时 8 字节），没有 UDP。Linux 的 gre 设备是通往对端主机的点对点隧道。',
    },
    match: both('GRE'),
  },
  {
    id: 'tun',
    term: { en: 'TUN', 'zh-CN': 'TUN' },
    def: {
      en: "A virtual interface backed by a program: packets routed into it are read from /dev/net/tun by user space (flanneld's UDP backend), and written packets enter the kernel.",
      'zh-CN':
        '由一个程序支撑的虚拟接口：路由进去的数据包由用户态从 /dev/net/tun 读出（flanneld 的 UDP 后端），写入的数据包进入内核。',
    },
    match: both('TUN', '/dev/net/tun'),
  },
  {
    id: 'snat',
    term: { en: 'SNAT', 'zh-CN': 'SNAT' },
    def: {
      en: 'Source NAT: the source address (and maybe port) is rewritten, usually in POSTROUTING, so replies come back to the translating host.',
      'zh-CN':
        '源地址转换：改写源地址（可能还有端口），通常在 POSTROUTING 中进行，这样回包会回到做转换的主机。',
    },
    match: both('SNAT'),
  },
  {
    id: 'dnat',
    term: { en: 'DNAT', 'zh-CN': 'DNAT' },
    def: {
      en: 'Destination NAT: the destination address (and port) is rewritten, in PREROUTING or OUTPUT, before the route lookup: how published ports and Services work.',
      'zh-CN':
        '目的地址转换：在 PREROUTING 或 OUTPUT 中、查路由之前改写目的地址（和端口）。端口发布和 Service 都靠它。',
    },
    match: both('DNAT'),
  },
  {
    id: 'masquerade',
    term: { en: 'MASQUERADE', 'zh-CN': 'MASQUERADE' },
    def: {
      en: 'SNAT to whatever address the outgoing interface has at that moment: how containers and pods reach the internet through their host.',
      'zh-CN': '把源地址转换成出接口当时的地址（SNAT 的一种）：容器和 Pod 就是这样经由主机访问互联网的。',
    },
    match: both('MASQUERADE', 'masquerading'),
  },
  {
    id: 'conntrack',
    term: { en: 'conntrack', 'zh-CN': 'conntrack（连接跟踪）' },
    def: {
      en: "Connection tracking: the kernel remembers every flow and its NAT. Only a connection's first packet walks the nat rules; the rest, and the replies, follow the entry.",
      'zh-CN': '连接跟踪：内核记住每条流及其 NAT。只有连接的首包会走 nat 规则；之后的包和回包都按表项处理。',
    },
    match: both('conntrack'),
  },
  {
    id: 'iptables',
    term: { en: 'iptables', 'zh-CN': 'iptables' },
    def: {
      en: 'Rules in tables (raw, mangle, nat, filter) and chains (PREROUTING, INPUT, FORWARD, OUTPUT, POSTROUTING) that netfilter runs at fixed hooks of the packet path.',
      'zh-CN':
        '分布在表（raw、mangle、nat、filter）和链（PREROUTING、INPUT、FORWARD、OUTPUT、POSTROUTING）中的规则，netfilter 在数据包路径上固定的钩子处执行它们。',
    },
    match: both('iptables'),
  },
  {
    id: 'br-netfilter',
    term: { en: 'br_netfilter', 'zh-CN': 'br_netfilter' },
    def: {
      en: 'A module that makes bridged frames walk the iptables hooks too; Kubernetes needs it so Service DNAT works between pods on the same bridge.',
      'zh-CN':
        '让经过网桥的帧也走 iptables 钩子的内核模块；Kubernetes 需要它，同一网桥上的 Pod 之间的 Service DNAT 才能生效。',
    },
    match: both('br_netfilter'),
  },
  {
    id: 'kube-proxy',
    term: { en: 'kube-proxy', 'zh-CN': 'kube-proxy' },
    def: {
      en: 'The Kubernetes node agent that turns Services and their endpoints into iptables rules, IPVS virtual servers or (long ago) a user-space proxy.',
      'zh-CN':
        'Kubernetes 的节点组件：把 Service 及其端点变成 iptables 规则、IPVS 虚拟服务，或者（早期的）用户态代理。',
    },
    match: both('kube-proxy'),
  },
  {
    id: 'ipvs',
    term: { en: 'IPVS', 'zh-CN': 'IPVS' },
    def: {
      en: "The kernel's L4 load balancer: a virtual service (ClusterIP:port) with real servers and a scheduler; kube-proxy's ipvs mode uses it instead of long iptables chains.",
      'zh-CN':
        '内核的四层负载均衡器：一个虚拟服务（ClusterIP:端口）加上若干真实服务器和一个调度器；kube-proxy 的 ipvs 模式用它代替冗长的 iptables 链。',
    },
    match: both('IPVS'),
  },
  {
    id: 'bgp',
    term: { en: 'BGP', 'zh-CN': 'BGP' },
    def: {
      en: "Border Gateway Protocol: peers tell each other which prefixes live behind them (UPDATE with NEXT_HOP). Calico's BIRD uses it to spread pod routes.",
      'zh-CN':
        '边界网关协议：对等体互相告知哪些前缀在自己后面（带 NEXT_HOP 的 UPDATE）。Calico 的 BIRD 用它传播 Pod 路由。',
    },
    match: both('BGP', 'iBGP'),
  },
  {
    id: 'route-reflector',
    term: { en: 'route reflector', 'zh-CN': '路由反射器' },
    def: {
      en: 'A BGP speaker that passes routes learned from one iBGP peer on to the others, so nodes need one session each instead of a full mesh.',
      'zh-CN':
        '把从一个 iBGP 对等体学到的路由转告给其他对等体的 BGP 节点，这样每个节点只需一条会话，而不必两两全互联。',
    },
    match: { en: ['route reflector'], 'zh-CN': ['路由反射器'] },
  },
  {
    id: 'lease',
    term: { en: 'lease', 'zh-CN': '租约' },
    def: {
      en: "flanneld's claim on a pod subnet, kept in the store with a time to live; it must be renewed, and the other nodes watch leases to write their routes.",
      'zh-CN':
        'flanneld 对一个 Pod 子网的占用，存放在存储中并带有存活时间；必须续约，其他节点监视租约来写入自己的路由。',
    },
    match: { en: ['leases', 'lease'], 'zh-CN': ['租约'] },
  },
  {
    id: 'netns',
    term: { en: 'network namespace', 'zh-CN': '网络命名空间' },
    def: {
      en: 'A separate copy of the network stack: its own interfaces, routes, neighbours and iptables. Each container or pod has one; the host has the root one.',
      'zh-CN':
        '网络协议栈的一份独立副本：有自己的接口、路由、邻居表和 iptables。每个容器或 Pod 有一个；主机拥有根命名空间。',
    },
    match: { en: ['network namespaces', 'network namespace', 'namespace'], 'zh-CN': ['命名空间'] },
  },
  {
    id: 'ttl',
    term: { en: 'TTL', 'zh-CN': 'TTL' },
    def: {
      en: 'Time to live: every router decrements it; at 0 the packet is dropped. A bridge never touches it, which tells switching from routing.',
      'zh-CN':
        '生存时间：每经过一个路由器减一，减到 0 数据包被丢弃。网桥从不改它，这正是区分交换和路由的方法。',
    },
    match: both('TTL'),
  },
  {
    id: 'mtu',
    term: { en: 'MTU', 'zh-CN': 'MTU' },
    def: {
      en: 'The largest packet an interface sends. Tunnels add headers, so their MTU is smaller (1450 for VXLAN on a 1500 link).',
      'zh-CN': '接口能发送的最大数据包。隧道会加报文头，所以隧道的 MTU 更小（1500 的链路上 VXLAN 为 1450）。',
    },
    match: both('MTU'),
  },
];

export const GLOSSARY_BY_ID = new Map(GLOSSARY.map((g) => [g.id, g]));

export type Segment = { text: string; term?: string };

const matchers = new Map<Lang, { re: RegExp; ids: Map<string, string> }>();

function matcherFor(lang: Lang) {
  let m = matchers.get(lang);
  if (!m) {
    const ids = new Map<string, string>();
    for (const g of GLOSSARY) for (const s of g.match[lang]) if (!ids.has(s)) ids.set(s, g.id);
    const alts = [...ids.keys()]
      .sort((a, b) => b.length - a.length)
      .map((s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
    // Whole words for Latin spellings (veth must not link inside "vethf3204136").
    m = { re: new RegExp(`(?<![\\w-])(?:${alts.join('|')})(?![\\w-])`, 'g'), ids };
    matchers.set(lang, m);
  }
  return m;
}

/** Splits text into plain runs and glossary terms (each term linked once per text). */
export function linkTerms(text: string, lang: Lang, seen: Set<string> = new Set()): Segment[] {
  const { re, ids } = matcherFor(lang);
  const out: Segment[] = [];
  let at = 0;
  for (const m of text.matchAll(re)) {
    const id = ids.get(m[0])!;
    if (seen.has(id)) continue;
    seen.add(id);
    if (m.index > at) out.push({ text: text.slice(at, m.index) });
    out.push({ text: m[0], term: id });
    at = m.index + m[0].length;
  }
  if (at < text.length) out.push({ text: text.slice(at) });
  return out;
}
