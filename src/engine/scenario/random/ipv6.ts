/**
 * IPv6 and dual-stack in the random world. A share of seeds turns IPv6 on: every link gets
 * global addresses beside its IPv4 ones (2001:db8:1K::/64 on segment K, a ULA /64 per pod
 * bridge and on the VXLAN overlay), and the world's IPv4 configuration gets IPv6 twins line
 * by line (routes, forwarding, filter and NAT rules), some of them left out or changed so the
 * two families do not always agree. Some flows then aim at the IPv6 twin of their address.
 * Every draw comes from a stream of its own and nothing is touched unless the seed draws
 * IPv6, so the IPv4 seeds' worlds are exactly what they were before this existed.
 */
import { formatIp6, linkLocalFromMac } from '../../net/ipv6';
import { Rng } from './rng';
import type { GenFlow } from './flows';
import type { Gen, GenMachine } from './world';

/** 10.A.0.B and 192.168.99.B, the generator's IPv4 addresses, as their IPv6 twins. */
export function twin6(v4: string): string | undefined {
  const m = /^10\.(\d+)\.0\.(\d+)$/.exec(v4);
  if (m) return Number(m[1]) < 100 ? `2001:db8:${m[1]}::${m[2]}` : `fd00:${m[1]}::${m[2]}`;
  const v = /^192\.168\.99\.(\d+)$/.exec(v4);
  return v ? `fd00:99::${v[1]}` : undefined;
}

/** A /24 of the generator as its /64 twin. */
function twinNet6(net: string): string | undefined {
  const m = /^(10\.\d+\.0|192\.168\.99)\.0\/24$/.exec(net);
  return m ? twin6(`${m[1]}.0`)!.replace(/::0$/, '::/64') : undefined;
}

const ADDR = /\b(?:10\.\d+\.0\.\d+|192\.168\.99\.\d+)(?:\/(?:24|32))?\b/g;

/** Every address in a line as its twin; undefined if one has none (a /32, 169.254.x). */
function twinLine(line: string): string | undefined {
  if (/169\.254\.|\/32\b/.test(line)) return undefined;
  let ok = true;
  const out = line.replace(ADDR, (a) => {
    const t = a.endsWith('/24') ? twinNet6(a) : a.includes('/') ? undefined : twin6(a);
    if (!t) ok = false;
    return t ?? a;
  });
  return ok ? out : undefined;
}

/** REJECT's ICMP replies and their ICMPv6 counterparts, as ip6tables names them. */
const REJECT6: Record<string, string> = {
  'icmp-port-unreachable': 'icmp6-port-unreachable',
  'icmp-host-unreachable': 'icmp6-addr-unreachable',
  'icmp-net-unreachable': 'icmp6-no-route',
  'icmp-host-prohibited': 'icmp6-adm-prohibited',
  'icmp-admin-prohibited': 'icmp6-adm-prohibited',
  'tcp-reset': 'tcp-reset',
};

/** An iptables rule as the ip6tables rule a dual-stack admin writes beside it. */
function twinRule(line: string): string | undefined {
  // ipsets are of one family (hash:ip is inet); mangle marks feed IPv4 `ip rule`s only.
  if (/-m set|-t mangle|CONNMARK|MARK/.test(line)) return undefined;
  const body = twinLine(line);
  if (!body) return undefined;
  return body
    .replace(/^(iptables)(-legacy|-nft)? /, 'ip6tables$2 ')
    .replace(/-p icmp --icmp-type /, '-p ipv6-icmp --icmpv6-type ')
    .replace(/-p icmp\b/, '-p ipv6-icmp')
    .replace(/--reject-with (\S+)/, (_, w: string) => `--reject-with ${REJECT6[w] ?? w}`)
    .replace(/--to-destination (\S+):(\d+)/, '--to-destination [$1]:$2');
}

/** The link-local address of the NIC holding an IPv4 address, when its MAC is pinned. */
function linkLocalOf(g: Gen, v4: string): string | undefined {
  for (const m of g.machines.values())
    for (const n of m.nics)
      if (n.addr.startsWith(`${v4}/`) && n.mac) return formatIp6(linkLocalFromMac(n.mac));
  return undefined;
}

/** The IPv6 twin of one setup line, or undefined when it has none (or the world leaves it out). */
function twinSetup(rng: Rng, g: Gen, line: string): string[] {
  if (line === 'sysctl -w net.ipv4.ip_forward=1') {
    if (rng.chance(0.07)) {
      g.features.add('IPv6 forwarding off');
      return [];
    }
    return ['sysctl -w net.ipv6.conf.all.forwarding=1'];
  }
  const r = /^ip route add (\S+) via (\S+)(.*)$/.exec(line);
  if (r && !/ table /.test(line)) {
    const dst = r[1] === 'default' ? 'default' : twinNet6(r[1]!);
    const via = twin6(r[2]!);
    if (!dst || !via || rng.chance(0.08)) return [];
    const ll = linkLocalOf(g, r[2]!);
    if (dst === 'default' && ll && r[3] === '' && rng.chance(0.5)) {
      // As a router advertisement would set it: the router's link-local address.
      g.features.add('IPv6 default via link-local');
      return [`ip -6 route add default via ${ll} dev eth0`];
    }
    return [`ip -6 route add ${dst} via ${via}${r[3]}`];
  }
  const nt = /^route add -net (\S+)\.0 netmask 255\.255\.255\.0 gw (\S+)$/.exec(line);
  if (nt) {
    const dst = twinNet6(`${nt[1]}.0/24`);
    const via = twin6(nt[2]!);
    return dst && via ? [`ip -6 route add ${dst} via ${via}`] : [];
  }
  const ipaddr = /^(ip(?: -n \S+)?) addr add (\S+)\/24 dev (\S+)$/.exec(line);
  if (ipaddr) {
    const a = twin6(ipaddr[2]!);
    return a ? [`${ipaddr[1]} -6 addr add ${a}/64 dev ${ipaddr[3]} nodad`] : [];
  }
  const pr = /^ip -n (\S+) route add default via (\S+)$/.exec(line);
  if (pr) return twin6(pr[2]!) ? [`ip -n ${pr[1]} -6 route add default via ${twin6(pr[2]!)}`] : [];
  if (/^iptables(-legacy|-nft)? /.test(line) && rng.chance(0.85)) {
    const t = twinRule(line);
    if (t) g.features.add(line.includes('-t nat') ? 'NAT66' : 'ip6tables filter');
    return t ? [t] : [];
  }
  return [];
}

/** Global addresses on every NIC, first, so the routes' gateways are on-link when they are added. */
function addAddresses(m: GenMachine): string[] {
  return m.nics.map((n) => `ip -6 addr add ${twin6(n.addr.split('/')[0]!)}/64 dev ${n.name} nodad`);
}

/** A flow aimed at the IPv6 twin of its address (ping, curl with brackets, nc). */
function twinFlow(f: GenFlow, g: Gen, rng: Rng, v6Sources: Set<string>): GenFlow {
  if (!v6Sources.has(f.netns) || !rng.chance(0.7)) return f;
  const m = /^(.*?)(\d+\.\d+\.\d+\.\d+)(.*)$/.exec(f.command);
  const t = m && twin6(m[2]!);
  if (!m || !t) return f;
  g.features.add('IPv6 flows');
  if (m[1]!.startsWith('curl http://')) return { ...f, command: `${m[1]}[${t}]${m[3]}` };
  const ping = m[1]!.startsWith('ping') && rng.chance(0.5) ? m[1]!.replace(/^ping /, 'ping -6 ') : m[1];
  return { ...f, command: `${ping}${t}${m[3]}` };
}

/** The stream that decides a seed's IPv6, apart from every other draw of the generator. */
export function ipv6Rng(seed: number): Rng {
  return new Rng((seed * 0x27d4eb2d) ^ 0x6a09e667);
}

/**
 * Makes a share of worlds dual-stack. Returns the netns that have a global IPv6 address (the
 * hosts and the pods behind bridges), or undefined for an IPv4-only world.
 */
export function addIpv6(g: Gen, rng: Rng): Set<string> | undefined {
  if (!rng.chance(0.3)) return undefined;
  g.features.add('IPv6 (dual-stack)');
  const sources = new Set(g.hosts.keys());
  for (const m of g.machines.values()) {
    const twins = m.setup.flatMap((l) => [l, ...twinSetup(rng, g, l)]);
    m.setup = [...addAddresses(m), ...twins];
    for (const l of twins) {
      const pod = /^ip -n (\S+) -6 addr add /.exec(l);
      if (pod) sources.add(pod[1]!);
      if (/ -6 addr add fd00:99::/.test(l)) g.features.add('IPv6 over VXLAN');
    }
  }
  if (sources.size > g.hosts.size) g.features.add('IPv6 pods');
  return sources;
}

/** Some flows aimed at IPv6 twins, and a ping to a neighbour's link-local address. */
export function twinFlows(g: Gen, rng: Rng, flows: GenFlow[], v6: Set<string>): GenFlow[] {
  const out = flows.map((f) => twinFlow(f, g, rng, v6));
  const ll = linkLocalPing(g, rng);
  if (ll) out.push({ id: `f${out.length + 1}`, ...ll });
  return out;
}

/** A host pings the link-local address of a NIC with a pinned MAC on its segment. */
function linkLocalPing(g: Gen, rng: Rng): Omit<GenFlow, 'id'> | undefined {
  if (!rng.chance(0.3)) return undefined;
  const pairs: { netns: string; ll: string }[] = [];
  for (const [h, k] of g.hosts)
    for (const [name, m] of g.machines)
      for (const n of m.nics)
        if (name !== h && n.mac && n.segment === `s${k}`)
          pairs.push({ netns: h, ll: formatIp6(linkLocalFromMac(n.mac)) });
  if (pairs.length === 0) return undefined;
  const p = rng.pick(pairs);
  g.features.add('IPv6 link-local flows');
  return { netns: p.netns, command: `ping -c 1 -W 2 ${p.ll}%eth0` };
}
