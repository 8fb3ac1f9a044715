/**
 * The scale targets of issue 17, each printed with its figure: median and best of a few runs,
 * wall clock and CPU time (the machine is shared: under load the wall clock mostly waits for a
 * core, which CPU time does not count), and all of them again in a summary at the end.
 */
import { buildWorld, applyExec } from '../src/engine/scenario/build';
import { applyRestore } from '../src/engine/commands/iptables/restore';
import { World } from '../src/engine/kernel/world';
import { traceBuilt } from '../src/engine/sim/run';
import { bigWorld } from './run';
import { servicesScenario, type ProxyMode } from './services';

const RUNS = Number(process.env.BENCH_SCALE_RUNS ?? 3);

/** Wall-clock and CPU time of one call (ms): on a shared machine the wall clock includes waiting for a core. */
interface Time {
  wall: number;
  cpu: number;
}

function timed<T>(f: () => T): [T, Time] {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return [r, { wall, cpu: (c.user + c.system) / 1000 }];
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Every target with its figure, printed again together at the end. */
const summary: string[] = [];

function verdict(wall: number, cpu: number, goal: number): string {
  if (wall < goal) return 'met';
  return cpu < goal ? 'met in CPU time only (the machine was busy)' : 'MISSED';
}

function line(what: string, xs: Time[], goal: number): void {
  const wall = median(xs.map((x) => x.wall));
  const cpu = median(xs.map((x) => x.cpu));
  const best = Math.min(...xs.map((x) => x.wall));
  const f = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;
  const text = `${what.padEnd(44)} median ${f(wall).padStart(9)}  cpu ${f(cpu).padStart(9)}  best ${f(best).padStart(9)}  goal < ${goal} ms: ${verdict(wall, cpu, goal)}`;
  console.log(`  ${text}`);
  summary.push(text);
}

function sizeLine(what: string, bytes: number, goal: number): void {
  const mb = bytes / 1e6;
  const text = `${what.padEnd(44)} ${`${mb.toFixed(2)} MB`.padStart(13)}  goal < ${goal} MB: ${mb < goal ? 'met' : 'MISSED'}`;
  console.log(`  ${text}`);
  summary.push(text);
}

/** Build times of `s` and the trace of `flow` in each freshly built world (not timed together). */
function buildAndTrace(s: ReturnType<typeof servicesScenario>, flow: string) {
  const builds: Time[] = [];
  const traces: Time[] = [];
  let size = 0;
  let verdict = '';
  let events = 0;
  for (let i = 0; i < RUNS; i++) {
    const [built, b] = timed(() => buildWorld(s));
    builds.push(b);
    const [t, tt] = timed(() => traceBuilt(s, flow, built));
    traces.push(tt);
    size = JSON.stringify(t).length;
    events = JSON.stringify(t.events).length;
    verdict = t.verdict;
  }
  return { builds, traces, size, events, verdict };
}

function services(n: number, mode: ProxyMode): void {
  const s = servicesScenario(n, mode);
  const r = buildAndTrace(s, 'client-to-clusterip');
  console.log(`\n${n.toLocaleString('en')} ClusterIP Services, kube-proxy ${mode} mode on 2 nodes`);
  summary.push(`${n.toLocaleString('en')} Services, ${mode} mode:`);
  line('world build', r.builds, 1000);
  line(`trace client-to-clusterip (${r.verdict})`, r.traces, 50);
  sizeLine('Trace JSON size', r.size, 2);
  // The events alone: every rule the journey walked is in them (KUBE-SERVICES is walked rule by rule).
  console.log(`  ${'of which events'.padEnd(44)} ${`${(r.events / 1e6).toFixed(2)} MB`.padStart(13)}`);
}

/** A hand-written style rule set: 20 chains of 1,000 rules each, varied matches, jumps from INPUT/FORWARD. */
export function restoreText(rules = 20_000): string {
  const out = ['*filter'];
  const chains = 20;
  for (let c = 0; c < chains; c++) out.push(`:CH${c} - [0:0]`);
  for (let c = 0; c < chains; c++) out.push(`-A ${c % 2 ? 'FORWARD' : 'INPUT'} -j CH${c}`);
  for (let i = 0; out.length < rules + chains * 2 + 1; i++) {
    const c = i % chains;
    const a = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    out.push(
      i % 3 === 0
        ? `-A CH${c} -s ${a}/32 -p tcp -m tcp --dport ${1 + (i % 60000)} -m comment --comment "rule ${i}" -j ACCEPT`
        : i % 3 === 1
          ? `-A CH${c} -d ${a}/32 -i eth0 -p udp -m udp --sport ${1 + (i % 60000)} -j DROP`
          : `-A CH${c} -s ${a}/24 -m conntrack --ctstate NEW -j REJECT --reject-with icmp-port-unreachable`,
    );
  }
  out.push('COMMIT', '');
  return out.join('\n');
}

function restore(): void {
  const text = restoreText();
  const xs: Time[] = [];
  for (let i = 0; i < RUNS; i++) {
    const world = new World('restore');
    const ns = world.addMachine('host', { role: 'host' }).root;
    xs.push(timed(() => applyRestore(ns, text, 'bench'))[1]);
  }
  console.log('\niptables-restore of a 20,000-rule file (20 chains, tcp/udp/conntrack/REJECT rules)');
  summary.push('iptables-restore, 20,000 rules:');
  line('load', xs, 1000);
}

function namespaces(): void {
  const s = bigWorld(100, 49);
  const builds: Time[] = [];
  const traces: Time[] = [];
  let n = 0;
  let size = 0;
  for (let i = 0; i < RUNS; i++) {
    const [built, b] = timed(() => buildWorld(s));
    builds.push(b);
    n = built.world.netns.size;
    const [t, tt] = timed(() => traceBuilt(s, 'cross', built));
    traces.push(tt);
    size = JSON.stringify(t).length;
  }
  console.log(`\n${n.toLocaleString('en')}-namespace world (100 hosts x (root + 49 pods), host-gw routes)`);
  summary.push(`${n.toLocaleString('en')} namespaces:`);
  line('world build', builds, 300);
  line('trace cross-host flow', traces, 50);
  console.log(`  ${'Trace JSON size (no goal)'.padEnd(44)} ${`${(size / 1e6).toFixed(2)} MB`.padStart(13)}`);
}

function terminal(): void {
  const s = servicesScenario(1000, 'iptables');
  const ex = { netns: 'node1', line: 'iptables -I FORWARD -d 10.244.2.10 -j DROP' };
  const xs: Time[] = [];
  for (let i = 0; i < RUNS; i++) {
    // As the worker does: the world waits built; the command runs on it and the flow re-traces in it.
    const built = buildWorld(s);
    xs.push(
      timed(() => {
        applyExec(built, ex);
        traceBuilt(s, 'client-to-clusterip', built);
      })[1],
    );
  }
  console.log('\nTerminal command on a 1,000-Service world (iptables -I FORWARD ..., then the re-trace)');
  summary.push('Terminal command, 1,000 Services:');
  line('command + re-trace (world reused)', xs, 100);
}

export function scaleBench(): void {
  console.log(`\nScale targets (issue 17), median and best of ${RUNS} runs`);
  services(10_000, 'iptables');
  services(10_000, 'ipvs');
  services(10_000, 'nftables');
  restore();
  namespaces();
  terminal();
  console.log(`\nEvery scale target (median of ${RUNS}; cpu = CPU time of this process)`);
  for (const l of summary) console.log(l.endsWith(':') ? l : `  ${l}`);
}
