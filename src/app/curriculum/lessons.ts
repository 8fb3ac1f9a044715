/**
 * The lessons of the guided path: a goal, what to watch for, the flows in order, and a checkpoint
 * that marks the lesson done (the mechanism questions of one flow, or a troubleshooting challenge).
 * Loaded with the lesson card, not the first page. zh is written for Chinese readers, not word by word.
 */
export interface L {
  en: string;
  zh: string;
}

export type Checkpoint = { kind: 'quiz'; flow: string } | { kind: 'challenge'; id: string };

export interface Lesson {
  scenario: string;
  goal: L;
  watch: L[];
  flows: string[];
  checkpoint: Checkpoint;
}

/** A checkpoint quiz is passed with at least this share of its questions right, all answered. */
export const PASS_SHARE = 0.6;

export const LESSONS: readonly Lesson[] = [
  {
    scenario: 'veth-pair',
    goal: {
      en: 'See that a veth pair is a cable between two namespaces: what goes in one end comes out of the other.',
      zh: '看清 veth pair 就是连接两个命名空间的一根网线：从一端进去的，从另一端出来。',
    },
    watch: [
      {
        en: 'Each namespace has its own routes: which one sends the ping out of veth?',
        zh: '每个命名空间都有自己的路由：是哪一条把 ping 从 veth 送出去的？',
      },
      {
        en: 'ARP comes first: the MAC of the other end must be known before the ping leaves.',
        zh: '先有 ARP：ping 发出之前必须先知道对端的 MAC。',
      },
    ],
    flows: ['ns2-ping-ns1'],
    checkpoint: { kind: 'quiz', flow: 'ns2-ping-ns1' },
  },
  {
    scenario: 'docker-bridge',
    goal: {
      en: "Tell bridging from routing on docker0, and see MASQUERADE give a container the host's address.",
      zh: '分清 docker0 上的桥接与路由，看 MASQUERADE 如何让容器用上主机的地址。',
    },
    watch: [
      {
        en: 'c1 to c2 stays on docker0: the bridge switches the frame and the TTL does not change.',
        zh: 'c1 到 c2 不离开 docker0：网桥交换这个帧，TTL 不变。',
      },
      {
        en: 'c1 to the web goes up to the host: a route decides, then POSTROUTING rewrites the source.',
        zh: 'c1 访问外网要交给主机：先由路由决定，再在 POSTROUTING 改写源地址。',
      },
      {
        en: 'On the way back conntrack undoes the NAT without any rule.',
        zh: '回程时 conntrack 自动撤销 NAT，不需要任何规则。',
      },
    ],
    flows: ['c1-ping-c2', 'c1-to-web', 'web-to-c1-hostport'],
    checkpoint: { kind: 'quiz', flow: 'c1-to-web' },
  },
  {
    scenario: 'nat-types',
    goal: {
      en: 'Compare static NAT, dynamic NAT and port translation: which field changes, where, and how the reply finds its way back.',
      zh: '比较静态 NAT、动态 NAT 和端口转换：哪个字段在哪里被改写，回包又怎样找回来。',
    },
    watch: [
      {
        en: 'DNAT happens in PREROUTING, before the route lookup; SNAT in POSTROUTING, after it.',
        zh: 'DNAT 发生在 PREROUTING，在路由查找之前；SNAT 发生在 POSTROUTING，在路由之后。',
      },
      {
        en: 'Two clients behind one address are told apart by their ports.',
        zh: '同一个地址后面的两个客户端靠端口区分。',
      },
    ],
    flows: ['static-nat-inbound', 'dynamic-nat', 'pat-two-clients'],
    checkpoint: { kind: 'quiz', flow: 'dynamic-nat' },
  },
  {
    scenario: 'pod-to-internet',
    goal: {
      en: "Follow a pod's request through two NATs to the internet and back.",
      zh: '跟着一个 Pod 的请求经过两次 NAT 到达互联网，再回来。',
    },
    watch: [
      {
        en: 'node1 masquerades the pod address to its own; gw masquerades again to its public address.',
        zh: 'node1 把 Pod 地址伪装成自己的地址；gw 再伪装成它的公网地址。',
      },
      {
        en: "Each box's conntrack undoes only its own translation on the reply.",
        zh: '回包时，每台设备的 conntrack 只撤销自己做的那次转换。',
      },
    ],
    flows: ['pod-to-web'],
    checkpoint: { kind: 'challenge', id: 'missing-masquerade' },
  },
  {
    scenario: 'static-routes',
    goal: {
      en: 'Route between two hosts by hand: every hop needs a route there and a route back.',
      zh: '手工在两台主机之间配路由：每一跳都需要去程和回程的路由。',
    },
    watch: [
      { en: 'The longest matching prefix wins in each route table.', zh: '每张路由表里，最长前缀匹配胜出。' },
      {
        en: 'A router forwards without changing the source address: only the TTL drops.',
        zh: '路由器转发时不改源地址：只有 TTL 减一。',
      },
    ],
    flows: ['pod1-ping-pod2'],
    checkpoint: { kind: 'quiz', flow: 'pod1-ping-pod2' },
  },
  {
    scenario: 'flannel-host-gw',
    goal: {
      en: 'See flannel host-gw turn each node into the router for its own pod subnet, with no encapsulation.',
      zh: '看 flannel host-gw 如何让每个节点成为自己 Pod 子网的路由器，不做任何封装。',
    },
    watch: [
      {
        en: "The route to the other node's lease goes via that node's address.",
        zh: '通往另一个节点租约的路由，下一跳就是那个节点的地址。',
      },
      {
        en: 'Pod addresses appear unchanged on the underlay: the nodes must share one L2 segment.',
        zh: 'Pod 地址原样出现在底层网络上：所有节点必须在同一个二层网段。',
      },
    ],
    flows: ['pod1-ping-pod2', 'pod1-ping-pod3'],
    checkpoint: { kind: 'challenge', id: 'missing-route' },
  },
  {
    scenario: 'flannel-udp',
    goal: {
      en: 'See flanneld in user space read packets from a TUN device and carry them in UDP.',
      zh: '看用户态的 flanneld 从 TUN 设备读出包，再装进 UDP 送走。',
    },
    watch: [
      {
        en: 'The route sends pod traffic into flannel0, a TUN device: the kernel hands it to flanneld.',
        zh: '路由把 Pod 流量送进 flannel0 这个 TUN 设备：内核把它交给 flanneld。',
      },
      {
        en: 'The outer packet is ordinary UDP to port 8285 between the node addresses.',
        zh: '外层包是节点地址之间发往 8285 端口的普通 UDP。',
      },
    ],
    flows: ['pod1-ping-pod3'],
    checkpoint: { kind: 'quiz', flow: 'pod1-ping-pod3' },
  },
  {
    scenario: 'flannel-vxlan',
    goal: {
      en: "See flannel.1 wrap a pod's frame in VXLAN and the other node unwrap it.",
      zh: '看 flannel.1 把 Pod 的帧封装进 VXLAN，再由另一个节点解封装。',
    },
    watch: [
      {
        en: 'The route, the neighbour entry and the FDB entry that flanneld wrote work together.',
        zh: 'flanneld 写下的路由、邻居条目和 FDB 条目协同工作。',
      },
      {
        en: 'The outer header: UDP to port 8472, from node address to node address, VNI 1.',
        zh: '外层头部：发往 8472 端口的 UDP，节点地址到节点地址，VNI 为 1。',
      },
      {
        en: 'The outer packet is for the node itself: the local table takes it before flannel.1 unwraps it.',
        zh: '外层包是发给节点自己的：先由 local 表接收，再交给 flannel.1 解封装。',
      },
    ],
    flows: ['pod-a-ping-pod-b', 'vxlan-dropped-in-input'],
    checkpoint: { kind: 'challenge', id: 'vxlan-fdb' },
  },
  {
    scenario: 'calico-bgp',
    goal: {
      en: 'See Calico route pods with BGP: routes learned from peers, no bridge, proxy ARP on the host side.',
      zh: '看 Calico 用 BGP 为 Pod 选路：路由从对端学来，没有网桥，宿主机一侧用代理 ARP。',
    },
    watch: [
      {
        en: "The pod's default route points at 169.254.1.1, an address nobody has: proxy ARP answers.",
        zh: 'Pod 的默认路由指向 169.254.1.1，这个地址没人拥有：由代理 ARP 应答。',
      },
      {
        en: 'Each node has a route per remote block, learned by BIRD (proto bird).',
        zh: '每个节点对每个远端地址块都有一条路由，由 BIRD 学到（proto bird）。',
      },
    ],
    flows: ['pod-a-ping-pod-c', 'pod-a-ping-pod-b'],
    checkpoint: { kind: 'quiz', flow: 'pod-a-ping-pod-c' },
  },
  {
    scenario: 'k8s-service-iptables',
    goal: {
      en: 'See a ClusterIP, an address no interface owns, become one endpoint by DNAT.',
      zh: '看 ClusterIP 这个不属于任何接口的地址，如何被 DNAT 成某一个后端。',
    },
    watch: [
      {
        en: 'KUBE-SERVICES, KUBE-SVC and KUBE-SEP chains pick an endpoint at random on the first packet.',
        zh: 'KUBE-SERVICES、KUBE-SVC、KUBE-SEP 几条链在第一个包上随机选出一个后端。',
      },
      {
        en: "The reply's source becomes the ClusterIP again, thanks to conntrack.",
        zh: '多亏了 conntrack，回包的源地址又变回 ClusterIP。',
      },
    ],
    flows: ['client-to-clusterip', 'pod-to-itself-via-service', 'external-to-nodeport'],
    checkpoint: { kind: 'quiz', flow: 'client-to-clusterip' },
  },
  {
    scenario: 'troubleshoot-host-gw-l3',
    goal: {
      en: 'Find why host-gw fails when the nodes are not on one L2 segment.',
      zh: '找出节点不在同一个二层网段时 host-gw 为什么会失败。',
    },
    watch: [
      {
        en: "A route's gateway must be directly reachable: the kernel refuses a via that is behind a router.",
        zh: '路由的网关必须直接可达：内核拒绝一个位于路由器后面的 via。',
      },
      {
        en: 'Without that route the packet has nowhere to go: read the setup log for the refused command.',
        zh: '没有这条路由，包就无处可去：在 setup 日志里找被拒绝的那条命令。',
      },
    ],
    flows: ['pod1-ping-pod3'],
    checkpoint: { kind: 'challenge', id: 'ip-forward-off' },
  },
  {
    scenario: 'troubleshoot-forward-drop',
    goal: {
      en: 'Find the rule that kills pod traffic after the tunnel, and fix it.',
      zh: '找出在隧道之后干掉 Pod 流量的那条规则，并修好它。',
    },
    watch: [
      {
        en: 'The packet is decapsulated fine; it dies when the node forwards it.',
        zh: '包解封装一切正常；它死在节点转发的时候。',
      },
      {
        en: "FORWARD's policy applies to every routed packet that no rule accepts.",
        zh: 'FORWARD 的默认策略作用于每一个没有被规则放行的转发包。',
      },
    ],
    flows: ['pod-a-ping-pod-b'],
    checkpoint: { kind: 'challenge', id: 'forward-drop' },
  },
  {
    scenario: 'troubleshoot-vxlan-mtu',
    goal: {
      en: 'See why a 1500-byte packet cannot cross a VXLAN tunnel, and what the kernel answers.',
      zh: '看清 1500 字节的包为什么过不了 VXLAN 隧道，以及内核如何回应。',
    },
    watch: [
      {
        en: "VXLAN costs 50 bytes: flannel.1's MTU is 1450.",
        zh: 'VXLAN 要占 50 字节：flannel.1 的 MTU 是 1450。',
      },
      {
        en: 'With DF set, the node answers ICMP "fragmentation needed" with the next-hop MTU.',
        zh: '设置了 DF 时，节点回应 ICMP“需要分片”，并给出下一跳 MTU。',
      },
    ],
    flows: ['big-ping'],
    checkpoint: { kind: 'quiz', flow: 'big-ping' },
  },
];

export function lessonOf(scenario: string | null): Lesson | undefined {
  return LESSONS.find((l) => l.scenario === scenario);
}

/** A checkpoint quiz is passed when every question is answered and enough are right. */
export function quizPassed(score: { answered: number; correct: number; total: number }): boolean {
  return (
    score.total > 0 && score.answered === score.total && score.correct >= Math.ceil(score.total * PASS_SHARE)
  );
}
