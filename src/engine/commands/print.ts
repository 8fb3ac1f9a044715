/** iproute2's long listings (`ip link`, `ip addr`) for one device. */
import { formatIp } from '../net/ipv4';
import type { Device } from '../kernel/device';
import { Gre } from '../kernel/devices/gre';
import { IpTunnel } from '../kernel/devices/ip-tunnel';
import { Macvlan } from '../kernel/devices/macvlan';
import { Veth } from '../kernel/devices/veth';
import { formatIp6 } from '../net/ipv6';

/** An IP tunnel's link type as iproute2 names it (ARPHRD_TUNNEL "ipip", ARPHRD_IPGRE "gre"). */
const tunnelType = (d: IpTunnel): string => (d instanceof Gre ? 'gre' : 'ipip');

function qdisc(d: Device): string {
  if (!d.adminUp) return 'noop';
  return d.kind === 'ether' ? 'fq_codel' : 'noqueue';
}

export function linkName(d: Device): string {
  if (d instanceof Veth && d.peer) return `${d.name}@if${d.peer.ifindex}`;
  // A tunnel's iflink is the device it is bound to; with none, iproute2 prints "@NONE".
  if (d instanceof IpTunnel) return `${d.name}@${d.params.dev?.name ?? 'NONE'}`;
  // A link in another namespace is printed by its index (IFLA_LINK_NETNSID is set).
  if (d instanceof Macvlan)
    return d.lower.netns === d.netns ? `${d.name}@${d.lower.name}` : `${d.name}@if${d.lower.ifindex}`;
  return d.name;
}

export function linkHeader(d: Device): string {
  const master = d.master ? ` master ${d.master.name}` : '';
  return `${d.ifindex}: ${linkName(d)}: <${d.linkFlags().join(',')}> mtu ${d.mtu} qdisc ${qdisc(d)}${master} state ${d.operState()} group default qlen 1000`;
}

export function linkLine(d: Device): string {
  if (d.kind === 'loopback') return `    link/loopback ${d.mac} brd 00:00:00:00:00:00`;
  if (d instanceof IpTunnel) {
    // The tunnel's local address is its link-layer address and the remote its broadcast,
    // or its peer on a point-to-point tunnel.
    const { local, remote } = d.params;
    const peer = remote !== undefined ? 'peer' : 'brd';
    return `    link/${tunnelType(d)} ${formatIp(local ?? 0)} ${peer} ${formatIp(remote ?? 0)}`;
  }
  if (d.linkType === 'raw') return '    link/none ';
  let s = `    link/ether ${d.mac} brd ff:ff:ff:ff:ff:ff`;
  if (d instanceof Veth && d.peer && d.peer.netns !== d.netns) s += ` link-netns ${d.peer.netns.name}`;
  if (d instanceof Macvlan && d.lower.netns !== d.netns) s += ` link-netns ${d.lower.netns.name}`;
  return s;
}

export function printLink(d: Device, brief: boolean, details: boolean): string[] {
  if (brief) {
    return [`${linkName(d).padEnd(16)} ${d.operState().padEnd(14)} ${d.mac} <${d.linkFlags().join(',')}>`];
  }
  const out = [linkHeader(d).replace(' group default', ' mode DEFAULT group default'), linkLine(d)];
  if (details) {
    const kind =
      d.kind === 'ether' ? '' : d.kind === 'loopback' ? '' : `    ${d.kind} ${d.detail()}`.trimEnd();
    if (kind) out.push(kind);
  }
  return out;
}

export function printAddr(d: Device, brief: boolean): string[] {
  if (brief) {
    const addrs = [
      ...d.addrs.map((a) => `${formatIp(a.addr)}/${a.len}`),
      ...d.addrs6.map((a) => `${formatIp6(a.addr)}/${a.len}`),
    ].join(' ');
    return [`${linkName(d).padEnd(16)} ${d.operState().padEnd(14)} ${addrs}`.trimEnd()];
  }
  const out = [linkHeader(d), linkLine(d)];
  for (const a of d.addrs) {
    const brd = a.broadcast !== undefined ? ` brd ${formatIp(a.broadcast)}` : '';
    const sec = a.secondary ? ' secondary' : '';
    out.push(
      `    inet ${formatIp(a.addr)}/${a.len}${brd} scope ${a.scope === 'global' ? 'global' : a.scope}${sec} ${d.name}`,
    );
    out.push('       valid_lft forever preferred_lft forever');
  }
  out.push(...addr6Lines(d));
  return out;
}

/** `inet6 2001:db8::1/64 scope global nodad ` (iproute2 ends the flags with a space). */
export function addr6Lines(d: Device): string[] {
  return d.addrs6.flatMap((a) => [
    `    inet6 ${formatIp6(a.addr)}/${a.len} scope ${a.scope} ${a.nodad ? 'nodad ' : ''}${a.noprefixroute ? 'noprefixroute ' : ''}`,
    '       valid_lft forever preferred_lft forever',
  ]);
}
