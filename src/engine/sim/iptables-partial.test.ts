/**
 * A big iptables table is recorded in part: the built-in chains and the chains the journey
 * walked, rows exactly as the whole table reads them, and the whole table's size.
 */
import { describe, expect, it } from 'vitest';
import { buildWorld } from '../scenario/build';
import type { Scenario } from '../scenario/load';
import { withClusterIps } from '../../../test/helpers';
import { RUN_MIN } from '../kernel/netfilter/passed-runs';
import { LONG_CHAIN, PARTIAL_RULES } from './iptables-partial';
import { traceFlow } from './run';
import { netnsTables } from './tables';

/** The catalog's two-node cluster with `n` more ClusterIP Services, three endpoints each. */
function cluster(n: number): Scenario {
  return withClusterIps(
    'k8s-service-iptables',
    n,
    () => 8080,
    () => [0, 1, 2].map((k) => ({ ip: `10.244.${1 + (k & 1)}.${100 + k}`, node: `node${1 + (k & 1)}` })),
  );
}

describe('a big iptables table in the Trace', () => {
  // More Services than LONG_CHAIN: KUBE-SERVICES is a long chain.
  const s = cluster(LONG_CHAIN + 20);
  const trace = traceFlow(s, 'client-to-clusterip');
  const whole = buildWorld(s).world;

  it('holds the built-in chains and the walked ones, rows as the whole table reads them', () => {
    const snaps = trace.tables.filter((t) => t.table === 'iptables' && t.netns === 'node1');
    expect(snaps.length).toBeGreaterThan(0);
    const full = netnsTables(whole, 'node1')!.find((t) => t.table === 'iptables')!;
    expect(full.rows.length).toBeGreaterThan(PARTIAL_RULES);
    const snap = snaps[0]!;
    expect(snap.total).toBe(full.rows.length);
    expect(snap.rows.length).toBeLessThan(full.rows.length / 4);
    // A subsequence of the whole table's rows, each with the same origin.
    let j = 0;
    snap.rows.forEach((row, i) => {
      while (j < full.rows.length && full.rows[j] !== row) j++;
      expect(j, `row ${row}`).toBeLessThan(full.rows.length);
      expect(snap.origins![i]).toBe(full.origins![j]);
      j++;
    });
    // Every built-in chain's policy line, every rule the journey walked here, and the rule that decided.
    for (const row of full.rows.filter((r) => r.startsWith('-P '))) expect(snap.rows).toContain(row);
    for (const e of trace.events.filter((e) => e.netns === 'node1'))
      for (const t of e.traversed ?? []) expect(snap.rows).toContain(t.row);
    const svc = trace.events.find((e) => e.decidedBy?.table === 'iptables' && e.decidedBy.netns === 'node1');
    expect(snap.rows).toContain(svc!.decidedBy!.row);
    // A Service the flow never reaches keeps its chains out.
    const other = full.rows.find((r) => r.includes('svc-17:http') && r.startsWith('-A KUBE-SVC-'));
    expect(other).toBeDefined();
    expect(snap.rows).not.toContain(other);
  });

  it('records a long run of passed rules as one entry: its first and last rule and how many', () => {
    const runs = trace.events.flatMap((e) =>
      (e.traversed ?? []).filter((t) => t.count !== undefined).map((t) => ({ e, t })),
    );
    // node2 sees the DNATed packet as new: nat KUBE-SERVICES is passed to its end.
    expect(runs.length).toBeGreaterThan(0);
    for (const { e, t } of runs) {
      expect(t.count!).toBeGreaterThanOrEqual(RUN_MIN);
      const rows = netnsTables(whole, e.netns)!.find((x) => x.table === 'iptables')!.rows;
      const a = rows.indexOf(t.row);
      const b = rows.indexOf(t.last!);
      expect(a).toBeGreaterThan(0);
      expect(b - a + 1).toBe(t.count);
      for (const row of rows.slice(a, b + 1)) expect(row.startsWith(`-A ${t.chain} `)).toBe(true);
      // The event's count of evaluated rules counts each rule of the run.
      const n = (e.traversed ?? []).reduce((k, x) => k + (x.count ?? 1), 0);
      expect(e.explain.args.n).toBe(n);
    }
  });

  it('keeps of a long chain the rules the journey stopped at and the ends of its runs', () => {
    const snap = trace.tables.find((t) => t.table === 'iptables' && t.netns === 'node2')!;
    const services = snap.rows.filter((r) => r.startsWith('-A KUBE-SERVICES '));
    expect(services.length).toBeLessThan(10);
    const named = trace.events
      .filter((e) => e.netns === 'node2')
      .flatMap((e) => (e.traversed ?? []).filter((t) => t.chain === 'KUBE-SERVICES' && t.table === 'nat'))
      .flatMap((t) => [t.row, ...(t.last ? [t.last] : [])]);
    expect(named.length).toBeGreaterThan(0);
    for (const row of named) expect(services).toContain(row);
  });

  it('leaves a small table whole', () => {
    const small = traceFlow(cluster(0), 'client-to-clusterip');
    for (const t of small.tables) expect(t.total).toBeUndefined();
  });
});
