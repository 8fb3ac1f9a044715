/**
 * Invariants every Trace must keep, checked on every flow of every scenario: the row an
 * event says decided it is in that table as it stood at that step, and steps, captures and
 * table versions are ordered and point at events that exist.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Trace } from '../src/engine';
import { DROP_REASONS } from '../src/engine/kernel/drop-reason';
import { scenario, trace } from './helpers';

function rowsAt(t: Trace, netns: string, table: string, step: number): string[] | undefined {
  let rows: string[] | undefined;
  for (const v of t.tables) if (v.netns === netns && v.table === table && v.step <= step) rows = v.rows;
  return rows;
}

const ids = readdirSync('scenarios')
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''));

describe('trace invariants', () => {
  for (const id of ids) {
    for (const flow of scenario(id).flows) {
      it(`${id} / ${flow.id}`, () => {
        const t = trace(id, flow.id);
        t.events.forEach((e, i) => expect(e.step).toBe(i));
        for (const c of t.captures) expect(c.step).toBeLessThan(t.events.length);
        for (let i = 1; i < t.tables.length; i++)
          expect(t.tables[i]!.step).toBeGreaterThanOrEqual(t.tables[i - 1]!.step);
        for (const e of t.events) {
          // Every drop names why, from the closed set the schema publishes.
          if (e.kind === 'drop')
            expect(DROP_REASONS, `${e.explain.code} at step ${e.step}`).toContain(e.reason);
          const d = e.decidedBy;
          // An unconfirmed conntrack entry is not in `conntrack -L` yet; every other decision is.
          if (!d || d.table === 'conntrack') continue;
          const rows = rowsAt(t, d.netns, d.table, e.step);
          expect(rows, `${d.netns} ${d.table} at step ${e.step} (${e.explain.code})`).toContain(d.row);
        }
      });
    }
  }
});
