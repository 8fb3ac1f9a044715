/**
 * Policy routing on the random world: `ip rule` selectors (from, to, iif, not, fwmark) that
 * send lookups to extra tables, rules whose action refuses (unreachable, prohibit,
 * blackhole), tables that hold no match (the walk goes on), suppress_prefixlength, and
 * fwmark rules fed by MARK and CONNMARK in mangle.
 * Its draws come from a stream of their own, so the worlds of seeds without it are unchanged.
 */
import { Rng } from './rng';
import { leftGw, rightGw, subnet, type Gen, type GenMachine } from './world';

/** Addresses on the segments a machine is attached to, other than its own: possible next hops. */
function neighbours(g: Gen, m: GenMachine): string[] {
  const own = new Set(m.nics.map((n) => n.addr.replace(/\/\d+$/, '')));
  const out: string[] = [];
  for (const n of m.nics) {
    const k = g.segments.indexOf(n.segment);
    for (const a of [rightGw(k), leftGw(k), `${subnet(k)}.10`, `${subnet(k)}.11`])
      if (!own.has(a) && !out.includes(a)) out.push(a);
  }
  return out;
}

function someSubnet(rng: Rng, g: Gen): string {
  return `${subnet(rng.int(0, g.segments.length - 1))}.0/24`;
}

/** One table's contents: a default or a prefix by another next hop, a refusing route, or nothing. */
function tableRoutes(rng: Rng, g: Gen, m: GenMachine, table: number): string[] {
  const via = rng.pick(neighbours(g, m));
  const dst = rng.chance(0.5) ? 'default' : someSubnet(rng, g);
  const kind = rng.int(0, 5);
  if (kind === 0) {
    g.features.add('ip rule (empty table)');
    return [];
  }
  if (kind === 1)
    return [`ip route add ${rng.pick(['blackhole', 'unreachable', 'prohibit'])} ${dst} table ${table}`];
  return [`ip route add ${dst} via ${via} table ${table}`];
}

/**
 * A table's routes go before the machine's first `ip rule`: the kernel checks a gateway with a
 * full policy lookup when its own table cannot resolve it (fib_check_nh_v4_gw), so a rule
 * whose action refuses ("not from X unreachable") would make the route fail with "Nexthop has
 * invalid gateway" (seed 1002, measured on the kernel).
 */
function addTableRoutes(m: GenMachine, routes: string[]): void {
  const at = m.setup.findIndex((l) => l.startsWith('ip rule add'));
  m.setup.splice(at < 0 ? m.setup.length : at, 0, ...routes);
}

/** A selector over what this world's packets carry. */
function selector(rng: Rng, g: Gen, m: GenMachine): string {
  const t = rng.pick(g.targets).addr;
  const nic = rng.pick(m.nics).name;
  const options = [
    `from ${someSubnet(rng, g)}`,
    `to ${someSubnet(rng, g)}`,
    `to ${t}`,
    `from ${t}`,
    `iif ${nic}`,
    'iif lo',
    `from ${someSubnet(rng, g)} to ${someSubnet(rng, g)}`,
  ];
  const s = rng.pick(options);
  if (s.startsWith('iif')) g.features.add('ip rule iif');
  if (rng.chance(0.15)) {
    g.features.add('ip rule not');
    return `not ${s}`;
  }
  return s;
}

function addRules(rng: Rng, g: Gen, m: GenMachine): void {
  const n = rng.int(1, 2);
  for (let i = 0; i < n; i++) {
    const table = 100 + i;
    const pref = rng.chance(0.5) ? ` pref ${rng.int(10, 30000)}` : '';
    const sel = selector(rng, g, m);
    if (rng.chance(0.2)) {
      g.features.add('ip rule action');
      m.setup.push(`ip rule add ${sel} ${rng.pick(['unreachable', 'prohibit', 'blackhole'])}${pref}`);
      continue;
    }
    addTableRoutes(m, tableRoutes(rng, g, m, table));
    const suppress = rng.chance(0.1) ? ' suppress_prefixlength 0' : '';
    if (suppress) g.features.add('ip rule suppress_prefixlength');
    m.setup.push(`ip rule add ${sel} table ${table}${pref}${suppress}`);
  }
}

/**
 * Route by a mark: mangle marks some packets (by protocol, input device or a connection's
 * saved mark) and a fwmark rule sends them to a table of their own. A mark set in OUTPUT
 * makes the kernel route a local packet again (ip_route_me_harder).
 */
function addMarks(rng: Rng, g: Gen, m: GenMachine): void {
  const table = 200;
  const mark = rng.pick([1, 2, 0x10]);
  const proto = rng.pick(['-p icmp ', '-p tcp ', '-p udp ', '']);
  const chain = m.role === 'router' && rng.chance(0.7) ? 'PREROUTING' : 'OUTPUT';
  const iif = chain === 'PREROUTING' && rng.chance(0.5) ? `-i ${rng.pick(m.nics).name} ` : '';
  const setup = m.setup;
  if (rng.chance(0.4)) {
    g.features.add('CONNMARK');
    setup.push(`iptables -t mangle -A ${chain} ${iif}${proto}-j CONNMARK --set-mark ${mark}`);
    setup.push(`iptables -t mangle -A ${chain} -j CONNMARK --restore-mark`);
  } else {
    g.features.add('MARK');
    setup.push(`iptables -t mangle -A ${chain} ${iif}${proto}-j MARK --set-mark ${mark}`);
    if (rng.chance(0.3)) {
      g.features.add('CONNMARK');
      setup.push(`iptables -t mangle -A ${chain} -j CONNMARK --save-mark`);
      setup.push(`iptables -t mangle -A ${chain} -m connmark --mark ${mark} -j ACCEPT`);
    }
  }
  if (chain === 'OUTPUT') g.features.add('fwmark reroute (mangle OUTPUT)');
  g.features.add('ip rule fwmark');
  addTableRoutes(m, tableRoutes(rng, g, m, table));
  setup.push(`ip rule add fwmark ${mark} table ${table}`);
}

export function addPolicyRouting(g: Gen): void {
  const rng = new Rng((g.seed * 0x9e3779b1) ^ 0x5f3759df);
  for (const m of g.machines.values()) {
    if (!rng.chance(m.role === 'router' ? 0.2 : 0.08)) continue;
    g.features.add('ip rule policy routing');
    addRules(rng, g, m);
  }
  // Marks draw from a stream of their own too, so adding them left the rules' worlds as they were.
  const marks = new Rng((g.seed * 0x85ebca6b) ^ 0x27d4eb2f);
  for (const m of g.machines.values())
    if (marks.chance(m.role === 'router' ? 0.15 : 0.06)) addMarks(marks, g, m);
}
