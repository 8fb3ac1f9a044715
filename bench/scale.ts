/**
 * The scale targets of issue 17, each printed with its figure: median and best of a few runs
 * (the machine is shared: the best run is the one least disturbed by other work).
 */
import { buildWorld, applyExec } from '../src/engine/scenario/build';
import { applyRestore } from '../src/engine/commands/iptables/restore';
import { World } from '../src/engine/kernel/world';
import { traceBuilt } from '../src/engine/sim/run';
import { bigWorld } from './run';
import { servicesScenario } from './services';

const RUNS = Number(process.env.BENCH_SCALE_RUNS ?? 3);

function stats(xs: number[]): { median: number; best: number } {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return { median: s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2, best: s[0]! };
}

function line(what: string, xs: number[], goal: number, unit = 'ms'): void {
  const { median, best } = stats(xs);
  const f = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ${unit}`;
  console.log(
    `  ${what.padEnd(44)} median ${f(median).padStart(9)}  best ${f(best).padStart(9)}  goal < ${goal} ${unit}: ${median < goal ? 'met' : best < goal ? 'met at best' : 'MISSED'}`,
  );
}

/** Build times of `s` and the trace of `flow` in each freshly built world (not timed together). */
function buildAndTrace(s: ReturnType<typeof servicesScenario>, flow: string) {
  const builds: number[] = [];
  const traces: number[] = [];
  let size = 0;
  let verdict = '';
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const built = buildWorld(s);
    builds.push(performance.now() - t0);
    const t1 = performance.now();
    const t = traceBuilt(s, flow, built);
    traces.push(performance.now() - t1);
    size = JSON.stringify(t).length;
    verdict = t.verdict;
  }
  return { builds, traces, size, verdict };
}

function services(n: number, mode: 'iptables' | 'ipvs'): void {
  const s = servicesScenario(n, mode);
  const r = buildAndTrace(s, 'client-to-clusterip');
  console.log(`\n${n.toLocaleString('en')} ClusterIP Services, kube-proxy ${mode} mode on 2 nodes`);
  line('world build', r.builds, 1000);
  line(`trace client-to-clusterip (${r.verdict})`, r.traces, 50);
  const mb = r.size / 1e6;
  console.log(
    `  ${'Trace JSON size'.padEnd(44)} ${mb.toFixed(2)} MB  goal < 2 MB: ${mb < 2 ? 'met' : 'MISSED'}`,
  );
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
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const world = new World('restore');
    const ns = world.addMachine('host', { role: 'host' }).root;
    const t0 = performance.now();
    applyRestore(ns, text, 'bench');
    xs.push(performance.now() - t0);
  }
  console.log('\niptables-restore of a 20,000-rule file (20 chains, tcp/udp/conntrack/REJECT rules)');
  line('load', xs, 1000);
}

function namespaces(): void {
  const s = bigWorld(100, 49);
  const builds: number[] = [];
  const traces: number[] = [];
  let n = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const built = buildWorld(s);
    builds.push(performance.now() - t0);
    n = built.world.netns.size;
    const t1 = performance.now();
    traceBuilt(s, 'cross', built);
    traces.push(performance.now() - t1);
  }
  console.log(`\n${n.toLocaleString('en')}-namespace world (100 hosts x (root + 49 pods), host-gw routes)`);
  line('world build', builds, 300);
  line('trace cross-host flow', traces, 50);
}

function terminal(): void {
  const s = servicesScenario(1000, 'iptables');
  const ex = { netns: 'node1', line: 'iptables -I FORWARD -d 10.244.2.10 -j DROP' };
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    // As the worker does: the world waits built; the command runs on it and the flow re-traces in it.
    const built = buildWorld(s);
    const t0 = performance.now();
    applyExec(built, ex);
    traceBuilt(s, 'client-to-clusterip', built);
    xs.push(performance.now() - t0);
  }
  console.log('\nTerminal command on a 1,000-Service world (iptables -I FORWARD ..., then the re-trace)');
  line('command + re-trace (world reused)', xs, 100);
}

export function scaleBench(): void {
  console.log(`\nScale targets (issue 17), median and best of ${RUNS} runs`);
  services(10_000, 'iptables');
  services(10_000, 'ipvs');
  restore();
  namespaces();
  terminal();
}
