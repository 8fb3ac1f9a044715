import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario, traceFlow } from '../../engine';
import { alignEvents, compareTraces } from './compare';

const text = readFileSync('scenarios/flannel-vxlan.yaml', 'utf8');
const scenario = loadScenario(text, 'scenarios/flannel-vxlan.yaml');
const FLOW = 'pod-a-ping-pod-b';

describe('compare', () => {
  it('the same journey has no parting point', () => {
    const t = traceFlow(scenario, FLOW);
    const c = compareTraces(t, traceFlow(scenario, FLOW));
    expect(c.partAt).toBeNull();
    expect(c.rows.every((r) => r.same)).toBe(true);
  });

  it('deleting the FDB entry parts the journeys where the VXLAN device finds no destination', () => {
    const before = traceFlow(scenario, FLOW);
    const after = traceFlow(scenario, FLOW, {
      exec: [
        { netns: 'node-64-216', line: 'bridge fdb del 3e:01:ed:47:de:7f dev flannel.1 dst 10.10.10.217' },
      ],
    });
    expect(after.verdict).toBe('dropped');
    const c = compareTraces(before, after);
    expect(c.partAt).not.toBeNull();
    // Everything before the parting row is the same hop on both sides.
    expect(c.rows.slice(0, c.partAt!).every((r) => r.same && r.before && r.after)).toBe(true);
    expect(c.verdicts.before).toBe('delivered');
    expect(c.verdicts.after).toMatch(/^dropped/);
    expect(c.why).toBeTruthy();
    // Every event of both journeys appears once, in order.
    expect(c.rows.filter((r) => r.before).map((r) => r.before!.step)).toEqual(
      before.events.map((e) => e.step),
    );
    expect(c.rows.filter((r) => r.after).map((r) => r.after!.step)).toEqual(after.events.map((e) => e.step));
  });

  it('aligns around an inserted event', () => {
    const ev = (kind: string, n: number) =>
      ({
        step: n,
        time: 0,
        netns: 'a',
        machine: 'm',
        kind,
        explain: { code: kind, args: {} },
        explanation: kind,
      }) as never;
    const rows = alignEvents([ev('tx', 0), ev('rx', 1)], [ev('tx', 0), ev('drop', 1), ev('rx', 2)]);
    expect(rows.map((r) => [r.before?.kind ?? '-', r.after?.kind ?? '-', r.same])).toEqual([
      ['tx', 'tx', true],
      ['-', 'drop', false],
      ['rx', 'rx', true],
    ]);
  });
});
