/**
 * The words of mechanism questions, in English and Simplified Chinese. They ship with the quiz's
 * lazy chunk, not the first page. Placeholders are {name}; an arg "@key" is rendered as that key.
 */
export const QUIZ_EN = {
  'ui.title': 'How does it work?',
  'ui.question': 'Question {n} of {total}',
  'ui.score': 'Score: {correct} / {answered}',
  'ui.right': 'Right.',
  'ui.wrong': 'Not quite: the answer is "{answer}".',
  'ui.decided': 'Decided by {table} in {netns}: {row}',
  'ui.continue': 'Reveal the step',
  'ui.next-at': 'The next question comes before event {n}: step forward.',
  'ui.none': 'No question ahead on this flow.',
  'ui.more': 'Ask about every mechanism ({n} questions)',
  'ui.summary': 'You answered {correct} of {total} right.',
  'ui.missed': 'What you missed',
  'ui.all-right': 'Nothing missed: every answer was right.',
  'ui.unanswered': 'Not answered yet: {n}',
  'ui.your': 'Your answer: {answer}',
  'ui.answer': 'Answer: {answer}',
  'ui.copy': 'Copy the link to these results',
  'ui.copied': 'Copied. The link reopens this flow with these answers.',
  'ui.restart': 'Start over',
  'ui.progress': 'Questions answered',
  'k.drop': 'drop',
  'k.encap': 'encapsulation',
  'k.snat': 'source NAT',
  'k.dnat': 'destination NAT',
  'k.denat': 'conntrack on the reply',
  'k.keep-src': 'forwarding',
  'k.l2l3': 'routed or bridged',
  'k.route': 'route lookup',

  'p.snat': 'Will the source address change here in {netns} ({hook}), and to what?',
  'p.keep-src':
    '{netns} forwards the packet for {dst} out of {out}. Will its source address change, and to what?',
  'p.dnat': 'Will the destination address change here in {netns} ({hook}), and to what?',
  'p.denat-dst': "The reply reaches {netns}. What does the reply's destination become after conntrack?",
  'p.denat-src': "The reply reaches {netns}. What does the reply's source become after conntrack?",
  'p.route': '{netns} looks up {dst}. Which table, and which row of it, decides the next hop?',
  'p.l2l3': 'The frame for {dst} arrives on {bridge} in {netns}. Is it routed or bridged here?',
  'p.encap':
    'The packet for {dst} leaves {netns} through a tunnel. Which device adds the outer header, and which port does it use?',
  'p.drop': 'The packet {src} > {dst} never gets past {netns}. Which rule drops it?',

  'c.yes-to': 'Yes: to {ip}',
  'c.stays': 'No: it stays {ip}',
  'c.becomes': '{ip}',
  'c.unchanged': 'It stays {ip}',
  'c.route': '{table}: {row}',
  'c.bridged': 'Bridged: {bridge} forwards the frame by its FDB',
  'c.routed': "Routed: it goes up to {netns}'s IP layer and a route decides",
  'c.local': 'Delivered: a socket in {netns} takes it',
  'c.encap-udp': '{dev} ({kind}), UDP port {port}',
  'c.encap-ipip': '{dev} (IPIP), no port: IP protocol 4',
  'c.encap-gre': '{dev} (GRE), no port: IP protocol 47',
  'c.encap-user': 'flanneld in user space (reads {dev}), UDP port {port}',
  'c.row': '{row}',

  'w.snat.right-masq':
    '"{rule}" matches in nat {hook}: MASQUERADE writes the address of the outgoing interface {out}, so the source {from} becomes {to}. conntrack keeps the mapping to translate the replies back.',
  'w.snat.right-snat':
    '"{rule}" matches in nat {hook}: SNAT writes the address it names, so the source {from} becomes {to}. conntrack keeps the mapping to translate the replies back.',
  'w.snat.stays': '"{rule}" matches in nat {hook} and rewrites the source: it does not stay {from}.',
  'w.snat.other':
    '{ip} is the address of {dev} in {netns}, not what "{rule}" writes: the source becomes {to}.',
  'w.keep.right':
    'No rule in the nat POSTROUTING chain of {netns} rewrites {src} > {dst}, so the router forwards the packet with its source unchanged (only the TTL drops by one).',
  'w.keep.other':
    '{ip} is the address of {dev} in {netns}. MASQUERADE would write it, but no SNAT or MASQUERADE rule in {netns} matches this packet: see the nat table.',
  'w.dnat.right':
    '"{rule}" matches in nat {hook}: the destination {from} becomes {to}. conntrack records the mapping, so the reply\'s source is translated back.',
  'w.dnat.stays': '"{rule}" matches in nat {hook} and rewrites the destination: it does not stay {from}.',
  'w.dnat.other':
    '{ip} is the target of another DNAT rule ("{row}"); the rule that matched this packet is "{rule}", which gives {to}.',
  'w.dnat.addr': '{ip} is the address of {dev} in {netns}; no DNAT rule that matched names it.',
  'w.denat.right-dst':
    'conntrack finds the connection ({row}): the reply was sent to {from}, which it maps back to the original source {to} before routing. No iptables rule runs for a reply.',
  'w.denat.right-src':
    'conntrack finds the connection ({row}): the reply comes from {from}, which it maps back to the address the client asked for, {to}. No iptables rule runs for a reply.',
  'w.denat.stays':
    'conntrack undoes the NAT of a reply by itself, from the entry "{row}": the address does not stay {from}.',
  'w.denat.other':
    '{ip} is the address of {dev} in {netns}; conntrack restores exactly the original address from its entry: {to}.',
  'w.route.right-main':
    'Longest prefix match: "{row}" is the most specific route holding {dst} (/{len}). The local table, read first (ip rule 0), has no entry for {dst}, so the main table decides.',
  'w.route.right-local':
    '{dst} is an address of {netns} itself: the local table, read first (ip rule 0: from all lookup local), holds "{row}", so the packet is for this namespace and main is never read.',
  'w.route.right-default':
    'The default route: no more specific prefix holds {dst}, and the local table, read first (ip rule 0), has no entry for it, so the default route of main decides.',
  'w.route.right-other': '"{row}" in table {table} holds {dst} (/{len}) and is the most specific match.',
  'w.route.shorter': 'It holds {dst} too, but only as /{len}: the longer prefix /{best} wins.',
  'w.route.nomatch': 'It is for {prefix}, which does not hold {dst}.',
  'w.route.local-other': "A local-table entry for {netns}'s own address {prefix}; {dst} is not one of them.",
  'w.l2.routed-right':
    'The destination MAC {mac} is {bridge}\'s own address (FDB: "{row}"), so the bridge passes the frame up to {netns}\'s IP layer: a route lookup decides and the TTL drops by one.',
  'w.l2.local-right':
    "The destination MAC {mac} is {bridge}'s own address, and {dst} is an address of {netns}: the frame goes up and the local table delivers it to a socket.",
  'w.l2.bridged-right':
    'The destination MAC {mac} is behind port {out} (FDB: "{row}"): the bridge forwards the frame at layer 2. No route lookup, and the TTL is untouched.',
  'w.l2.not-bridged':
    "A bridge forwards only frames for other hosts; this frame's destination MAC {mac} is {bridge}'s own (see the Ethernet header), so it goes up to the IP layer.",
  'w.l2.not-routed':
    'The frame\'s destination MAC {mac} is not {bridge}\'s own: FDB row "{row}" sends it out of port {out}, without the IP layer.',
  'w.l2.not-local':
    '{dst} is not an address of {netns}: once the bridge hands the frame up, the route lookup forwards it.',
  'w.l2.is-local': '{dst} is an address of {netns}: the local table takes it, nothing is forwarded.',
  'w.encap.right-vxlan':
    'The route sends the packet into {dev}, a VXLAN device. Its FDB row "{row}" names VTEP {vtep}, so {dev} wraps the frame: VXLAN (VNI {vni}), UDP to port {port}, outer IPv4 {src} > {vtep}. See the outer UDP header\'s destination port.',
  'w.encap.right-ipip':
    'The route sends the packet into {dev}, an IPIP tunnel: it adds only an outer IPv4 header {src} > {remote} with protocol 4. There is no UDP header, so no port.',
  'w.encap.right-gre':
    'The route sends the packet into {dev}, a GRE tunnel: it adds a GRE header and an outer IPv4 header {src} > {remote} with protocol 47. There is no UDP header, so no port.',
  'w.encap.right-user':
    '{dev} is a TUN device: flanneld reads the packet from it in user space and sends it inside an ordinary UDP datagram to port {port} of node {node}.',
  'w.encap.port':
    "Port {port} is {about}. This tunnel uses {right}: see the outer UDP header's destination port.",
  'w.encap.no-udp-ipip':
    'IPIP has no UDP header: {dev} puts the inner packet straight after an outer IPv4 header with protocol 4.',
  'w.encap.no-udp-gre':
    'GRE has no UDP header: {dev} puts a 4-byte GRE header (protocol type 0x0800) and an outer IPv4 header with protocol 47 in front of the inner packet.',
  'w.encap.underlay':
    '{dev} is the underlay NIC: it carries the packet the tunnel already wrapped and adds only its Ethernet header.',
  'w.encap.bridge': '{dev} is a bridge: it switches frames between its ports and adds no header.',
  'w.encap.device': '{dev} ({kind}) is not where the route sends this packet, so it adds nothing.',
  'w.encap.kernel':
    '{dev} is a TUN device, not a kernel tunnel: it is flanneld, in user space, that wraps the packet in UDP.',
  'port.4789': 'the IANA-assigned VXLAN port',
  'port.8472': "the Linux kernel's original VXLAN port, flannel's VXLAN default",
  'port.8285': "flannel's UDP backend port",
  'w.drop.right-policy':
    'No rule in {chain} accepted {src} > {dst}, so the chain\'s policy decides: "{row}".',
  'w.drop.right-rule': '"{row}" matches {src} > {dst} in {chain}, and its target drops the packet.',
  'w.drop.other-chain': 'It belongs to another chain; this packet is judged in {chain}.',
  'w.drop.no-match': 'It is in {chain} but does not match {src} > {dst}.',
  'w.drop.accepts': 'It would let the packet through: it does not drop it.',
  'w.drop.route': 'The route lookup found this route: the packet had a route, and died after it, in {chain}.',
} as const;

export type TextKey = keyof typeof QUIZ_EN;

export const QUIZ_ZH: Record<TextKey, string> = {
  'ui.title': '它是怎么工作的？',
  'ui.question': '第 {n} 题，共 {total} 题',
  'ui.score': '得分：{correct} / {answered}',
  'ui.right': '答对了。',
  'ui.wrong': '不对：答案是“{answer}”。',
  'ui.decided': '由 {netns} 的 {table} 决定：{row}',
  'ui.continue': '揭晓这一步',
  'ui.next-at': '下一题在第 {n} 个事件之前：继续前进。',
  'ui.none': '这个流程后面没有题目了。',
  'ui.more': '每个机制都问（共 {n} 题）',
  'ui.summary': '你答对了 {correct} 题，共 {total} 题。',
  'ui.missed': '答错的题目',
  'ui.all-right': '没有答错：全部正确。',
  'ui.unanswered': '尚未作答：{n} 题',
  'ui.your': '你的答案：{answer}',
  'ui.answer': '正确答案：{answer}',
  'ui.copy': '复制这份成绩的链接',
  'ui.copied': '已复制。这个链接会打开同一个流程和这些答案。',
  'ui.restart': '重新开始',
  'ui.progress': '已答题目',
  'k.drop': '丢包',
  'k.encap': '封装',
  'k.snat': '源地址转换',
  'k.dnat': '目的地址转换',
  'k.denat': '回包与 conntrack',
  'k.keep-src': '转发',
  'k.l2l3': '路由还是桥接',
  'k.route': '路由查找',

  'p.snat': '在 {netns}（{hook}），源地址会变吗？变成什么？',
  'p.keep-src': '{netns} 把发往 {dst} 的包从 {out} 转发出去。源地址会变吗？变成什么？',
  'p.dnat': '在 {netns}（{hook}），目的地址会变吗？变成什么？',
  'p.denat-dst': '回包到达 {netns}。经过 conntrack 之后，回包的目的地址变成什么？',
  'p.denat-src': '回包到达 {netns}。经过 conntrack 之后，回包的源地址变成什么？',
  'p.route': '{netns} 查找 {dst} 的路由。由哪张表的哪一条决定下一跳？',
  'p.l2l3': '发往 {dst} 的帧到达 {netns} 的 {bridge}。它在这里被路由，还是被桥接？',
  'p.encap': '发往 {dst} 的包经隧道离开 {netns}。哪个设备加上外层头部？用哪个端口？',
  'p.drop': '包 {src} > {dst} 过不了 {netns}。是哪条规则丢弃了它？',

  'c.yes-to': '会：变成 {ip}',
  'c.stays': '不会：仍是 {ip}',
  'c.becomes': '{ip}',
  'c.unchanged': '不变，仍是 {ip}',
  'c.route': '{table}：{row}',
  'c.bridged': '桥接：{bridge} 按 FDB 转发这个帧',
  'c.routed': '路由：交给 {netns} 的 IP 层，由路由决定',
  'c.local': '本机接收：交给 {netns} 里的 socket',
  'c.encap-udp': '{dev}（{kind}），UDP 端口 {port}',
  'c.encap-ipip': '{dev}（IPIP），没有端口：IP 协议号 4',
  'c.encap-gre': '{dev}（GRE），没有端口：IP 协议号 47',
  'c.encap-user': '用户态的 flanneld（读取 {dev}），UDP 端口 {port}',
  'c.row': '{row}',

  'w.snat.right-masq':
    '"{rule}" 在 nat 表 {hook} 命中：MASQUERADE 写入出接口 {out} 的地址，于是源地址 {from} 变成 {to}。conntrack 记下这个映射，回包时再换回来。',
  'w.snat.right-snat':
    '"{rule}" 在 nat 表 {hook} 命中：SNAT 写入规则指定的地址，于是源地址 {from} 变成 {to}。conntrack 记下这个映射，回包时再换回来。',
  'w.snat.stays': '"{rule}" 在 nat 表 {hook} 命中，会改写源地址：不会仍是 {from}。',
  'w.snat.other': '{ip} 是 {netns} 中 {dev} 的地址，不是 "{rule}" 写入的地址：源地址变成 {to}。',
  'w.keep.right':
    '{netns} 的 nat 表 POSTROUTING 链里没有规则改写 {src} > {dst}，所以路由器转发时源地址不变（只有 TTL 减一）。',
  'w.keep.other':
    '{ip} 是 {netns} 中 {dev} 的地址。MASQUERADE 才会写入它，但 {netns} 里没有任何 SNAT 或 MASQUERADE 规则匹配这个包：看 nat 表。',
  'w.dnat.right':
    '"{rule}" 在 nat 表 {hook} 命中：目的地址 {from} 变成 {to}。conntrack 记下映射，回包的源地址会被换回来。',
  'w.dnat.stays': '"{rule}" 在 nat 表 {hook} 命中，会改写目的地址：不会仍是 {from}。',
  'w.dnat.other': '{ip} 是另一条 DNAT 规则的目标（"{row}"）；这个包命中的是 "{rule}"，结果是 {to}。',
  'w.dnat.addr': '{ip} 是 {netns} 中 {dev} 的地址；命中的 DNAT 规则并没有写它。',
  'w.denat.right-dst':
    'conntrack 找到这条连接（{row}）：回包发往 {from}，它在路由之前被映射回原来的源地址 {to}。回包不经过任何 iptables 规则。',
  'w.denat.right-src':
    'conntrack 找到这条连接（{row}）：回包来自 {from}，它被映射回客户端当初访问的地址 {to}。回包不经过任何 iptables 规则。',
  'w.denat.stays': 'conntrack 根据表项 "{row}" 自动撤销回包的 NAT：地址不会仍是 {from}。',
  'w.denat.other': '{ip} 是 {netns} 中 {dev} 的地址；conntrack 只会按表项还原成原来的地址：{to}。',
  'w.route.right-main':
    '最长前缀匹配："{row}" 是包含 {dst} 的最具体路由（/{len}）。先查的 local 表（ip rule 0）里没有 {dst}，所以由 main 表决定。',
  'w.route.right-local':
    '{dst} 是 {netns} 自己的地址：先查的 local 表（ip rule 0：from all lookup local）里有 "{row}"，包就交给本命名空间，根本不查 main 表。',
  'w.route.right-default':
    '这是默认路由：没有更具体的前缀包含 {dst}，先查的 local 表（ip rule 0）里也没有它，所以由 main 表的默认路由决定。',
  'w.route.right-other': '表 {table} 中的 "{row}" 包含 {dst}（/{len}），是最具体的匹配。',
  'w.route.shorter': '它也包含 {dst}，但只是 /{len}：更长的前缀 /{best} 优先。',
  'w.route.nomatch': '它对应 {prefix}，不包含 {dst}。',
  'w.route.local-other': '这是 local 表的条目，对应 {netns} 自己的地址 {prefix}；{dst} 不是本机地址。',
  'w.l2.routed-right':
    '目的 MAC {mac} 是 {bridge} 自己的地址（FDB："{row}"），网桥把帧交给 {netns} 的 IP 层：由路由查找决定去向，TTL 减一。',
  'w.l2.local-right':
    '目的 MAC {mac} 是 {bridge} 自己的地址，而 {dst} 是 {netns} 的地址：帧被交上去，由 local 表投递给 socket。',
  'w.l2.bridged-right':
    '目的 MAC {mac} 在端口 {out} 后面（FDB："{row}"）：网桥在二层转发这个帧。不查路由，TTL 不变。',
  'w.l2.not-bridged':
    '网桥只转发发给其他主机的帧；这个帧的目的 MAC {mac} 是 {bridge} 自己的（看以太网头部），所以它被交给 IP 层。',
  'w.l2.not-routed':
    '帧的目的 MAC {mac} 不是 {bridge} 自己的：FDB 条目 "{row}" 让它从端口 {out} 出去，不经过 IP 层。',
  'w.l2.not-local': '{dst} 不是 {netns} 的地址：网桥把帧交上去后，路由查找会把它转发出去。',
  'w.l2.is-local': '{dst} 是 {netns} 的地址：由 local 表接收，不会被转发。',
  'w.encap.right-vxlan':
    '路由把包送进 {dev}，这是一个 VXLAN 设备。它的 FDB 条目 "{row}" 指明 VTEP {vtep}，于是 {dev} 封装这个帧：VXLAN（VNI {vni}）、发往 {port} 端口的 UDP、外层 IPv4 {src} > {vtep}。看外层 UDP 头部的目的端口。',
  'w.encap.right-ipip':
    '路由把包送进 {dev}，这是一个 IPIP 隧道：它只加一个外层 IPv4 头部 {src} > {remote}，协议号 4。没有 UDP 头部，也就没有端口。',
  'w.encap.right-gre':
    '路由把包送进 {dev}，这是一个 GRE 隧道：它加一个 GRE 头部和一个外层 IPv4 头部 {src} > {remote}，协议号 47。没有 UDP 头部，也就没有端口。',
  'w.encap.right-user':
    '{dev} 是 TUN 设备：flanneld 在用户态从中读出这个包，装进普通的 UDP 报文，发往节点 {node} 的 {port} 端口。',
  'w.encap.port': '端口 {port} 是{about}。这个隧道用的是 {right}：看外层 UDP 头部的目的端口。',
  'w.encap.no-udp-ipip': 'IPIP 没有 UDP 头部：{dev} 直接在内层包前加一个协议号为 4 的外层 IPv4 头部。',
  'w.encap.no-udp-gre':
    'GRE 没有 UDP 头部：{dev} 在内层包前加一个 4 字节的 GRE 头部（协议类型 0x0800）和一个协议号为 47 的外层 IPv4 头部。',
  'w.encap.underlay': '{dev} 是底层网卡：它只承载隧道已经封装好的包，只加以太网头部。',
  'w.encap.bridge': '{dev} 是网桥：它在端口之间交换帧，不加任何头部。',
  'w.encap.device': '路由没有把这个包送进 {dev}（{kind}），所以它什么也不加。',
  'w.encap.kernel': '{dev} 是 TUN 设备，不是内核隧道：是用户态的 flanneld 把包装进 UDP。',
  'port.4789': ' IANA 分配给 VXLAN 的端口',
  'port.8472': ' Linux 内核最早使用的 VXLAN 端口，也是 flannel VXLAN 的默认端口',
  'port.8285': ' flannel UDP 后端的端口',
  'w.drop.right-policy': '{chain} 中没有规则接受 {src} > {dst}，所以由链的默认策略决定："{row}"。',
  'w.drop.right-rule': '"{row}" 在 {chain} 中匹配 {src} > {dst}，它的目标丢弃了这个包。',
  'w.drop.other-chain': '它属于另一条链；这个包是在 {chain} 中被判定的。',
  'w.drop.no-match': '它在 {chain} 中，但不匹配 {src} > {dst}。',
  'w.drop.accepts': '它会放行这个包：它不会丢包。',
  'w.drop.route': '路由查找找到了这条路由：包有路由，是在这之后在 {chain} 中被丢弃的。',
};

export type QuizLang = 'en' | 'zh-CN';

/** Renders a message in a language; "@key" args are rendered as that key first. */
export function renderText(lang: QuizLang, key: TextKey, args: Record<string, string | number>): string {
  const dict: Record<TextKey, string> = lang === 'zh-CN' ? QUIZ_ZH : QUIZ_EN;
  return dict[key].replace(/\{(\w+)\}/g, (m, name: string) => {
    const v = args[name];
    if (v === undefined) return m;
    const s = String(v);
    return s.startsWith('@') && s.slice(1) in dict ? dict[s.slice(1) as TextKey].trim() : s;
  });
}
