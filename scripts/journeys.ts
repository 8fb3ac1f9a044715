/**
 * The journey of every catalog flow, as events and captures only (no table snapshots, no setup
 * log): `write FILE` records it, `check FILE` compares the current engine's with a recording
 * made from another revision (e.g. main's, before a change to how tables are recorded), flow
 * by flow, byte for byte. Usage: tsx scripts/journeys.ts write|check FILE
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_STEP_MS } from '../src/app/playback/machine';
import { hopStops, stopsOf } from '../src/app/playback/stops';
import { loadScenario } from '../src/engine/scenario/load';
import { traceFlow } from '../src/engine/sim/run';
import type { Trace } from '../src/engine/kernel/trace';

/** Every catalog flow's Trace, by "scenario/flow", in file order. */
function* catalog(): Generator<[string, Trace]> {
  const dir = join(import.meta.dirname, '..', 'scenarios');
  for (const f of readdirSync(dir)
    .filter((x) => x.endsWith('.yaml'))
    .sort()) {
    const s = loadScenario(readFileSync(join(dir, f), 'utf8'), `scenarios/${f}`);
    for (const fl of s.flows) yield [`${s.id}/${fl.id}`, traceFlow(s, fl.id)];
  }
}

function journeys(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, t] of catalog()) {
    out[key] = JSON.stringify({
      verdict: t.verdict,
      reason: t.reason,
      output: t.output,
      events: t.events,
      captures: t.captures,
    });
  }
  return out;
}

/** Issue 14's targets for playback by hop. */
const FIRST_MAX = 15;
const FIRST_MACHINES = 4;
const PING_MAX_S = 20;

/**
 * The hop table. The first request is the flow's hops up to its first reply hop (or to the end of a
 * journey that gets none); its stops are those the playback makes at "Hops" over those events.
 */
function hopTable(): number {
  const rows: string[][] = [['flow', 'first', 'machines', 'whole', 'events', '1x s', 'target']];
  let missed = 0;
  for (const [key, t] of catalog()) {
    const stops = stopsOf({
      steps: t.events.length,
      hops: hopStops(t.hops),
      granularity: 'hops',
      expanded: [],
    });
    const reply = t.hops.findIndex((h) => h.reply);
    const end = reply < 0 ? t.events.length : t.hops[reply]!.first;
    const first = stops.filter((s) => s < end).length;
    const machines = new Set(t.hops.slice(0, reply < 0 ? undefined : reply).map((h) => h.machine)).size;
    // The first stop shows at once; each further one after a tick.
    const seconds = ((stops.length - 1) * BASE_STEP_MS) / 1000;
    const ping = /^ping\b/.test(t.command.line);
    const bad: string[] = [];
    if (machines <= FIRST_MACHINES && first > FIRST_MAX) bad.push(`first > ${FIRST_MAX}`);
    if (ping && seconds > PING_MAX_S) bad.push(`ping > ${PING_MAX_S} s`);
    if (bad.length) missed++;
    rows.push([
      key,
      String(first),
      String(machines),
      String(stops.length),
      String(t.events.length),
      seconds.toFixed(1),
      bad.join(', ') || 'ok',
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((x, c) => x.padEnd(widths[c]!)).join(' | ')} |`;
  console.log(line(rows[0]!));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows.slice(1)) console.log(line(r));
  console.log(`${rows.length - 1} flows, ${missed} miss a target`);
  return missed;
}

function main(): void {
  const [mode, file] = process.argv.slice(2);
  if (mode === 'hops') {
    process.exit(hopTable() ? 1 : 0);
  }
  if ((mode !== 'write' && mode !== 'check') || !file) {
    console.error('usage: tsx scripts/journeys.ts write|check FILE | hops');
    process.exit(2);
  }
  const now = journeys();
  if (mode === 'write') {
    writeFileSync(file, JSON.stringify(now));
    console.log(`${Object.keys(now).length} flows written to ${file}`);
    return;
  }
  const before = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  let bad = 0;
  for (const key of new Set([...Object.keys(before), ...Object.keys(now)])) {
    if (before[key] === now[key]) continue;
    bad++;
    const a = before[key] ?? '';
    const b = now[key] ?? '';
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    console.log(
      `DIFFERS ${key} at char ${i}:\n  before ${a.slice(i - 80, i + 120)}\n  now    ${b.slice(i - 80, i + 120)}`,
    );
  }
  console.log(`${Object.keys(now).length} flows, ${bad} differ`);
  process.exit(bad ? 1 : 0);
}

main();
