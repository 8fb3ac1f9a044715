/**
 * npm run bench: trace timings for every scenario flow, a generated 1,000-netns world
 * (100 hosts on one segment, each with a bridge and 9 pods, flannel host-gw style routes),
 * a synthetic 20-router chain, and the scale targets (bench/scale.ts: 10,000 Services,
 * a 20,000-rule restore, 5,000 namespaces, a terminal command). Plain text; goals printed
 * beside the figures. BENCH_SCALE=only runs the scale targets alone.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildWorld } from '../src/engine/scenario/build';
import { loadScenario, type Scenario, type SetupStep } from '../src/engine/scenario/load';
import { traceFlow } from '../src/engine/sim/run';
import { scaleBench } from './scale';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const X = { en: 'bench', zh: 'bench' };

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Medians of `a`, of `b`, and of the per-run difference b - a, measured interleaved so JIT warm-up
 * and GC hit both alike (traceFlow always builds its world: trace only = traceFlow - buildWorld).
 */
function timePair(runs: number, a: () => void, b: () => void): { a: number; b: number; diff: number } {
  a();
  b();
  const as: number[] = [];
  const bs: number[] = [];
  const ds: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    a();
    const t1 = performance.now();
    b();
    const t2 = performance.now();
    as.push(t1 - t0);
    bs.push(t2 - t1);
    ds.push(t2 - t1 - (t1 - t0));
  }
  return { a: median(as), b: median(bs), diff: Math.max(0, median(ds)) };
}

const ms = (x: number): string => `${x.toFixed(x < 10 ? 3 : 1)} ms`;
const pad = (s: string | number, n: number): string => String(s).padEnd(n);
const lpad = (s: string | number, n: number): string => String(s).padStart(n);

function steps(lines: string[]): SetupStep[] {
  return lines.map((run, i) => ({ run, expectFail: false, line: i + 1 }));
}

function scenario(
  id: string,
  machines: Scenario['machines'],
  segments: string[],
  flow: Scenario['flows'][0],
): Scenario {
  return {
    file: `${id}.yaml`,
    version: 1,
    id,
    group: 'Basics',
    concept: X,
    title: X,
    description: X,
    segments: segments.map((name, i) => ({ name, line: i + 1 })),
    machines,
    servers: [],
    flows: [flow],
  };
}

/** 100 hosts on segment "lan", each: cni0 bridge 10.244.H.1/24 and 9 pods on veths, routes to every other host. */
export function bigWorld(hosts = 100, pods = 9): Scenario {
  const machines: Scenario['machines'] = [];
  for (let h = 0; h < hosts; h++) {
    const lines = [
      'sysctl -w net.ipv4.ip_forward=1',
      'ip link add cni0 type bridge',
      `ip addr add 10.244.${h}.1/24 dev cni0`,
      'ip link set cni0 up',
    ];
    for (let p = 0; p < pods; p++) {
      const ns = `h${h}-pod${p}`;
      lines.push(
        `ip netns add ${ns}`,
        `ip link add veth${p} type veth peer name eth0 netns ${ns}`,
        `ip link set veth${p} master cni0`,
        `ip link set veth${p} up`,
        `ip -n ${ns} addr add 10.244.${h}.${p + 2}/24 dev eth0`,
        `ip -n ${ns} link set eth0 up`,
        `ip -n ${ns} link set lo up`,
        `ip -n ${ns} route add default via 10.244.${h}.1`,
      );
    }
    for (let o = 0; o < hosts; o++) {
      if (o !== h)
        lines.push(`ip route add 10.244.${o}.0/24 via 192.168.${o >> 8}.${(o & 255) + 1} dev eth0`);
    }
    machines.push({
      name: `host${h}`,
      role: 'host',
      nics: [{ name: 'eth0', segment: 'lan', addr: `192.168.${h >> 8}.${(h & 255) + 1}/16`, line: 1 }],
      setup: steps(lines),
      line: 1,
    });
  }
  return scenario('big', machines, ['lan'], {
    id: 'cross',
    netns: 'h0-pod0',
    command: `ping -c 1 10.244.${hosts - 1}.${pods + 1}`,
    title: X,
    line: 1,
  });
}

/** n0 - r1 - ... - r20 - n21: 20 routers in namespaces on one machine, each hop a veth and a /30. */
export function chainScenario(routers = 20): Scenario {
  const lines: string[] = [];
  const n = routers + 2;
  for (let i = 0; i < n; i++) lines.push(`ip netns add n${i}`, `ip -n n${i} link set lo up`);
  for (let i = 0; i < n - 1; i++) {
    lines.push(
      `ip link add l${i}a type veth peer name l${i}b`,
      `ip link set l${i}a netns n${i}`,
      `ip link set l${i}b netns n${i + 1}`,
      `ip -n n${i} addr add 10.${i}.0.1/24 dev l${i}a`,
      `ip -n n${i + 1} addr add 10.${i}.0.2/24 dev l${i}b`,
      `ip -n n${i} link set l${i}a up`,
      `ip -n n${i + 1} link set l${i}b up`,
    );
  }
  const far = `10.${n - 2}.0.0/24`;
  for (let i = 0; i < n; i++) {
    if (i > 0 && i < n - 1) lines.push(`ip netns exec n${i} sysctl -w net.ipv4.ip_forward=1`);
    // Towards the far end via the next hop, back towards n0 via the previous one (unless connected).
    if (i < n - 2) lines.push(`ip -n n${i} route add ${far} via 10.${i}.0.2`);
    if (i > 1) lines.push(`ip -n n${i} route add 10.0.0.0/24 via 10.${i - 1}.0.1`);
  }
  return scenario('chain', [{ name: 'lab', role: 'host', nics: [], setup: steps(lines), line: 1 }], [], {
    id: 'hops',
    netns: 'n0',
    command: `ping -c 1 10.${n - 2}.0.2`,
    title: X,
    line: 1,
  });
}

function main(): void {
  console.log(`Packet Journey bench (median of ${RUNS} runs, after one warm-up)\n`);
  const dir = join(import.meta.dirname, '..', 'scenarios');
  const rows: string[][] = [['scenario', 'flow', 'verdict', 'events', 'build', 'build+trace', 'trace only']];
  for (const f of readdirSync(dir)
    .filter((x) => x.endsWith('.yaml'))
    .sort()) {
    const s = loadScenario(readFileSync(join(dir, f), 'utf8'), `scenarios/${f}`);
    for (const fl of s.flows) {
      const t = traceFlow(s, fl.id);
      const m = timePair(
        RUNS,
        () => void buildWorld(s),
        () => void traceFlow(s, fl.id),
      );
      rows.push([s.id, fl.id, t.verdict, String(t.events.length), ms(m.a), ms(m.b), ms(m.diff)]);
    }
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows)
    console.log(r.map((cell, c) => (c >= 3 ? lpad(cell, widths[c]!) : pad(cell, widths[c]!))).join('  '));

  console.log('\nSynthetic 20-router chain (22 netns, 21 veth pairs)');
  const ch = chainScenario(20);
  const ct = traceFlow(ch, 'hops');
  const c = timePair(
    RUNS,
    () => void buildWorld(ch),
    () => void traceFlow(ch, 'hops'),
  );
  const [cBuild, cTotal, cTrace] = [c.a, c.b, c.diff];
  console.log(
    `  verdict ${ct.verdict}, ${ct.events.length} events, output: ${ct.output.split('\n')[1] ?? ''}`,
  );
  console.log(
    `  build ${ms(cBuild)}   build+trace ${ms(cTotal)}   trace only ${ms(cTrace)}   goal < 2 ms: ${cTrace < 2 ? 'met' : 'MISSED'}`,
  );

  console.log('\nGenerated world: 100 hosts x (root + 9 pods) = 1,000 netns, host-gw routes');
  const big = bigWorld();
  const bigRuns = Math.max(3, Math.min(RUNS, 7));
  const t0 = performance.now();
  const built = buildWorld(big);
  const first = performance.now() - t0;
  const setupLines = built.setup.length;
  const failed = built.setup.filter((e) => !e.ok).length;
  const bt = traceFlow(big, 'cross');
  const bm = timePair(
    bigRuns,
    () => void buildWorld(big),
    () => void traceFlow(big, 'cross'),
  );
  const [bBuild, bTotal, bTrace] = [bm.a, bm.b, bm.diff];
  console.log(
    `  ${built.world.netns.size} netns, ${setupLines} commands (${failed} failed), first build ${ms(first)}`,
  );
  console.log(`  world build ${ms(bBuild)}   goal < 300 ms: ${bBuild < 300 ? 'met' : 'MISSED'}`);
  console.log(
    `  cross-host flow h0-pod0 -> 10.244.99.10: verdict ${bt.verdict}, ${bt.events.length} events, ${bt.tables.length} table versions`,
  );
  console.log(`  build+trace ${ms(bTotal)}   trace only ${ms(bTrace)}   (median of ${bigRuns})`);

  scaleBench();
}

if (process.argv[1]?.endsWith('run.ts')) {
  if (process.env.BENCH_SCALE === 'only') scaleBench();
  else main();
}
