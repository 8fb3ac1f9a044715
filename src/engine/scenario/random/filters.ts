/**
 * Netfilter on the random world: filter rules (policies, conntrack state, REJECT with each
 * of its replies), NAT (SNAT, MASQUERADE, DNAT, REDIRECT) and ipset matches.
 */
import { leftGw, subnet, type Gen, type GenMachine } from './world';

const REJECT_WITH = [
  '',
  ' --reject-with icmp-port-unreachable',
  ' --reject-with icmp-host-unreachable',
  ' --reject-with icmp-net-unreachable',
  ' --reject-with icmp-host-prohibited',
  ' --reject-with icmp-admin-prohibited',
];

function routers(g: Gen): [string, GenMachine][] {
  return [...g.machines].filter(([, m]) => m.role === 'router');
}

function randomAddr(g: Gen): string {
  return g.rng.pick(g.targets).addr;
}

/** A FORWARD (or INPUT) rule that refuses some traffic, with one of REJECT's replies or DROP. */
function refuseRule(g: Gen, chain: 'FORWARD' | 'INPUT'): string {
  const proto = g.rng.pick(['tcp', 'udp', 'icmp']);
  const match =
    proto === 'tcp'
      ? '-p tcp --dport 80'
      : proto === 'udp'
        ? '-p udp --dport 53'
        : '-p icmp --icmp-type echo-request';
  const dst = chain === 'FORWARD' && g.rng.chance(0.5) ? ` -d ${randomAddr(g)}` : '';
  if (g.rng.chance(0.2)) {
    g.features.add('DROP rule');
    return `iptables -A ${chain}${dst} ${match} -j DROP`;
  }
  g.features.add('REJECT');
  const w = proto === 'tcp' && g.rng.chance(0.4) ? ' --reject-with tcp-reset' : g.rng.pick(REJECT_WITH);
  if (w.includes('tcp-reset')) g.features.add('REJECT tcp-reset');
  return `iptables -A ${chain}${dst} ${match} -j REJECT${w}`;
}

export function addFilters(g: Gen): void {
  for (const [, m] of routers(g)) {
    if (g.rng.chance(0.25)) {
      g.features.add('FORWARD policy DROP + conntrack state');
      m.setup.push(
        'iptables -P FORWARD DROP',
        'iptables -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT',
      );
      const allow = g.rng.some(
        ['-p icmp', '-p tcp --dport 80', '-p udp --dport 53', `-s ${subnet(0)}.0/24`, '-p tcp --dport 8080'],
        g.rng.int(1, 3),
      );
      for (const a of allow) m.setup.push(`iptables -A FORWARD ${a} -j ACCEPT`);
    } else if (g.rng.chance(0.3)) m.setup.push(refuseRule(g, 'FORWARD'));
    if (g.rng.chance(0.15)) addIpset(g, m);
  }
  for (const [h, k] of g.hosts) {
    if (!g.rng.chance(0.2)) continue;
    const m = g.machines.get(h)!;
    if (g.rng.chance(0.7)) m.setup.push(refuseRule(g, 'INPUT'));
    else {
      g.features.add('INPUT policy DROP + conntrack state');
      m.setup.push(
        'iptables -A INPUT -i lo -j ACCEPT',
        'iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT',
        `iptables -A INPUT -s ${subnet(k)}.0/24 -j ACCEPT`,
        'iptables -P INPUT DROP',
      );
    }
  }
}

function addIpset(g: Gen, m: GenMachine): void {
  g.features.add('ipset');
  const net = g.rng.chance(0.5);
  m.setup.push(`ipset create blocked ${net ? 'hash:net' : 'hash:ip'}`);
  const members = g.rng
    .some(g.targets, g.rng.int(1, 2))
    .map((t) => (net ? t.addr.replace(/\.\d+$/, '.0/24') : t.addr));
  for (const e of new Set(members)) m.setup.push(`ipset add blocked ${e}`);
  const dir = g.rng.pick(['src', 'dst']);
  const verdict = g.rng.chance(0.5) ? 'DROP' : 'REJECT';
  m.setup.push(`iptables -I FORWARD -m set --match-set blocked ${dir} -j ${verdict}`);
}

export function addNat(g: Gen): void {
  for (const [name, m] of routers(g)) {
    const i = Number(name.slice(1));
    if (g.rng.chance(0.3)) {
      if (g.rng.chance(0.6)) {
        g.features.add('MASQUERADE');
        m.setup.push(`iptables -t nat -A POSTROUTING -s ${subnet(i - 1)}.0/24 -o eth1 -j MASQUERADE`);
      } else {
        g.features.add('SNAT');
        m.setup.push(
          `iptables -t nat -A POSTROUTING -s ${subnet(i - 1)}.0/24 -o eth1 -j SNAT --to-source ${leftGw(i)}`,
        );
      }
    }
    const inside = g.targets.find((t) => t.tcp && t.netns && g.hosts.get(t.netns) === i - 1);
    if (inside && g.rng.chance(0.3)) {
      g.features.add('DNAT');
      m.setup.push(
        `iptables -t nat -A PREROUTING -d ${leftGw(i)} -p tcp --dport 8080 -j DNAT --to-destination ${inside.addr}:80`,
      );
      g.targets.push({ addr: leftGw(i), netns: name, tcp: 8080 });
    }
  }
  for (const t of g.targets.slice()) {
    if (!t.tcp || t.tcp !== 80 || !t.netns || !g.hosts.has(t.netns) || !g.rng.chance(0.15)) continue;
    g.features.add('REDIRECT');
    g.machines
      .get(t.netns)!
      .setup.push('iptables -t nat -A PREROUTING -p tcp --dport 8081 -j REDIRECT --to-ports 80');
    g.targets.push({ addr: t.addr, netns: t.netns, tcp: 8081 });
  }
}
