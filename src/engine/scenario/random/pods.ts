/**
 * Pods on a host: network namespaces behind a bridge (the CNI bridge plugin's shape, with
 * hairpin on some ports) or behind routed veths with proxy ARP (Calico's shape). Their
 * traffic leaves either masqueraded by the host or routed, with the routers told the way.
 */
import { leftGw, rightGw, type Gen } from './world';

export function addPods(g: Gen): void {
  const hosts = [...g.hosts.keys()];
  let n = 0;
  for (const h of g.rng.some(hosts, 2)) {
    if (!g.rng.chance(0.45)) continue;
    const net = `10.${100 + n}.0`;
    const bridged = g.rng.chance(0.6);
    const m = g.machines.get(h)!;
    m.setup.push('sysctl -w net.ipv4.ip_forward=1');
    if (bridged) {
      g.features.add('pods behind a bridge');
      m.setup.push('ip link add br0 type bridge', `ip addr add ${net}.1/24 dev br0`, 'ip link set br0 up');
    } else g.features.add('pods on routed veths (proxy ARP)');
    const count = g.rng.int(1, 2);
    for (let j = 0; j < count; j++) addPod(g, h, n, j, net, bridged);
    if (g.rng.chance(0.5)) {
      g.features.add('MASQUERADE');
      m.setup.push(
        bridged
          ? `iptables -t nat -A POSTROUTING -s ${net}.0/24 ! -o br0 -j MASQUERADE`
          : `iptables -t nat -A POSTROUTING -s ${net}.0/24 -o eth0 -j MASQUERADE`,
      );
    } else routeToPods(g, g.hosts.get(h)!, net, m.nics[0]!.addr.split('/')[0]!);
    n++;
  }
}

function addPod(g: Gen, host: string, n: number, j: number, net: string, bridged: boolean): void {
  const m = g.machines.get(host)!;
  const pod = `p${n}${String.fromCharCode(97 + j)}`;
  const veth = `v${pod}`;
  const addr = `${net}.${j + 2}`;
  m.setup.push(`ip netns add ${pod}`, `ip link add ${veth} type veth peer name eth0 netns ${pod}`);
  if (bridged) {
    m.setup.push(
      `ip link set ${veth} master br0`,
      `ip link set ${veth} up`,
      `ip -n ${pod} addr add ${addr}/24 dev eth0`,
      `ip -n ${pod} link set eth0 up`,
      `ip -n ${pod} link set lo up`,
      `ip -n ${pod} route add default via ${net}.1`,
    );
    if (g.rng.chance(0.3)) {
      g.features.add('hairpin');
      m.setup.push(`bridge link set dev ${veth} hairpin on`);
    }
  } else {
    m.setup.push(
      `ip link set ${veth} up`,
      `sysctl -w net.ipv4.conf.${veth}.proxy_arp=1`,
      `ip route add ${addr}/32 dev ${veth}`,
      `ip -n ${pod} addr add ${addr}/32 dev eth0`,
      `ip -n ${pod} link set eth0 up`,
      `ip -n ${pod} link set lo up`,
      `ip -n ${pod} route add 169.254.1.1 dev eth0 scope link`,
      `ip -n ${pod} route add default via 169.254.1.1 dev eth0`,
    );
  }
  g.pods.set(pod, host);
  const t = { addr, netns: pod, tcp: undefined as number | undefined };
  if (g.rng.chance(0.5)) {
    t.tcp = 80;
    g.servers.push({ netns: pod, listen: 'tcp/80', process: 'nginx', reply: g.rng.int(20, 900) });
  }
  g.targets.push(t.tcp ? { addr, netns: pod, tcp: 80 } : { addr, netns: pod });
}

/** Without NAT the pods' subnet must be routed: every router learns where it is (some forget). */
function routeToPods(g: Gen, k: number, net: string, hostAddr: string): void {
  g.features.add('routed pod subnet');
  for (const [name, m] of g.machines) {
    if (m.role !== 'router' || g.rng.chance(0.1)) continue;
    const i = Number(name.slice(1));
    // r_i sits on s_{i-1} and s_i.
    const via = k === i - 1 || k === i ? hostAddr : k < i - 1 ? leftGw(i - 1) : rightGw(i);
    m.setup.push(`ip route add ${net}.0/24 via ${via}`);
  }
  for (const [name, seg] of g.hosts) {
    if (seg !== k || g.machines.get(name)!.nics[0]!.addr.startsWith(hostAddr + '/')) continue;
    if (g.rng.chance(0.5)) g.machines.get(name)!.setup.push(`ip route add ${net}.0/24 via ${hostAddr}`);
  }
}
