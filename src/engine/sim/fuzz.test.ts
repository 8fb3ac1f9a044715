/**
 * Fuzzing over the catalog (issue 15): seeded random command sequences run before a flow, and
 * seeded mutations of each scenario's YAML. Whatever the input, only a UserError may escape (an
 * InternalError or a raw TypeError is a bug), no single case may run past its budget (the engine is
 * synchronous, so a hang shows as a case that takes too long), and running the same case twice
 * gives byte-identical Trace JSON. The figures are printed; the seed is fixed so a failure replays.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildWorld } from '../scenario/build';
import { loadScenario, type Scenario } from '../scenario/load';
import { UserError } from '../util/errors';
import { traceFlow } from './run';

const SEED = 0x15f00d;
const COMMAND_CASES = 360;
const MUTATION_CASES = 240;
/** A case (built world plus one flow, traced twice) past this is reported as a hang. */
const CASE_BUDGET_MS = 4000;

/** mulberry32: small, seedable, the same on every platform. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Names {
  netns: string[];
  devices: Map<string, string[]>;
  addrs: string[];
}

const catalog: { file: string; text: string; scenario: Scenario; names: Names }[] = readdirSync('scenarios')
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => {
    const file = `scenarios/${f}`;
    const text = readFileSync(file, 'utf8');
    const scenario = loadScenario(text, file);
    const { world } = buildWorld(scenario);
    const devices = new Map<string, string[]>();
    const addrs: string[] = [];
    for (const [name, ns] of world.netns) {
      devices.set(name, [...ns.devices.keys()]);
      for (const { a } of ns.allAddrs())
        addrs.push(`${a.addr >>> 24}.${(a.addr >>> 16) & 255}.${(a.addr >>> 8) & 255}.${a.addr & 255}`);
    }
    return { file, text, scenario, names: { netns: [...world.netns.keys()], devices, addrs } };
  });

/** One random command in `ns`, from what learners type (and mistype) in the terminal. */
function randomCommand(r: () => number, n: Names, ns: string): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const dev = pick([...(n.devices.get(ns) ?? ['lo']), 'eth9']);
  const addr = pick([...n.addrs, '10.99.0.1', '0.0.0.0']);
  const pfx = `${addr}/${pick([8, 16, 24, 32])}`;
  const templates = [
    `ip link set ${dev} down`,
    `ip link set ${dev} up`,
    `ip link del ${dev}`,
    `ip link set ${dev} name x${Math.floor(r() * 3)}`,
    `ip link set ${dev} mtu ${pick([68, 576, 1400, 9000, 10])}`,
    `ip link set ${dev} netns ${pick(n.netns)}`,
    `ip link add ${pick(['vx9', 'br9', 'v9'])} type ${pick(['bridge', 'dummy', 'veth', 'vxlan id 9 dstport 4789', 'vlan'])}`,
    `ip addr add ${pfx} dev ${dev}`,
    `ip addr del ${pfx} dev ${dev}`,
    `ip addr flush dev ${dev}`,
    'ip route del default',
    `ip route add ${pfx} via ${addr}`,
    `ip route replace ${pfx} dev ${dev}`,
    `ip route add ${pick(['blackhole', 'unreachable', 'prohibit'])} ${pfx}`,
    'ip route flush table main',
    `ip neigh replace ${addr} lladdr 02:00:00:00:00:0${Math.floor(r() * 9)} dev ${dev} nud permanent`,
    'ip neigh flush all',
    `bridge fdb append 02:00:00:00:00:01 dev ${dev} dst ${addr}`,
    `iptables -P ${pick(['INPUT', 'FORWARD', 'OUTPUT'])} ${pick(['DROP', 'ACCEPT'])}`,
    `iptables -A ${pick(['INPUT', 'FORWARD', 'OUTPUT'])} -p ${pick(['icmp', 'tcp', 'udp'])} -j ${pick(['DROP', 'REJECT', 'ACCEPT', 'LOG'])}`,
    `iptables -t nat -A ${pick(['PREROUTING', 'POSTROUTING', 'OUTPUT'])} -j ${pick(['MASQUERADE', 'DNAT --to-destination ' + addr, 'SNAT --to-source ' + addr])}`,
    `iptables -t ${pick(['nat', 'filter', 'mangle', 'raw'])} -F`,
    `sysctl -w net.ipv4.ip_forward=${pick([0, 1])}`,
    `sysctl -w net.ipv4.conf.all.rp_filter=${pick([0, 1, 2])}`,
    `systemctl ${pick(['stop', 'start', 'restart'])} flanneld`,
    `conntrack -F`,
    pick(['ip', 'ip link set', 'iptables -A', 'route add', 'bridge', '', 'ip route add', 'ip -j route']),
  ];
  return pick(templates);
}

/** One random edit of a scenario's YAML: a line dropped, doubled, swapped, or a value replaced. */
function mutate(r: () => number, text: string): string {
  const lines = text.split('\n');
  const i = Math.floor(r() * lines.length);
  const j = Math.floor(r() * lines.length);
  const values = [
    'x',
    '0',
    '-1',
    'null',
    '[]',
    '{}',
    '""',
    '999999999',
    "'a: b'",
    'eth0',
    '10.0.0.1/33',
    '[[[[1]]]]',
  ];
  switch (Math.floor(r() * 4)) {
    case 0:
      lines.splice(i, 1);
      break;
    case 1:
      lines.splice(i, 0, lines[i]!);
      break;
    case 2:
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      break;
    default:
      lines[i] = lines[i]!.replace(/(:\s*|-\s+)\S.*$/, `$1${values[Math.floor(r() * values.length)]}`);
  }
  return lines.join('\n');
}

interface Figures {
  cases: number;
  traced: number;
  typed: number;
  untyped: string[];
  hangs: string[];
  nondeterministic: string[];
}

/** Runs one case twice; classifies what escaped; checks budget and determinism. */
function runCase(f: Figures, label: string, run: () => string): void {
  f.cases++;
  const outcome = (): { ok: true; json: string } | { ok: false; err: unknown } => {
    try {
      return { ok: true, json: run() };
    } catch (err) {
      return { ok: false, err };
    }
  };
  const t0 = performance.now();
  const a = outcome();
  const b = outcome();
  const ms = performance.now() - t0;
  if (ms > CASE_BUDGET_MS) f.hangs.push(`${label} (${Math.round(ms)} ms)`);
  if (!a.ok) {
    if (a.err instanceof UserError) f.typed++;
    else f.untyped.push(`${label}: ${a.err instanceof Error ? a.err.message : String(a.err)}`);
    if (b.ok || String(b.err) !== String(a.err)) f.nondeterministic.push(`${label}: error once, not twice`);
    return;
  }
  f.traced++;
  if (!b.ok || b.json !== a.json) f.nondeterministic.push(label);
}

const fresh = (): Figures => ({
  cases: 0,
  traced: 0,
  typed: 0,
  untyped: [],
  hangs: [],
  nondeterministic: [],
});
const report = (name: string, f: Figures) =>
  console.log(
    `fuzz ${name}: ${f.cases} cases, ${f.traced} traced, ${f.typed} typed errors, ${f.untyped.length} untyped errors, ${f.hangs.length} hangs, ${f.nondeterministic.length} nondeterministic`,
  );

describe('fuzz over the catalog (seeded)', () => {
  it(`random command sequences before a flow (${COMMAND_CASES} cases)`, () => {
    const r = prng(SEED);
    const f = fresh();
    for (let c = 0; c < COMMAND_CASES; c++) {
      const s = catalog[c % catalog.length]!;
      const flow = s.scenario.flows[Math.floor(r() * s.scenario.flows.length)];
      if (!flow) continue;
      const exec = Array.from({ length: 1 + Math.floor(r() * 4) }, () => {
        const netns = s.names.netns[Math.floor(r() * s.names.netns.length)]!;
        return { netns, line: randomCommand(r, s.names, netns) };
      });
      const label = `${s.file} --flow ${flow.id} ${exec.map((e) => `--exec "${e.netns}: ${e.line}"`).join(' ')}`;
      runCase(f, label, () => JSON.stringify(traceFlow(s.scenario, flow.id, { exec })));
    }
    report('commands', f);
    expect(f.untyped).toEqual([]);
    expect(f.hangs).toEqual([]);
    expect(f.nondeterministic).toEqual([]);
    expect(f.traced).toBeGreaterThan(COMMAND_CASES / 4);
  }, 120_000);

  it(`mutated scenario files (${MUTATION_CASES} cases)`, () => {
    const r = prng(SEED ^ 0xa5a5);
    const f = fresh();
    for (let c = 0; c < MUTATION_CASES; c++) {
      const s = catalog[c % catalog.length]!;
      let text = s.text;
      const edits = 1 + Math.floor(r() * 3);
      for (let k = 0; k < edits; k++) text = mutate(r, text);
      const flowPick = r();
      runCase(f, `${s.file} mutation #${c}`, () => {
        const m = loadScenario(text, s.file);
        const flow = m.flows[Math.floor(flowPick * m.flows.length)];
        return flow ? JSON.stringify(traceFlow(m, flow.id)) : '';
      });
    }
    report('mutations', f);
    expect(f.untyped).toEqual([]);
    expect(f.hangs).toEqual([]);
    expect(f.nondeterministic).toEqual([]);
  }, 120_000);
});
