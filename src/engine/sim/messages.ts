/**
 * English templates for event explanations, keyed by the code the kernel model emits.
 * Placeholders {name} are filled with the event's real values. Other languages supply
 * a dictionary with the same keys (a test checks none is missing).
 */
import type { MessageCode } from '../kernel/message-codes';
import type { Explain } from '../kernel/trace';
import { EN6 } from './messages6';

export const EN: Record<MessageCode, string> = {
  command: '{netns}$ {line}',
  tx: '{dev} transmits {what}.',
  rx: '{dev} receives {what}.',
  'ignore.other-host':
    'The frame is addressed to {dst}, not to {dev} ({mac}), so the stack ignores it (PACKET_OTHERHOST).',
  'drop.link-down': '{dev} is {state}: nothing can be sent on it, so the packet is dropped.',
  'drop.bridge-down': 'Bridge {bridge} is down, so the frame arriving on its port is dropped.',
  'bridge.learn':
    '{bridge} learns that {mac} lives behind port {port}: the source MAC of every frame updates the FDB.',
  'bridge.local':
    "The destination MAC {mac} is one of {bridge}'s own addresses, so the bridge passes the frame up to the host's IP stack instead of forwarding it.",
  'bridge.flood-broadcast':
    '{bridge} floods the broadcast frame to every other port ({ports}) and keeps a copy for the host.',
  'bridge.flood-unknown':
    '{bridge} has no FDB entry for {mac}, so it floods the frame to every other port ({ports}).',
  'drop.bridge-same-port':
    '{bridge} learned {mac} on {port}, the port the frame came in on; a bridge never sends a frame back out its ingress port.',
  'bridge.forward':
    '{bridge} looks up {mac} in its FDB and forwards the frame from {in} to {out}: switched at L2, no routing and no TTL change.',
  'bridge.forward-out': "{bridge} sends the host's frame to port {out}, where its FDB says {mac} lives.",
  'route.input-local':
    'Route lookup: {dst} is an address of this namespace (local table), so the packet is delivered locally.',
  'route.input-broadcast':
    'Route lookup: {dst} is a broadcast address of this namespace, so the packet is delivered locally.',
  'drop.ip-forward-off':
    '{dst} is not local and forwarding is off on {dev} (net.ipv4.ip_forward = 0 in {ns}), so the kernel drops the packet silently.',
  'drop.no-route-input':
    '{ns} has no route to {dst} (no matching entry, not even a default route): the packet is dropped.',
  'icmp.no-route-back':
    'The kernel would send ICMP type {type} code {code} back to {to}, but it has no route to {to} either, so nothing is sent.',
  'drop.route-blackhole':
    'The route "{route}" is a blackhole: packets to {dst} are discarded without any ICMP.',
  'drop.route-unreachable': 'The route "{route}" is of type unreachable: the packet for {dst} is dropped.',
  'drop.route-prohibit': 'The route "{route}" is of type prohibit: the packet for {dst} is dropped.',
  'route.rule':
    'Policy routing: rule {pref} ("ip rule") matches the packet from {src} to {dst} (mark {mark}), so the route is looked up in table {table}.',
  'drop.rule-unreachable':
    'Rule {pref} ("{rule}") says unreachable for the packet from {src} to {dst}: the lookup fails with ENETUNREACH and the packet is dropped.',
  'drop.rule-prohibit':
    'Rule {pref} ("{rule}") says prohibit for the packet from {src} to {dst}: the lookup fails with EACCES and the packet is dropped.',
  'drop.rule-blackhole':
    'Rule {pref} ("{rule}") is a blackhole for the packet from {src} to {dst}: it is discarded without any ICMP.',
  'drop.rp-filter-no-route':
    'rp_filter={rpf}: no route leads back to the source {src}, so the packet that came in on {dev} is dropped as a spoof (fib_validate_source).',
  'drop.rp-filter-other-dev':
    'rp_filter=1 (strict): the route back to {src} leaves by {back}, not by {dev} where the packet came in, so it is dropped (fib_validate_source).',
  'drop.martian-destination':
    'The destination {dst} is a loopback address, martian on {dev} while route_localnet is 0, so the kernel drops it (ip_route_input_slow).',
  'drop.martian-source':
    'The source {src} arriving on {dev} is impossible (a martian), so the kernel drops it.',
  'route.forward-via':
    'Route lookup for {dst}: not local, so the kernel forwards it to gateway {via} out of {dev}.',
  'route.forward-direct':
    'Route lookup for {dst}: not local; the destination is directly on the link of {dev}, so the kernel forwards it there.',
  'icmp.send-error':
    'The kernel reports the problem to the sender: ICMP {what} to {to} about the packet for {about}.',
  'icmp.echo-reply':
    'The kernel answers the echo request (icmp_seq={seq}) itself: an echo reply from {from} to {to}.',
  'route.output-local':
    'Route lookup for {dst}: it is an address of this namespace, so {who} sends it over the loopback device.',
  'route.output-via':
    'Route lookup for {dst}: {who} sends it to gateway {via} out of {dev}, with source {src}.',
  'route.output-direct':
    'Route lookup for {dst}: it is on the link of {dev}, so {who} sends it there directly, with source {src}.',
  'drop.message-too-long':
    'The packet ({len} bytes) does not fit the MTU of {dev} ({mtu}) and has DF set: the sender gets "message too long".',
  'drop.fragmentation':
    'The packet ({len} bytes) exceeds the MTU of {dev} ({mtu}); it would be fragmented, which this model does not do.',
  'neigh.hit':
    'Next hop {ip} on {dev} is in the neighbour table ({state}) with MAC {mac}: that becomes the destination MAC.',
  'neigh.miss':
    'Next hop {ip} on {dev} is not in the neighbour table: the packet waits while the kernel asks with ARP.',
  'neigh.wait': 'ARP for {ip} on {dev} is still in progress; the packet joins the queue.',
  'arp.request-sent': 'ARP request {n} on {dev}: "who has {ip}?", broadcast to the whole L2 segment.',
  'drop.neigh-failed':
    'Nobody answered {probes} ARP requests for {ip} on {dev}: the entry is FAILED and the waiting packet is dropped with ICMP "host unreachable".',
  'neigh.resolved': '{ip} is at {mac}: the waiting packet is sent out of {dev}.',
  'neigh.delay-expired':
    'Nothing confirmed {ip} on {dev} within delay_first_probe_time since its STALE entry was used: the entry goes to PROBE and the kernel asks the neighbour itself.',
  'arp.probe-sent':
    'ARP probe {n} on {dev}: "who has {ip}?", sent only to {mac}, the MAC the entry holds (unicast, not broadcast).',
  'neigh.probe-failed':
    '{ip} on {dev} did not answer {probes} unicast ARP probes: the entry is FAILED and the next packet resolves it again with broadcasts.',
  'arp.ignore':
    'The ARP request for {ip} is for an address that is not on {dev}; arp_ignore tells the kernel not to answer.',
  'arp.request-local':
    "{ip} is our own address, so the kernel answers {asker}'s ARP request with {dev}'s MAC {mac}, and remembers {asker} (STALE).",
  'arp.proxy':
    'Proxy ARP: {ip} is not ours, but we route it out of {out}, and proxy_arp is on for {dev}, so we answer with our own MAC {mac}.',
  'arp.not-for-us': 'The ARP request asks for {ip}, which is not an address here: ignored.',
  'arp.unsolicited':
    'An ARP reply for {ip} that nobody asked for; with arp_accept=0 the kernel does not create an entry.',
  'arp.reply-learned': 'The ARP reply says {ip} is at {mac}: the neighbour entry on {dev} is now complete.',
  'drop.ttl-exceeded': 'TTL is {ttl}: forwarding would take it to 0, so the packet for {dst} is dropped.',
  'drop.not-forwardable':
    'The frame from {from} is {len} bytes, more than {dev} takes ({max}: its MTU {mtu} plus the Ethernet header and one VLAN tag). Handed over device to device, nothing fragments it: {dev} drops it (is_skb_forwardable).',
  'drop.br-nf-df':
    'The packet ({len} bytes) is bigger than the MTU of bridge port {dev} ({mtu}). br_netfilter would refragment it, but DF is set: the bridge drops it without a word (no ICMP).',
  'drop.nat-redirect-unbound':
    'NAT in {ns} drops this ICMP redirect at {hook}: it belongs to the connection {entry}, whose NAT is not yet set up in both directions (the packet that caused it is still being forwarded). The kernel sends redirects only for connections NAT leaves untouched.',
  'drop.nat-redirect-nated':
    'NAT in {ns} drops this ICMP redirect at {hook}: its connection {entry} is translated, and a redirect would let the two ends talk past the translation.',
  'redirect.rejected':
    '{from} says "for {dst}, use {gw}", but the kernel does not take it (accept_redirects is off here, or {gw} is not an ordinary unicast address): the route stays as it was.',
  'redirect.probe':
    '{from} says "for {dst}, use {gw}". {gw} is not yet in the neighbour table, so the kernel only asks for its MAC (an ARP request on {dev}); the route is not changed this time.',
  'redirect.accepted':
    '{from} says "for {dst}, use {gw}", and {gw} is a known neighbour on {dev}: {dst} gets a route exception via {gw} for 300 s (ip route get shows it as cache <redirected>).',
  'drop.frag-needed':
    'The packet ({len} bytes) is bigger than the MTU of {dev} ({mtu}) and has DF set, so it cannot be fragmented: dropped.',
  forward:
    'Forwarded from {in} to {out}: TTL {ttl} becomes {ttl2}; the MACs will be rewritten for the next hop.',
  'forward.no-l2':
    'Forwarded from {in} to {out}: TTL {ttl} becomes {ttl2}. {out} has no link layer (no Ethernet header, no MACs): the bare IP packet is handed to it.',
  'drop.no-socket-icmp': 'An echo reply with id {id} that no ping is waiting for.',
  'icmp.soft-error-ignored':
    'ICMP type {type} code {code} is a soft error ({errno}): the UDP socket it quotes has no IP_RECVERR, so the kernel does not tell it.',
  'icmp.error-no-socket': 'ICMP type {type} code {code} arrives, but no socket owns the packet it quotes.',
  'drop.tcp-closed': 'Nothing listens on TCP port {port} at {dst}: the kernel answers with a RST.',
  'drop.udp-closed': 'Nothing listens on UDP port {port} at {dst}: the datagram is dropped.',
  'drop.no-protocol': 'No handler for IP protocol {protocol}.',
  'tcp.syn-listener':
    '{process} listens on port {port}: the kernel answers the SYN from {from} with SYN-ACK.',
  'tcp.accept': 'The handshake with {from} is complete; {process} accepts the connection.',
  'tcp.syn-again':
    'The same SYN from {from} again: the client never got the SYN-ACK, so the half-open connection sends it again and restarts its timer.',
  'tcp.synack-retransmit':
    'No ACK from {from} yet: the timer of the half-open connection sends the SYN-ACK again (retransmission {n}) and waits twice as long.',
  'tcp.synack-given-up':
    'No ACK from {from} after {n} SYN-ACK retransmissions (tcp_synack_retries): the half-open connection is dropped.',
  'app.read': '{process} reads {bytes} bytes.',
  'app.write': '{process} writes {bytes} bytes back.',
  'app.close': '{process} closes its end of the connection: the kernel sends a FIN.',
  'ping.send': 'ping sends ICMP echo request icmp_seq={seq} to {dst}.',
  'ping.reply': 'ping gets the echo reply: {bytes} bytes from {from}: icmp_seq={seq} ttl={ttl}.',
  'ping.error': 'ping gets an ICMP error from {from}: {text}.',
  'app.local-error': '{process}: {text}.',
  'tcp.syn-retransmit':
    'No answer to the SYN: the kernel sends it again (retransmission {n}) to {dst}:{port}.',
  'tcp.icmp-soft-error':
    'ICMPv6 error from {from} ({text}) while connect() still holds the socket: tcp_v6_err keeps it as a soft error, and the SYN will be sent again.',
  'tcp.connect': '{process} connects to {dst}:{port}: the kernel sends a SYN.',
  'tcp.established':
    'SYN-ACK received: the connection to {dst}:{port} is established; {process} sends its request ({bytes} bytes).',
  'tcp.response': '{process} receives the response: {bytes} bytes from {src}:{port}.',
  'tcp.refused': '{process}: connection refused by {dst}:{port} (RST).',
  'udp.send': '{process} sends a {bytes}-byte UDP datagram to {dst}:{port}.',
  'udp.response': '{process} receives a {bytes}-byte UDP reply from {src}:{port}.',
  'coredns.answer':
    'CoreDNS reads the {type} query for {name} from {from} and answers {rcode}: {answers}. It replies from the address the query reached; conntrack will turn that back into the ClusterIP the client asked.',
  'resolver.query':
    '{process} looks up {name} ({types}) as glibc does: /etc/resolv.conf names {server}, so the query goes there on UDP port 53.',
  'resolver.dig-query':
    '{process} asks {server} for {name} ({types}) on UDP port 53 from a new socket, as dig does: the name as given (the search list only with +search), with an EDNS OPT record (UDP size 1232, a client cookie).',
  'resolver.answer': '{process} gets the {type} answer for {name}: {rcode}{answers}.',
  'resolver.retry':
    '{process}: the server failed every query for {name} (SERVFAIL); glibc asks it again at once, try {attempt} of {attempts}.',
  'resolver.resolved': '{process} resolved {host} to {addr}; now it can connect.',
  'resolver.failed': '{process} could not resolve {host}: {why}.',
  'flow.timeout': 'No answer within {seconds} s.',
  'bridge.dnat-bridged':
    'br_netfilter: the new destination {ip} is behind {bridge} itself, so the frame stays bridged: its destination MAC becomes {mac} and the TTL is untouched.',
  'vxlan.encap':
    '{dev} looks up the inner destination MAC {mac} in its own FDB: it lives behind VTEP {vtep}. The frame is wrapped: VXLAN header (VNI {vni}), UDP to port {port}, outer IPv4 {src} > {vtep}.',
  'vxlan.encap-default':
    '{dev} has no FDB entry for {mac}, so it sends a copy to each default (00:00:00:00:00:00) destination: VTEP {vtep}, VNI {vni}, UDP port {port}.',
  'macvlan.rx':
    '{lower} carries macvlans: the frame for {mac} is taken from {lower} and received on {dev}, the macvlan with that address.',
  'macvlan.reflected':
    "The broadcast came back from {dev}'s own address, and {dev} is not in bridge or VEPA mode: only {dev} gets it back.",
  'macvlan.bridge':
    "{dev} is in bridge mode and {to} (bridge mode too) has {mac}: the frame goes to {to} through {lower}'s receive path, never onto the wire.",
  'macvlan.broadcast': '{lower} gives a copy of the frame for {mac} to its macvlans {devs}.',
  'drop.macvlan-down': 'The frame is for the macvlan {dev} on {lower}, which is down: dropped.',
  'vxlan.decap':
    'UDP port {port} belongs to a VXLAN device: the outer headers from VTEP {vtep} are stripped and the inner frame (VNI {vni}) arrives on {dev} as if from a wire.',
  'vxlan.proxy-arp':
    '{dev} has proxy on: the ARP request for {ip} is answered here from the neighbour table ({mac}) and never crosses the underlay.',
  'drop.vxlan-no-fdb':
    '{dev} has no FDB entry for {mac} and no default destination, so the frame cannot be sent anywhere: dropped.',
  'drop.vxlan-l2miss':
    '{dev} has no FDB entry for {mac}: an L2 miss is reported to user space (l2miss) and the frame is dropped.',
  'drop.vxlan-l3miss':
    '{dev} answers ARP itself (proxy), but knows no neighbour {ip}: the request is dropped (an L3 miss).',
  'drop.vxlan-no-route': '{dev} cannot reach the remote tunnel end {dst}: no route.',
  'drop.udp6-zero-csum':
    'The UDP datagram for port {port} on {dst} has a zero checksum, which IPv6 forbids; the VXLAN device does not accept one (no udp6zerocsumrx): dropped.',
  'drop.vxlan-bad': 'The UDP datagram on the VXLAN port has no valid VXLAN header: dropped.',
  'drop.vxlan-vni': 'No VXLAN device here carries VNI {vni}: the datagram is dropped.',
  'ipip.encap':
    '{dev} wraps the packet in an outer IPv4 header (protocol 4, IPIP) from {src} to {remote}; there is no inner Ethernet header.',
  'ipip.decap':
    'An IPIP packet from {from}: {dev} strips the outer header and the inner packet is received as if from a wire.',
  'drop.ipip-no-tunnel':
    'An IPIP packet from {src}, but no IPIP tunnel here that is up matches its ends: tunnel4 drops it and answers ICMP port unreachable.',
  'gre.encap':
    '{dev} puts a GRE header ({len} bytes, protocol type 0x0800 for IPv4{key}) and an outer IPv4 header (protocol 47, GRE) from {src} to {remote} in front of the packet; there is no inner Ethernet header.',
  'gre.decap':
    'A GRE packet from {from}: {dev} is the tunnel whose ends and key match; it strips the outer IPv4 and GRE headers and the inner packet is received as if from a wire.',
  'drop.gre-no-tunnel':
    'A GRE packet from {src}{key}, but no GRE tunnel here that is up matches its ends and key: dropped with ICMP port unreachable (gre_rcv).',
  'drop.tunnel-no-route': '{dev} cannot reach the far end of the tunnel, {dst}: no route (ip_tunnel_xmit).',
  'drop.tunnel-loop':
    '{dev} would send the outer packet to {dst} back into itself (the route to the far end points into the tunnel): dropped.',
  'tun.read': '{process} reads the packet from {dev} (/dev/net/tun): it leaves the kernel for user space.',
  'store.get': '{who} reads {key} from the store: {value}',
  'store.get-missing': '{who} reads {key} from the store: the key does not exist.',
  'store.put': '{who} writes {key} = {value} to the store.',
  'store.put-ttl':
    '{who} writes {key} = {value} to the store, leased for {ttl} s; it must renew before then.',
  'store.put-exists': '{who} tries to create {key}, but another node holds it.',
  'store.delete': '{who} deletes {key} from the store.',
  'store.watch-set': 'The store tells {who} (it watches the prefix): {key} was set to {value}.',
  'store.watch-expire': 'The store tells {who}: the lease {key} expired (nobody renewed it).',
  'store.watch-delete': 'The store tells {who}: {key} was deleted.',
  'flanneld.stop': '{who} stops: it no longer renews the lease for {subnet}, which will expire.',
  'flanneld.start':
    '{who} starts: it reads the network config, acquires a lease and watches the other leases.',
  'flanneld.cfg-len':
    '{who}: SubnetLen is {len}, as the config sets it: every node leases a /{len} of {network}.',
  'flanneld.cfg-len-default':
    '{who}: the config sets no SubnetLen and {network} is a /22 or larger, so flannel gives every node a /24 (SubnetLen {len}).',
  'flanneld.cfg-len-small':
    '{who}: the config sets no SubnetLen and {network} is smaller than a /22, so flannel splits it into four: SubnetLen {len}.',
  'flanneld.cfg-range-default':
    "{who}: no SubnetMin or SubnetMax in the config, so leases come from {min} to {max}: flannel skips the first /{len} (its address is the network's own) and stops at the last.",
  'flanneld.cfg-range':
    '{who}: leases come from SubnetMin {min} to SubnetMax {max} (an end the config leaves out is the first /{len} after the network address, or the last one).',
  'flanneld.cfg-backend-default':
    "{who}: the config has no Backend, so flannel's ParseConfig uses {type}, the UDP backend its documentation keeps for debugging only (VXLAN is the recommended one).",
  'flanneld.cfg-backend': '{who}: Backend.Type is {type}.',
  'flanneld.lease-reuse':
    '{who} finds a lease for its own IP {ip} in the store, {subnet}, and reuses it (renewing its TTL).',
  'flanneld.lease-previous':
    '{who} finds its previously leased subnet {subnet} in /run/flannel/subnet.env; nobody holds it in the store, so it leases it again.',
  'flanneld.lease-previous-taken':
    '{who}: its previous subnet {subnet} (from /run/flannel/subnet.env) is now leased by {holder}, so it picks another.',
  'flanneld.lease-podcidr':
    "{who} runs with --kube-subnet-mgr: its lease is {subnet}, node {node}'s spec.podCIDR, which kube-controller-manager allocated (--allocate-node-cidrs); flannel picks nothing itself, and publishes its PublicIP and backend data as annotations on the Node instead of writing an etcd lease.",
  'flanneld.lease-pick':
    '{who} picks a subnet in range {min} ... {max}: of the {free} free subnets it collected (flannel collects at most 100), it takes one at random: {subnet}.',
  'flanneld.lease6':
    '{who} also leases the IPv6 subnet {subnet} (EnableIPv6) in the same key; its PublicIPv6 is {ip}, the address the other nodes reach it on.',
  'flanneld.renew': '{who} renews its lease for {subnet} an hour before it would expire.',
  'controller.exec': '{who}: runs "{line}".',
  'systemctl.restart': 'systemd restarts {unit} on {machine}: the daemon is stopped, then started again.',
  'arp.proxy-gateway':
    "Proxy ARP: nobody has {ip}; it is only the pod's made-up gateway. But {dev} has proxy_arp on and this host routes {ip} out of another interface ({out}), so it answers with {dev}'s own MAC {mac}. From now on every frame the pod sends goes to the host's IP stack: the host routes between pods, even on the same node.",
  'forward.between-veths':
    'Routed, not switched: {in} and {out} are address-less veths on no bridge, so the host forwards by its route table (a /32 per pod) and TTL {ttl} becomes {ttl2}. A bridge CNI (cni0, docker0) would switch the same frame at L2 between two pods of one node, with the TTL unchanged.',
  'bird.start':
    '{who} starts (AS {asn}); it originates its block(s) {blocks} and will open a BGP session (TCP 179) with each peer.',
  'bird.stop':
    '{who} stops. Its kernel routes stay (the kernel protocol has `persist`), but every BGP session is closed.',
  'bgp.open-send':
    '{who} opens the BGP session to {peer} ({peerIp}:179): OPEN, AS {asn}, BGP identifier {ip}.',
  'bgp.open-recv':
    '{who} receives OPEN from {peer} ({peerIp}), AS {asn}: the same AS, so this is an iBGP session.',
  'bgp.established':
    '{who}: the session with {peer} ({peerIp}) is Established (OPEN and KEEPALIVE exchanged both ways).',
  'bgp.update-send':
    '{who} sends {peer} an UPDATE: NLRI {prefix}, NEXT_HOP {nexthop} (itself). "Pods in {prefix} live behind me."',
  'bgp.reflect':
    '{who} is a route reflector: it reflects {prefix} (originated by {originator}) to {peer}, NEXT_HOP unchanged ({nexthop}), so {peer} needs no session with {originator}.',
  'bgp.update-recv':
    '{who} receives from {peer} an UPDATE: NLRI {prefix}, NEXT_HOP {nexthop} (originated by {originator}).',
  'bird.export':
    "{who} exports {prefix} to the kernel: via {nexthop} dev {dev} proto bird. The next hop is on this node's subnet {subnet}, so no tunnel is needed (IPIP mode {mode}).",
  'bird.export-recursive':
    "{who} exports {prefix} to the kernel: via {gateway} dev {dev} proto bird. The BGP next hop {nexthop} is outside this node's subnet {subnet} and IPIP mode is {mode}, so BIRD resolves it recursively (gateway recursive) through the kernel's route to it: packets for {prefix} go to {gateway} with the pod addresses unchanged, and reach {nexthop} only if {gateway} itself has a route to {prefix}.",
  'bird.export-tunnel':
    "{who} exports {prefix} to the kernel through tunl0: via {nexthop} dev tunl0 onlink. IPIP mode {mode}: the next hop is outside this node's subnet {subnet}, so packets are wrapped in IPIP (protocol 4) to {nexthop}.",
  'bgp.notification-send':
    '{who} sends {peer} ({peerIp}) a NOTIFICATION (Cease, administrative shutdown) and closes the session.',
  'bgp.notification-recv':
    '{who} receives a NOTIFICATION from {peer} ({peerIp}): the session is closed on purpose, so there is no graceful restart; every route learned from {peer} is withdrawn.',
  'bird.withdraw': '{who} withdraws {prefix} (via {nexthop}) and removes it from the kernel.',
  'bgp.withdraw-send': '{who} sends {peer} an UPDATE withdrawing {prefix}.',
  'felix.error': '{who} runs "{line}" and the kernel refuses it: {error}',
  'systemctl.start': 'systemd starts {unit} on {machine}.',
  'systemctl.stop': 'systemd stops {unit} on {machine}.',
  'systemctl.wait':
    'Time passes: {hours} h later the lease for {subnet} has expired and every watcher has acted on it.',
  'flanneld.error': '{who} runs "{line}" and the kernel refuses it: {error}',
  'flanneld.no-lease':
    '{who} reads a packet for {dst} from flannel0, but no node holds a lease covering it: dropped.',
  'flanneld.udp-send':
    '{who} looks up {dst} in the leases: {subnet} belongs to {node}. It sends the whole packet as the payload of a UDP datagram to {node}:{port} (back into the kernel).',
  'flanneld.udp-recv':
    '{who} receives a datagram from {from} on UDP 8285: its payload is a packet for the pod network.',
  'tun.write': '{process} writes the packet into {dev}: the kernel receives it as if from a wire.',
  'nf.endpoint':
    "Service {service}: kube-proxy's rules chose endpoint {endpoint} ({pinned}). The odds were: {odds}.",
  'ipvs.schedule':
    'IPVS: {vip} is a virtual service; its {scheduler} scheduler gives this connection to real server {real} (1 of {n}, {odds}% each).',
  'ipvs.dnat':
    'IPVS (masquerading): destination {from} becomes {to}, and the packet is sent on to the real server.',
  'ipvs.unnat':
    "IPVS: the real server's reply from {from} gets the virtual service {to} as its source again.",
  'drop.ipvs-no-real': 'IPVS: the virtual service {vip} has no real server: dropped.',
  'kube-proxy.pick':
    'kube-proxy (userspace) accepted the connection from {client} for {service} and picks endpoint {endpoint} (round robin over {n}); it opens its own connection there.',
  'route.reroute-mangle':
    'The mangle table changed what routing reads (mark {mark}), so the kernel routes the packet again (ip_route_me_harder): {dst} now leaves by {dev}.',
  'route.reroute':
    'The destination was rewritten in OUTPUT, so the kernel routes the packet again: {dst} goes out of {dev}.',
  'drop.reroute-localnet':
    'After NAT in OUTPUT the packet from {src} to {dst} would leave by {dev}; a loopback source may not leave a real device while route_localnet is 0, so it is dropped (__mkroute_output).',
  'drop.no-route-output': 'After NAT in OUTPUT there is no route to {dst}: the packet is dropped.',
  'nf.accept': '{hook}, table {table}: "{rule}" accepts the packet ({n} rules evaluated).',
  'nf.policy': '{hook}, table {table}: no rule decided, so the chain policy applies: "{rule}".',
  'nf.nat-rule': '{hook}, table nat: "{rule}" decides the NAT of this new connection.',
  'nf.log': 'LOG {prefix}: the rule "{rule}" writes the packet to the kernel log and the walk goes on.',
  'drop.nf-rule':
    '{ns} drops the packet in {hook} (table {table}, chain {chain}): the rule "{rule}" matched with -j DROP.',
  'drop.nf-policy':
    '{ns} drops the packet in {hook} (table {table}): no rule accepted it, and the chain policy is "{rule}".',
  'drop.nf-reject':
    '{ns} rejects the packet in {hook} (table {table}, chain {chain}) with "{rule}", and tells the sender.',
  'nft.accept':
    '{hook}, nftables table {table}, chain {chain}: "{rule}" accepts the packet ({n} rules evaluated).',
  'nft.policy':
    '{hook}, nftables table {table}, chain {chain}: no rule decided, so the base chain\'s policy applies: "{rule}".',
  'nft.nat-rule':
    '{hook}, nftables table {table}, chain {chain}: "{rule}" decides the NAT of this new connection.',
  'drop.nft-rule':
    '{ns} drops the packet in {hook} (nftables table {table}, chain {chain}): the rule "{rule}" ends in drop.',
  'drop.nft-policy':
    '{ns} drops the packet in {hook} (nftables table {table}, chain {chain}): no rule accepted it, and the base chain says "{rule}".',
  'drop.nft-reject':
    '{ns} rejects the packet in {hook} (nftables table {table}, chain {chain}) with "{rule}", and tells the sender.',
  'ct.new': 'conntrack: a new connection {tuple}; NAT for it is decided by this first packet.',
  'ct.hit':
    'conntrack: the packet belongs to a known connection ({state}); its NAT is applied from the entry, no rules consulted.',
  'ct.hit-reply': 'conntrack: a reply of a known connection (ESTABLISHED); any NAT is undone from the entry.',
  'ct.related':
    'conntrack: an ICMP error about a known connection (RELATED): it is translated with that connection.',
  'ct.confirm': 'conntrack: the connection is confirmed into the table as the packet leaves the hooks.',
  'nat.dnat': 'DNAT in {hook}: destination {from} becomes {to}.',
  'nat.snat': 'SNAT in {hook}: source {from} becomes {to}.',
  'nat.undo-snat':
    'Reply to a source-NATed connection: destination {from} is restored to {to} (conntrack undoes the SNAT).',
  'nat.undo-dnat':
    'Reply to a destination-NATed connection: source {from} is restored to {to} (conntrack undoes the DNAT).',
  'nat.related':
    'The ICMP error and the packet it quotes are translated like their connection: {from} becomes {to}.',
  // Hop titles (hops.ts): one line per hop, the events below it tell the details.
  'hop.resolve': 'ARP in {ns}: who has {ip} on {dev}?',
  'hop.resolve-failed': 'ARP in {ns}: nobody answers for {ip} on {dev}',
  'hop.move': '{from} → {to}',
  'hop.move-out': '{from} sends the frame on',
  'hop.drop': 'Dropped in {ns} ({dev})',
  'hop.icmp-error': '{ns} sends an ICMP error back',
  'hop.encap': '{dev} encapsulates the packet in {ns}',
  'hop.decap': '{dev} decapsulates the packet in {ns}',
  'hop.nat': 'NAT in {ns}: {from} → {to}',
  'hop.backend': '{ns} picks backend {backend}',
  'hop.deliver': '{ns} takes the packet in',
  'hop.send': '{ns} sends a packet to {dst}',
  'hop.netfilter': 'netfilter in {ns}',
  'hop.control': 'Control plane in {ns}',
  'hop.route': '{ns} routes the packet for {dst}',
  ...EN6,
};

/** Templates split once into literal and placeholder parts: rendering runs for every event. */
const compiled = new WeakMap<Record<string, string>, Map<string, string[]>>();

function parts(dict: Record<string, string>, code: MessageCode): string[] {
  let byCode = compiled.get(dict);
  if (!byCode) compiled.set(dict, (byCode = new Map()));
  let p = byCode.get(code);
  if (!p) byCode.set(code, (p = (dict[code] ?? EN[code] ?? code).split(/\{(\w+)\}/)));
  return p;
}

export function renderExplain(e: Explain, dict: Record<string, string> = EN): string {
  const p = parts(dict, e.code);
  let out = p[0]!;
  for (let i = 1; i < p.length; i += 2) {
    const v = e.args[p[i]!];
    out += (v === undefined ? '' : String(v)) + p[i + 1]!;
  }
  return out;
}
