/**
 * The journey of every catalog flow, as events and captures only (no table snapshots, no setup
 * log): `write FILE` records it, `check FILE` compares the current engine's with a recording
 * made from another revision (e.g. main's, before a change to how tables are recorded), flow
 * by flow, byte for byte. Usage: tsx scripts/journeys.ts write|check FILE
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario } from '../src/engine/scenario/load';
import { traceFlow } from '../src/engine/sim/run';

function journeys(): Record<string, string> {
  const dir = join(import.meta.dirname, '..', 'scenarios');
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir)
    .filter((x) => x.endsWith('.yaml'))
    .sort()) {
    const s = loadScenario(readFileSync(join(dir, f), 'utf8'), `scenarios/${f}`);
    for (const fl of s.flows) {
      const t = traceFlow(s, fl.id);
      out[`${s.id}/${fl.id}`] = JSON.stringify({
        verdict: t.verdict,
        reason: t.reason,
        output: t.output,
        events: t.events,
        captures: t.captures,
      });
    }
  }
  return out;
}

function main(): void {
  const [mode, file] = process.argv.slice(2);
  if ((mode !== 'write' && mode !== 'check') || !file) {
    console.error('usage: tsx scripts/journeys.ts write|check FILE');
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
