/**
 * Simplified Chinese (zh-CN) templates for event explanations: the same keys and placeholders as EN
 * in messages.ts (a test checks both). Technical terms stay as the tools print them (veth, FDB, VTEP,
 * VNI, conntrack, MASQUERADE, DNAT, SNAT, iptables chain names, sysctl names).
 */
import type { MessageCode } from '../kernel/message-codes';
import { ZH6 } from './messages6';

export const ZH: Record<MessageCode, string> = {
  command: '{netns}$ {line}',
  tx: '{dev} 发送 {what}。',
  rx: '{dev} 收到 {what}。',
  'ignore.other-host': '这一帧发往 {dst}，不是 {dev}（{mac}），所以协议栈忽略它（PACKET_OTHERHOST）。',
  'drop.link-down': '{dev} 处于 {state} 状态：它上面什么都发不出去，数据包被丢弃。',
  'drop.bridge-down': '网桥 {bridge} 处于 down 状态，从它的端口进来的帧被丢弃。',
  'bridge.learn': '{bridge} 学到 {mac} 位于端口 {port} 之后：每一帧的源 MAC 都会更新 FDB。',
  'bridge.local':
    '目的 MAC {mac} 是 {bridge} 自己的地址，所以网桥不转发这一帧，而是把它交给主机的 IP 协议栈。',
  'bridge.flood-broadcast': '{bridge} 把这个广播帧泛洪到其他每个端口（{ports}），并给主机留一份。',
  'bridge.flood-unknown': '{bridge} 的 FDB 里没有 {mac}，所以把这一帧泛洪到其他每个端口（{ports}）。',
  'drop.bridge-same-port':
    '{bridge} 是在 {port} 上学到 {mac} 的，而这一帧正是从这个端口进来的；网桥从不把帧从入端口发回去。',
  'bridge.forward':
    '{bridge} 在 FDB 中查到 {mac}，把这一帧从 {in} 转发到 {out}：这是二层交换，不经过路由，TTL 也不变。',
  'bridge.forward-out': '{bridge} 把主机发出的帧送到端口 {out}，FDB 表明 {mac} 在那里。',
  'route.input-local': '查路由：{dst} 是本命名空间的地址（local 表），所以数据包在本地交付。',
  'route.input-broadcast': '查路由：{dst} 是本命名空间的广播地址，所以数据包在本地交付。',
  'drop.ip-forward-off':
    '{dst} 不是本地地址，而 {dev} 上没有开启转发（{ns} 中 net.ipv4.ip_forward = 0），内核悄悄丢弃了数据包。',
  'drop.no-route-input': '{ns} 没有去往 {dst} 的路由（没有匹配项，连默认路由也没有）：数据包被丢弃。',
  'icmp.no-route-back':
    '内核本应向 {to} 回一个 ICMP type {type} code {code}，但它也没有去往 {to} 的路由，所以什么都没发。',
  'route.rule':
    '策略路由：规则 {pref}（ip rule）匹配从 {src} 到 {dst} 的数据包（mark {mark}），所以在路由表 {table} 中查找路由。',
  'drop.rule-unreachable':
    '规则 {pref}（"{rule}"）对从 {src} 到 {dst} 的数据包规定为 unreachable：查找以 ENETUNREACH 失败，数据包被丢弃。',
  'drop.rule-prohibit':
    '规则 {pref}（"{rule}"）对从 {src} 到 {dst} 的数据包规定为 prohibit：查找以 EACCES 失败，数据包被丢弃。',
  'drop.rule-blackhole':
    '规则 {pref}（"{rule}"）对从 {src} 到 {dst} 的数据包是 blackhole：数据包被直接丢弃，不回任何 ICMP。',
  'drop.route-blackhole': '路由 "{route}" 是 blackhole：发往 {dst} 的数据包被直接丢弃，不回任何 ICMP。',
  'drop.route-unreachable': '路由 "{route}" 的类型是 unreachable：发往 {dst} 的数据包被丢弃。',
  'drop.route-prohibit': '路由 "{route}" 的类型是 prohibit：发往 {dst} 的数据包被丢弃。',
  'drop.rp-filter-no-route':
    'rp_filter={rpf}：没有回到源地址 {src} 的路由，从 {dev} 进来的包被当作伪造源地址丢弃（fib_validate_source）。',
  'drop.rp-filter-other-dev':
    'rp_filter=1（严格）：回 {src} 的路由从 {back} 出去，而不是包进来的 {dev}，因此丢弃（fib_validate_source）。',
  'drop.martian-destination':
    '目的地址 {dst} 是环回地址；{dev} 的 route_localnet 为 0 时它是 martian，内核将其丢弃（ip_route_input_slow）。',
  'drop.martian-source': '从 {dev} 进来的源地址 {src} 不可能出现（martian），内核将其丢弃。',
  'route.forward-via': '查路由 {dst}：不是本地地址，内核把它经 {dev} 转发给网关 {via}。',
  'route.forward-direct': '查路由 {dst}：不是本地地址；目的地就在 {dev} 的链路上，内核直接转发过去。',
  'icmp.send-error': '内核把问题报告给发送方：就发往 {about} 的数据包，向 {to} 发送 ICMP {what}。',
  'icmp.echo-reply': '内核自己应答这个 echo request（icmp_seq={seq}）：从 {from} 向 {to} 发送 echo reply。',
  'route.output-local': '查路由 {dst}：它是本命名空间的地址，所以 {who} 经 loopback 设备发送。',
  'route.output-via': '查路由 {dst}：{who} 把它经 {dev} 发给网关 {via}，源地址为 {src}。',
  'route.output-direct': '查路由 {dst}：它就在 {dev} 的链路上，所以 {who} 直接发过去，源地址为 {src}。',
  'drop.message-too-long':
    '数据包（{len} 字节）超过 {dev} 的 MTU（{mtu}），且设置了 DF：发送方收到 "message too long"。',
  'drop.fragmentation': '数据包（{len} 字节）超过 {dev} 的 MTU（{mtu}）；它需要分片，而本模型不做分片。',
  'neigh.hit': '下一跳 {ip} 在 {dev} 的邻居表中（{state}），MAC 为 {mac}：它成为目的 MAC。',
  'neigh.miss': '下一跳 {ip} 不在 {dev} 的邻居表中：数据包排队等待，内核用 ARP 询问。',
  'neigh.wait': '{dev} 上对 {ip} 的 ARP 仍在进行；数据包加入等待队列。',
  'arp.request-sent': '{dev} 上的第 {n} 个 ARP 请求："谁是 {ip}？"，广播到整个二层网段。',
  'drop.neigh-failed':
    '{dev} 上对 {ip} 的 {probes} 个 ARP 请求都无人应答：表项变为 FAILED，等待的数据包被丢弃，并回 ICMP "host unreachable"。',
  'neigh.resolved': '{ip} 的 MAC 是 {mac}：等待的数据包从 {dev} 发出。',
  'neigh.delay-expired':
    '{dev} 上 {ip} 的 STALE 表项被使用后，在 delay_first_probe_time 内没有得到确认：表项进入 PROBE，内核直接询问这个邻居。',
  'arp.probe-sent':
    '{dev} 上的第 {n} 个 ARP 探测："谁是 {ip}？"，只发给表项中的 MAC {mac}（单播，不是广播）。',
  'neigh.probe-failed':
    '{dev} 上的 {ip} 没有应答 {probes} 个单播 ARP 探测：表项变为 FAILED，下一个数据包会重新用广播解析。',
  'arp.ignore': '这个 ARP 请求询问的 {ip} 不在 {dev} 上；arp_ignore 让内核不作应答。',
  'arp.request-local':
    '{ip} 是我们自己的地址，所以内核用 {dev} 的 MAC {mac} 应答 {asker} 的 ARP 请求，并记下 {asker}（STALE）。',
  'arp.proxy':
    '代理 ARP（proxy ARP）：{ip} 不是我们的地址，但我们把它从 {out} 路由出去，且 {dev} 开启了 proxy_arp，于是用自己的 MAC {mac} 应答。',
  'arp.not-for-us': '这个 ARP 请求询问的是 {ip}，它不是本机地址：忽略。',
  'arp.unsolicited': '一个没人请求过的 {ip} 的 ARP 应答；arp_accept=0 时内核不会为它建表项。',
  'arp.reply-learned': 'ARP 应答说 {ip} 的 MAC 是 {mac}：{dev} 上的邻居表项现在完整了。',
  'drop.ttl-exceeded': 'TTL 为 {ttl}：转发会让它变成 0，所以发往 {dst} 的数据包被丢弃。',
  'drop.not-forwardable':
    '来自 {from} 的帧有 {len} 字节，超过 {dev} 能接收的上限（{max}：它的 MTU {mtu} 加以太网头和一个 VLAN 标签）。设备之间直接交接时没有人分片：{dev} 丢弃了它（is_skb_forwardable）。',
  'drop.br-nf-df':
    '数据包（{len} 字节）超过网桥端口 {dev} 的 MTU（{mtu}）。br_netfilter 本会把它重新分片，但它带 DF：网桥悄悄丢弃（不发 ICMP）。',
  'drop.nat-redirect-unbound':
    '{ns} 的 NAT 在 {hook} 丢弃了这个 ICMP 重定向：它属于连接 {entry}，而该连接的 NAT 还没有在两个方向都建立好（引发它的数据包还在转发途中）。内核只为 NAT 不改动的连接发送重定向。',
  'drop.nat-redirect-nated':
    '{ns} 的 NAT 在 {hook} 丢弃了这个 ICMP 重定向：它的连接 {entry} 做了地址转换，重定向会让两端绕过转换直接通信。',
  'redirect.rejected':
    '{from} 说“去 {dst} 请走 {gw}”，但内核不接受（这里关闭了 accept_redirects，或 {gw} 不是普通单播地址）：路由保持不变。',
  'redirect.probe':
    '{from} 说“去 {dst} 请走 {gw}”。{gw} 还不在邻居表里，所以内核只是去问它的 MAC（在 {dev} 上发一个 ARP 请求）；这一次路由不变。',
  'redirect.accepted':
    '{from} 说“去 {dst} 请走 {gw}”，且 {gw} 是 {dev} 上已知的邻居：{dst} 得到一条经 {gw} 的路由例外，有效 300 秒（ip route get 显示为 cache <redirected>）。',
  'drop.frag-needed': '数据包（{len} 字节）超过 {dev} 的 MTU（{mtu}），且设置了 DF，不能分片：被丢弃。',
  forward: '从 {in} 转发到 {out}：TTL 从 {ttl} 变为 {ttl2}；下一跳会换上新的 MAC 地址。',
  'forward.no-l2':
    '从 {in} 转发到 {out}：TTL 从 {ttl} 变为 {ttl2}。{out} 没有链路层（没有以太网头部，也没有 MAC）：交给它的是裸 IP 包。',
  'drop.no-socket-icmp': '一个 id 为 {id} 的 echo reply，但没有 ping 在等它。',
  'icmp.soft-error-ignored':
    'ICMP type {type} code {code} 是软错误（{errno}）：它引用的 UDP 套接字没有设 IP_RECVERR，内核不通知它。',
  'icmp.error-no-socket': '收到 ICMP type {type} code {code}，但它引用的数据包不属于任何套接字。',
  'drop.tcp-closed': '{dst} 的 TCP 端口 {port} 上没有程序监听：内核回一个 RST。',
  'drop.udp-closed': '{dst} 的 UDP 端口 {port} 上没有程序监听：数据报被丢弃。',
  'drop.no-protocol': '没有 IP 协议 {protocol} 的处理程序。',
  'tcp.syn-listener': '{process} 在端口 {port} 上监听：内核用 SYN-ACK 应答来自 {from} 的 SYN。',
  'tcp.accept': '与 {from} 的握手完成；{process} 接受这个连接。',
  'tcp.syn-again': '又收到来自 {from} 的同一个 SYN：客户端没有收到 SYN-ACK，半开连接再次发送它并重启定时器。',
  'tcp.synack-retransmit':
    '还没有收到 {from} 的 ACK：半开连接的定时器再次发送 SYN-ACK（第 {n} 次重传），下次等待时间加倍。',
  'tcp.synack-given-up':
    '重传 {n} 次 SYN-ACK（tcp_synack_retries）后仍没有收到 {from} 的 ACK：半开连接被丢弃。',
  'app.read': '{process} 读取 {bytes} 字节。',
  'app.write': '{process} 写回 {bytes} 字节。',
  'app.close': '{process} 关闭自己这端的连接：内核发送 FIN。',
  'ping.send': 'ping 向 {dst} 发送 ICMP echo request，icmp_seq={seq}。',
  'ping.reply': 'ping 收到 echo reply：来自 {from} 的 {bytes} 字节，icmp_seq={seq} ttl={ttl}。',
  'ping.error': 'ping 收到来自 {from} 的 ICMP 差错：{text}。',
  'app.local-error': '{process}：{text}。',
  'tcp.icmp-soft-error':
    '来自 {from} 的 ICMPv6 错误（{text}）到达时 connect() 仍持有套接字：tcp_v6_err 只把它记为软错误，SYN 之后会再发一次。',
  'tcp.syn-retransmit': 'SYN 没有应答：内核再次发送它（第 {n} 次重传）到 {dst}:{port}。',
  'tcp.connect': '{process} 连接 {dst}:{port}：内核发送 SYN。',
  'tcp.established': '收到 SYN-ACK：到 {dst}:{port} 的连接已建立；{process} 发送请求（{bytes} 字节）。',
  'tcp.response': '{process} 收到响应：来自 {src}:{port} 的 {bytes} 字节。',
  'tcp.refused': '{process}：连接被 {dst}:{port} 拒绝（RST）。',
  'udp.send': '{process} 向 {dst}:{port} 发送一个 {bytes} 字节的 UDP 数据报。',
  'udp.response': '{process} 收到来自 {src}:{port} 的 {bytes} 字节 UDP 应答。',
  'coredns.answer':
    'CoreDNS 读取来自 {from} 的 {name} 的 {type} 查询，应答 {rcode}：{answers}。它从查询到达的地址回复；conntrack 会把源地址改回客户端所问的 ClusterIP。',
  'resolver.query':
    '{process} 按 glibc 的方式解析 {name}（{types}）：/etc/resolv.conf 指定的服务器是 {server}，所以查询发往它的 UDP 53 端口。',
  'resolver.dig-query':
    '{process} 按 dig 的方式从一个新套接字向 {server} 的 UDP 53 端口查询 {name}（{types}）：名字按原样使用（只有 +search 时才用搜索列表），并带 EDNS OPT 记录（UDP 大小 1232、客户端 cookie）。',
  'resolver.answer': '{process} 收到 {name} 的 {type} 应答：{rcode}{answers}。',
  'resolver.retry':
    '{process}：服务器对 {name} 的每个查询都失败（SERVFAIL）；glibc 立即再问一次，第 {attempt} 次，共 {attempts} 次。',
  'resolver.resolved': '{process} 把 {host} 解析为 {addr}，现在可以建立连接。',
  'resolver.failed': '{process} 无法解析 {host}：{why}。',
  'flow.timeout': '{seconds} 秒内没有应答。',
  'bridge.dnat-bridged':
    'br_netfilter：新的目的地址 {ip} 就在 {bridge} 之后，所以这一帧仍走网桥：目的 MAC 变为 {mac}，TTL 不变。',
  'vxlan.encap':
    '{dev} 在自己的 FDB 中查内层目的 MAC {mac}：它位于 VTEP {vtep} 之后。这一帧被封装：VXLAN 头（VNI {vni}）、发往端口 {port} 的 UDP、外层 IPv4 {src} > {vtep}。',
  'vxlan.encap-default':
    '{dev} 的 FDB 里没有 {mac}，于是向每个默认（00:00:00:00:00:00）目的地发送一份：VTEP {vtep}，VNI {vni}，UDP 端口 {port}。',
  'macvlan.rx':
    '{lower} 上挂着 macvlan：发往 {mac} 的帧从 {lower} 取下，由拥有这个地址的 macvlan {dev} 接收。',
  'macvlan.reflected':
    '这个广播来自 {dev} 自己的地址，而 {dev} 既不是 bridge 也不是 VEPA 模式：只有 {dev} 自己收到它。',
  'macvlan.bridge':
    '{dev} 是 bridge 模式，{to}（也是 bridge 模式）拥有 {mac}：这一帧经 {lower} 的接收路径直接交给 {to}，不上线路。',
  'macvlan.broadcast': '{lower} 把发往 {mac} 的帧各复制一份给它的 macvlan：{devs}。',
  'drop.macvlan-down': '这一帧是给 {lower} 上的 macvlan {dev} 的，但 {dev} 是 down 状态：被丢弃。',
  'vxlan.decap':
    'UDP 端口 {port} 属于一个 VXLAN 设备：来自 VTEP {vtep} 的外层报文头被剥掉，内层帧（VNI {vni}）像从网线上来的一样到达 {dev}。',
  'vxlan.proxy-arp':
    '{dev} 开启了 proxy：对 {ip} 的 ARP 请求在这里用邻居表（{mac}）直接应答，根本不经过底层网络。',
  'drop.vxlan-no-fdb': '{dev} 的 FDB 里没有 {mac}，也没有默认目的地，这一帧无处可发：被丢弃。',
  'drop.vxlan-l2miss': '{dev} 的 FDB 里没有 {mac}：向用户态报告一次 L2 miss（l2miss），这一帧被丢弃。',
  'drop.vxlan-l3miss': '{dev} 自己应答 ARP（proxy），但不认识邻居 {ip}：请求被丢弃（L3 miss）。',
  'drop.vxlan-no-route': '{dev} 到不了远端隧道端点 {dst}：没有路由。',
  'drop.udp6-zero-csum':
    '发往 {dst} 端口 {port} 的 UDP 数据报校验和为零，而 IPv6 要求必须有校验和；VXLAN 设备不接受零校验和（没有 udp6zerocsumrx）：被丢弃。',
  'drop.vxlan-bad': 'VXLAN 端口上的 UDP 数据报没有合法的 VXLAN 头：被丢弃。',
  'drop.vxlan-vni': '这里没有承载 VNI {vni} 的 VXLAN 设备：数据报被丢弃。',
  'ipip.encap':
    '{dev} 给数据包套上一个外层 IPv4 头（协议号 4，IPIP），从 {src} 到 {remote}；内层没有以太网头。',
  'ipip.decap': '来自 {from} 的 IPIP 数据包：{dev} 剥掉外层报文头，内层数据包像从网线上收到的一样被接收。',
  'drop.ipip-no-tunnel':
    '来自 {src} 的 IPIP 数据包，但这里没有处于 up 状态、两端地址匹配的 IPIP 隧道：tunnel4 丢弃它，并回 ICMP port unreachable。',
  'gre.encap':
    '{dev} 在数据包前面加上一个 GRE 头（{len} 字节，协议类型 0x0800 表示 IPv4{key}）和一个外层 IPv4 头（协议号 47，GRE），从 {src} 到 {remote}；内层没有以太网头。',
  'gre.decap':
    '来自 {from} 的 GRE 数据包：两端地址和 key 都匹配的隧道是 {dev}；它剥掉外层 IPv4 头和 GRE 头，内层数据包像从网线上收到的一样被接收。',
  'drop.gre-no-tunnel':
    '来自 {src} 的 GRE 数据包{key}，但这里没有处于 up 状态、两端地址和 key 都匹配的 GRE 隧道：丢弃，并回 ICMP port unreachable（gre_rcv）。',
  'drop.tunnel-no-route': '{dev} 到不了隧道的远端 {dst}：没有路由（ip_tunnel_xmit）。',
  'drop.tunnel-loop': '{dev} 会把发往 {dst} 的外层数据包又送回自己（去往隧道对端的路由指向隧道本身）：丢弃。',
  'tun.read': '{process} 从 {dev}（/dev/net/tun）读出数据包：它离开内核，进入用户态。',
  'store.get': '{who} 从存储中读取 {key}：{value}',
  'store.get-missing': '{who} 从存储中读取 {key}：这个键不存在。',
  'store.put': '{who} 向存储写入 {key} = {value}。',
  'store.put-ttl': '{who} 向存储写入 {key} = {value}，租期 {ttl} 秒；到期前必须续约。',
  'store.put-exists': '{who} 想创建 {key}，但另一个节点已经持有它。',
  'store.delete': '{who} 从存储中删除 {key}。',
  'store.watch-set': '存储通知 {who}（它在监视这个前缀）：{key} 被设置为 {value}。',
  'store.watch-expire': '存储通知 {who}：租约 {key} 过期了（没有人续约）。',
  'store.watch-delete': '存储通知 {who}：{key} 被删除了。',
  'flanneld.stop': '{who} 停止：它不再为 {subnet} 续约，这个租约将会过期。',
  'flanneld.start': '{who} 启动：读取网络配置，申请一个租约，并监视其他租约。',
  'flanneld.cfg-len': '{who}：配置中 SubnetLen 为 {len}：每个节点从 {network} 中租用一个 /{len}。',
  'flanneld.cfg-len-default':
    '{who}：配置没有设置 SubnetLen，而 {network} 不小于 /22，所以 flannel 给每个节点一个 /24（SubnetLen {len}）。',
  'flanneld.cfg-len-small':
    '{who}：配置没有设置 SubnetLen，而 {network} 小于 /22，所以 flannel 把它分成四份：SubnetLen {len}。',
  'flanneld.cfg-range-default':
    '{who}：配置中没有 SubnetMin 和 SubnetMax，所以租约取自 {min} 到 {max}：flannel 跳过第一个 /{len}（它的地址就是网络地址本身），直到最后一个。',
  'flanneld.cfg-range':
    '{who}：租约取自 SubnetMin {min} 到 SubnetMax {max}（配置中未写的一端，取网络地址之后的第一个 /{len} 或最后一个）。',
  'flanneld.cfg-backend-default':
    '{who}：配置中没有 Backend，所以 flannel 的 ParseConfig 使用 {type}：文档只建议在调试时使用的 UDP 后端（推荐的是 VXLAN）。',
  'flanneld.cfg-backend': '{who}：Backend.Type 为 {type}。',
  'flanneld.lease-reuse': '{who} 在存储中找到属于自己 IP {ip} 的租约 {subnet}，继续使用它（并刷新 TTL）。',
  'flanneld.lease-previous':
    '{who} 在 /run/flannel/subnet.env 中找到以前租用的子网 {subnet}；存储中没有人持有它，于是再次租下它。',
  'flanneld.lease-previous-taken':
    '{who}：它以前的子网 {subnet}（来自 /run/flannel/subnet.env）现在被 {holder} 租用，于是另选一个。',
  'flanneld.lease-podcidr':
    '{who} 以 --kube-subnet-mgr 运行：它的租约是 {subnet}，即节点 {node} 的 spec.podCIDR，由 kube-controller-manager 分配（--allocate-node-cidrs）；flannel 自己不挑选子网，并把它的 PublicIP 和后端数据作为注解写到 Node 上，而不是写 etcd 租约。',
  'flanneld.lease-pick':
    '{who} 在 {min} ... {max} 范围内挑选子网：在收集到的 {free} 个空闲子网中（flannel 最多收集 100 个）随机取一个：{subnet}。',
  'flanneld.lease6':
    '{who} 还在同一个键里租用 IPv6 子网 {subnet}（EnableIPv6）；它的 PublicIPv6 是 {ip}，其他节点通过这个地址到达它。',
  'flanneld.renew': '{who} 在租约到期前一小时为 {subnet} 续约。',
  'controller.exec': '{who}：执行 "{line}"。',
  'systemctl.restart': 'systemd 在 {machine} 上重启 {unit}：守护进程先停止，再启动。',
  'arp.proxy-gateway':
    '代理 ARP（proxy ARP）：没有谁拥有 {ip}，它只是 Pod 虚构出来的网关。但 {dev} 开启了 proxy_arp，而本主机把 {ip} 路由到另一个接口（{out}），于是用 {dev} 自己的 MAC {mac} 应答。从此 Pod 发出的每一帧都交给主机的 IP 协议栈：即使在同一个节点上，也由主机在 Pod 之间路由。',
  'forward.between-veths':
    '是路由而不是交换：{in} 和 {out} 是没有地址、也不在网桥上的 veth，所以主机按路由表（每个 Pod 一条 /32）转发，TTL 从 {ttl} 变为 {ttl2}。如果是网桥类 CNI（cni0、docker0），同一节点上两个 Pod 之间的同一帧会在二层交换，TTL 不变。',
  'bird.start':
    '{who} 启动（AS {asn}）；它通告自己的地址块 {blocks}，并将与每个对等体建立 BGP 会话（TCP 179）。',
  'bird.stop': '{who} 停止。它写入的内核路由保留（kernel 协议设置了 `persist`），但所有 BGP 会话都关闭了。',
  'bgp.open-send': '{who} 向 {peer}（{peerIp}:179）发起 BGP 会话：OPEN，AS {asn}，BGP 标识 {ip}。',
  'bgp.open-recv': '{who} 收到 {peer}（{peerIp}）的 OPEN，AS {asn}：同一个 AS，所以这是 iBGP 会话。',
  'bgp.established': '{who}：与 {peer}（{peerIp}）的会话进入 Established（双方都交换了 OPEN 和 KEEPALIVE）。',
  'bgp.update-send':
    '{who} 向 {peer} 发送 UPDATE：NLRI {prefix}，NEXT_HOP {nexthop}（它自己）。"{prefix} 里的 Pod 在我后面。"',
  'bgp.reflect':
    '{who} 是路由反射器（route reflector）：它把 {prefix}（由 {originator} 通告）反射给 {peer}，NEXT_HOP 不变（{nexthop}），所以 {peer} 不需要与 {originator} 建立会话。',
  'bgp.update-recv':
    '{who} 收到 {peer} 的 UPDATE：NLRI {prefix}，NEXT_HOP {nexthop}（由 {originator} 通告）。',
  'bird.export':
    '{who} 把 {prefix} 导出到内核：via {nexthop} dev {dev} proto bird。下一跳在本节点的子网 {subnet} 内，所以不需要隧道（IPIP 模式 {mode}）。',
  'bird.export-recursive':
    '{who} 把 {prefix} 导出到内核：via {gateway} dev {dev} proto bird。BGP 下一跳 {nexthop} 不在本节点的子网 {subnet} 内，而 IPIP 模式为 {mode}，所以 BIRD 通过内核里去往它的路由递归解析（gateway recursive）：去往 {prefix} 的包以原样的 Pod 地址交给 {gateway}，只有 {gateway} 自己也有去往 {prefix} 的路由时才能到达 {nexthop}。',
  'bird.export-tunnel':
    '{who} 经 tunl0 把 {prefix} 导出到内核：via {nexthop} dev tunl0 onlink。IPIP 模式 {mode}：下一跳在本节点的子网 {subnet} 之外，所以数据包被封装成 IPIP（协议号 4）发往 {nexthop}。',
  'bgp.notification-send': '{who} 向 {peer}（{peerIp}）发送 NOTIFICATION（Cease，管理性关闭）并关闭会话。',
  'bgp.notification-recv':
    '{who} 收到 {peer}（{peerIp}）的 NOTIFICATION：会话是被有意关闭的，所以没有平滑重启（graceful restart）；从 {peer} 学到的每条路由都被撤销。',
  'bird.withdraw': '{who} 撤销 {prefix}（via {nexthop}），并把它从内核中删除。',
  'bgp.withdraw-send': '{who} 向 {peer} 发送撤销 {prefix} 的 UPDATE。',
  'felix.error': '{who} 执行 "{line}"，内核拒绝了：{error}',
  'systemctl.start': 'systemd 在 {machine} 上启动 {unit}。',
  'systemctl.stop': 'systemd 在 {machine} 上停止 {unit}。',
  'systemctl.wait': '时间流逝：{hours} 小时后，{subnet} 的租约已经过期，每个监视者都已做出反应。',
  'flanneld.error': '{who} 执行 "{line}"，内核拒绝了：{error}',
  'flanneld.no-lease': '{who} 从 flannel0 读到一个发往 {dst} 的数据包，但没有节点持有覆盖它的租约：丢弃。',
  'flanneld.udp-send':
    '{who} 在租约中查找 {dst}：{subnet} 属于 {node}。它把整个数据包作为一个 UDP 数据报的载荷发往 {node}:{port}（再交回内核）。',
  'flanneld.udp-recv': '{who} 在 UDP 8285 上收到来自 {from} 的数据报：它的载荷是一个发往 Pod 网络的数据包。',
  'tun.write': '{process} 把数据包写入 {dev}：内核像从网线上收到一样接收它。',
  'nf.endpoint': '服务 {service}：kube-proxy 的规则选中了端点 {endpoint}（{pinned}）。概率分别是：{odds}。',
  'ipvs.schedule':
    'IPVS：{vip} 是一个虚拟服务；它的 {scheduler} 调度器把这个连接交给真实服务器 {real}（{n} 个之一，每个 {odds}%）。',
  'ipvs.dnat': 'IPVS（masquerading）：目的地址 {from} 变为 {to}，数据包被发往真实服务器。',
  'ipvs.unnat': 'IPVS：真实服务器的回包源地址从 {from} 改回虚拟服务 {to}。',
  'drop.ipvs-no-real': 'IPVS：虚拟服务 {vip} 没有真实服务器：丢弃。',
  'kube-proxy.pick':
    'kube-proxy（userspace）接受了 {client} 发往 {service} 的连接，选中端点 {endpoint}（在 {n} 个中轮询）；它自己再向那里建一个连接。',
  'route.reroute-mangle':
    'mangle 表改变了路由所依据的内容（mark {mark}），所以内核重新路由（ip_route_me_harder）：{dst} 现在从 {dev} 出去。',
  'route.reroute': '目的地址在 OUTPUT 中被改写，所以内核重新路由：{dst} 从 {dev} 出去。',
  'drop.reroute-localnet':
    'OUTPUT 中做完 NAT 后，从 {src} 到 {dst} 的包要从 {dev} 出去；route_localnet 为 0 时环回源地址不能从真实设备发出，因此丢弃（__mkroute_output）。',
  'drop.no-route-output': 'OUTPUT 中做完 NAT 后没有去往 {dst} 的路由：数据包被丢弃。',
  'nf.accept': '{hook}，表 {table}："{rule}" 放行数据包（检查了 {n} 条规则）。',
  'nf.policy': '{hook}，表 {table}：没有规则做出决定，于是采用链的策略："{rule}"。',
  'nf.nat-rule': '{hook}，表 nat："{rule}" 决定这个新连接的 NAT。',
  'nf.log': 'LOG {prefix}：规则 "{rule}" 把数据包写入内核日志，继续往下匹配。',
  'drop.nf-rule': '{ns} 在 {hook} 丢弃数据包（表 {table}，链 {chain}）：规则 "{rule}" 匹配，-j DROP。',
  'drop.nf-policy': '{ns} 在 {hook} 丢弃数据包（表 {table}）：没有规则放行，链的策略是 "{rule}"。',
  'drop.nf-reject': '{ns} 在 {hook} 用 "{rule}" 拒绝数据包（表 {table}，链 {chain}），并通知发送方。',
  'nft.accept': '{hook}，nftables 表 {table}，链 {chain}："{rule}" 放行数据包（检查了 {n} 条规则）。',
  'nft.policy': '{hook}，nftables 表 {table}，链 {chain}：没有规则做出决定，于是采用基础链的策略："{rule}"。',
  'nft.nat-rule': '{hook}，nftables 表 {table}，链 {chain}："{rule}" 决定这个新连接的 NAT。',
  'drop.nft-rule':
    '{ns} 在 {hook} 丢弃数据包（nftables 表 {table}，链 {chain}）：规则 "{rule}" 以 drop 结束。',
  'drop.nft-policy':
    '{ns} 在 {hook} 丢弃数据包（nftables 表 {table}，链 {chain}）：没有规则放行，基础链声明 "{rule}"。',
  'drop.nft-reject':
    '{ns} 在 {hook} 用 "{rule}" 拒绝数据包（nftables 表 {table}，链 {chain}），并通知发送方。',
  'ct.new': 'conntrack：一个新连接 {tuple}；它的 NAT 由这个首包决定。',
  'ct.hit': 'conntrack：数据包属于一个已知连接（{state}）；直接按表项做 NAT，不再查规则。',
  'ct.hit-reply': 'conntrack：一个已知连接的回包（ESTABLISHED）；按表项撤销之前的 NAT。',
  'ct.related': 'conntrack：一个关于已知连接的 ICMP 差错（RELATED）：按那个连接做翻译。',
  'ct.confirm': 'conntrack：数据包离开钩子时，这个连接被确认写入表中。',
  'nat.dnat': '{hook} 中的 DNAT：目的地址 {from} 变为 {to}。',
  'nat.snat': '{hook} 中的 SNAT：源地址 {from} 变为 {to}。',
  'nat.undo-snat': '源地址被 NAT 过的连接的回包：目的地址 {from} 恢复为 {to}（conntrack 撤销 SNAT）。',
  'nat.undo-dnat': '目的地址被 NAT 过的连接的回包：源地址 {from} 恢复为 {to}（conntrack 撤销 DNAT）。',
  'nat.related': 'ICMP 差错和它引用的数据包按它们所属的连接翻译：{from} 变为 {to}。',
  // 跳的标题（hops.ts）
  'hop.resolve': '{ns} 中的 ARP：谁是 {ip}（{dev}）？',
  'hop.resolve-failed': '{ns} 中的 ARP：{dev} 上没有人应答 {ip}',
  'hop.move': '{from} → {to}',
  'hop.move-out': '{from} 把帧发出去',
  'hop.drop': '在 {ns}（{dev}）被丢弃',
  'hop.icmp-error': '{ns} 回送一个 ICMP 错误',
  'hop.encap': '{dev} 在 {ns} 中封装数据包',
  'hop.decap': '{dev} 在 {ns} 中解封装数据包',
  'hop.nat': '{ns} 中的 NAT：{from} → {to}',
  'hop.backend': '{ns} 选中后端 {backend}',
  'hop.deliver': '{ns} 接收数据包',
  'hop.send': '{ns} 向 {dst} 发送数据包',
  'hop.netfilter': '{ns} 中的 netfilter',
  'hop.control': '{ns} 中的控制面',
  'hop.route': '{ns} 为 {dst} 路由数据包',
  ...ZH6,
};
