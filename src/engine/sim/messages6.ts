/**
 * Explanations of the IPv6 steps (neighbour discovery, hop limit, ICMPv6), in English and
 * zh-CN, merged into the EN and ZH dictionaries.
 */
import type { MessageCode } from '../kernel/message-codes';

export const EN6 = {
  'ndisc.miss':
    'Next hop {ip} is not in the neighbour table of {dev}: the packet waits while neighbour discovery asks for its MAC (IPv6 has no ARP).',
  'ndisc.ns-sent':
    'Neighbour solicitation {n} on {dev}: "who has {ip}?", sent to its solicited-node group {group} (MAC {mac}), not broadcast.',
  'ndisc.na-sent':
    '{dev} owns {ip}: it answers with a neighbour advertisement ({ip} is at {mac}) and learns the asker as STALE.',
  'ndisc.na-learned': 'The advertisement says {ip} is at {mac}: the entry on {dev} becomes {state}.',
  'ndisc.ignore': 'The solicitation on {dev} asks for {ip}, which is not an address of {dev}: no answer.',
  'ndisc.failed':
    'No advertisement for {ip} on {dev} after {probes} solicitations: the entry is FAILED and the packet is dropped with ICMPv6 address unreachable.',
  'route6.input-local': '{dst} is an address of this namespace: the packet is delivered locally.',
  'route6.forward': 'Route lookup for {dst}: forward it out of {dev}{via}.',
  'route6.output': 'Route lookup for {dst}: {who} sends it out of {dev}{via}, source address {src}.',
  'drop.ip6-forward-off':
    '{dst} is not an address of {ns}, and net.ipv6.conf.all.forwarding is 0: the packet is dropped, with no ICMPv6.',
  'drop.no-route6': '{ns} has no route to {dst}: the packet is dropped.',
  'drop.hop-limit': 'Hop limit is {hlim}: forwarding would take it to 0, so the packet for {dst} is dropped.',
  'drop.pkt-too-big':
    'The packet is {len} bytes and {dev} takes {mtu}: IPv6 routers never fragment, so it is dropped and the sender is told the MTU.',
  'forward6.hop':
    'Forwarded from {in} to {out}: hop limit {hlim} becomes {hlim2}; the MACs will be rewritten for the next hop.',
  'icmp6.send-error': 'ICMPv6 {what} goes back to {to}, from {src}.',
  'icmp6.echo-reply': '{dst} answers the echo request from {src} with an ICMPv6 echo reply.',
  'icmp6.pmtu':
    'Packet too big, MTU {mtu}: the kernel lowers the path MTU of the socket it quotes and says nothing to the program (tcp_v6_err, __udp6_lib_err).',
  'ping6.send': 'ping sends ICMPv6 echo request icmp_seq={seq} to {dst}.',
  'ping6.reply':
    'ping gets the echo reply: {bytes} bytes from {from}: icmp_seq={seq} ttl={hlim} (the hop limit).',
  'ping6.error': 'ping gets an ICMPv6 error from {from}: {text}.',
  'hop.resolve6': 'Neighbour discovery in {ns}: who has {ip} on {dev}?',
  'hop.resolve6-failed': 'Neighbour discovery in {ns}: nobody answers for {ip} on {dev}',
  'bridge.flood-multicast':
    '{bridge} floods the multicast frame for {mac} to every other port ({ports}) and keeps a copy for the host: no MLD or IGMP querier is on this link, so multicast snooping has no group members to limit it to.',
  'bridge.flood-multicast-out':
    "{bridge} sends the host's multicast frame for {mac} to every port ({ports}): with no querier, snooping limits nothing.",
  'bridge.forward6':
    '{bridge} looks up {mac} in its FDB and forwards the frame from {in} to {out}: switched at L2, no routing, so the hop limit is untouched.',
} satisfies Partial<Record<MessageCode, string>>;

export const ZH6 = {
  'ndisc.miss':
    '下一跳 {ip} 不在 {dev} 的邻居表中：数据包排队等待，内核用邻居发现询问它的 MAC（IPv6 没有 ARP）。',
  'ndisc.ns-sent':
    '{dev} 上的第 {n} 个邻居请求（NS）："谁是 {ip}？"，发往它的被请求节点组播组 {group}（MAC {mac}），不是广播。',
  'ndisc.na-sent': '{dev} 拥有 {ip}：回复邻居通告（NA，{ip} 在 {mac}），并把询问者记为 STALE。',
  'ndisc.na-learned': '邻居通告说 {ip} 在 {mac}：{dev} 上的表项变为 {state}。',
  'ndisc.ignore': '{dev} 上的邻居请求询问的是 {ip}，它不是 {dev} 的地址：不回答。',
  'ndisc.failed':
    '{dev} 上发出 {probes} 个邻居请求后仍没有 {ip} 的通告：表项变为 FAILED，数据包被丢弃，并回送 ICMPv6 地址不可达。',
  'route6.input-local': '{dst} 是本命名空间的地址：数据包在本机交付。',
  'route6.forward': '查路由 {dst}：从 {dev} 转发出去{via}。',
  'route6.output': '查路由 {dst}：{who} 从 {dev} 发出{via}，源地址为 {src}。',
  'drop.ip6-forward-off':
    '{dst} 不是 {ns} 的地址，且 net.ipv6.conf.all.forwarding 为 0：数据包被丢弃，不回 ICMPv6。',
  'drop.no-route6': '{ns} 没有去往 {dst} 的路由：数据包被丢弃。',
  'drop.hop-limit': 'hop limit 为 {hlim}：转发会使它变为 0，所以发往 {dst} 的数据包被丢弃。',
  'drop.pkt-too-big':
    '数据包有 {len} 字节，而 {dev} 的 MTU 是 {mtu}：IPv6 路由器从不分片，数据包被丢弃，并告诉发送方 MTU。',
  'forward6.hop': '从 {in} 转发到 {out}：hop limit 由 {hlim} 变为 {hlim2}；MAC 将按下一跳改写。',
  'icmp6.send-error': 'ICMPv6 {what} 从 {src} 发回 {to}。',
  'icmp6.echo-reply': '{dst} 用 ICMPv6 echo reply 回答来自 {src} 的 echo request。',
  'icmp6.pmtu':
    'Packet too big，MTU {mtu}：内核降低它所引用的套接字的路径 MTU，不通知程序（tcp_v6_err、__udp6_lib_err）。',
  'ping6.send': 'ping 向 {dst} 发送 ICMPv6 echo request，icmp_seq={seq}。',
  'ping6.reply':
    'ping 收到 echo reply：来自 {from} 的 {bytes} 字节，icmp_seq={seq} ttl={hlim}（即 hop limit）。',
  'ping6.error': 'ping 收到来自 {from} 的 ICMPv6 错误：{text}。',
  'hop.resolve6': '{ns} 中的邻居发现：谁是 {ip}（{dev}）？',
  'hop.resolve6-failed': '{ns} 中的邻居发现：{dev} 上没有人应答 {ip}',
  'bridge.flood-multicast':
    '{bridge} 把发往 {mac} 的组播帧泛洪到其他每个端口（{ports}），并给主机留一份：这条链路上没有 MLD 或 IGMP 查询器，组播侦听（snooping）没有组成员可以用来限制它。',
  'bridge.flood-multicast-out':
    '{bridge} 把主机发往 {mac} 的组播帧发到每个端口（{ports}）：没有查询器，snooping 不做任何限制。',
  'bridge.forward6':
    '{bridge} 在 FDB 中查到 {mac}，把帧从 {in} 转发到 {out}：二层交换，不经路由，所以 hop limit 不变。',
} satisfies Partial<Record<MessageCode, string>>;
