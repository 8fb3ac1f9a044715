/**
 * A big routing table is recorded in part: every route outside the local table, and of the
 * local table the routes the journey's lookups named; the whole table on demand.
 */
import { describe, expect, it } from 'vitest';
import { buildWorld } from '../scenario/build';
import { scenario, withClusterIps } from '../../../test/helpers';
import { traceBuilt } from './run';
import { netnsTables } from './tables';
import { PARTIAL_ROUTES } from './routes-partial';

/** The catalog's IPVS cluster with `n` more ClusterIP Services: each puts a /32 on kube-ipvs0. */
function manyServices(n: number) {
  return withClusterIps(
    'k8s-service-ipvs',
    n,
    (i) => 1024 + i,
    (i) => [{ ip: `10.244.2.${100 + (i % 150)}`, node: 'node2' }],
  );
}

describe('routing tables in the Trace', () => {
  it('records a small table whole', () => {
    const s = scenario('k8s-service-ipvs');
    const t = traceBuilt(s, 'client-to-clusterip', buildWorld(s));
    const v = t.tables.filter((x) => x.table === 'routes');
    expect(v.length).toBeGreaterThan(0);
    expect(v.every((x) => x.total === undefined)).toBe(true);
  });

  it('records a big one in part: all but the local table, and the local routes the lookups named', () => {
    const s = manyServices(PARTIAL_ROUTES + 100);
    const built = buildWorld(s);
    const full = netnsTables(built.world, 'node1')!.find((x) => x.table === 'routes')!.rows;
    expect(full.length).toBeGreaterThan(PARTIAL_ROUTES);
    const t = traceBuilt(s, 'client-to-clusterip', built);
    const v = t.tables.filter((x) => x.netns === 'node1' && x.table === 'routes');
    expect(v.length).toBeGreaterThan(0);
    const named = new Set(
      t.events.flatMap((e) =>
        e.decidedBy?.table === 'routes' && e.decidedBy.netns === 'node1' ? [e.decidedBy.row] : [],
      ),
    );
    // The ClusterIP's own local route on kube-ipvs0 decided that the packet is for this host.
    expect(named).toContain(
      'local 10.96.0.100 dev kube-ipvs0 table local proto kernel scope host src 10.96.0.100',
    );
    const expected = full.filter((r) => !r.includes(' table local ') || named.has(r));
    for (const x of v) {
      expect(x.total).toBe(full.length);
      expect(x.rows).toEqual(expected);
      expect(x.origins).toHaveLength(expected.length);
    }
    expect(v[0]!.rows).not.toContain(
      'local 10.96.1.1 dev kube-ipvs0 table local proto kernel scope host src 10.96.1.1',
    );
    expect(v[0]!.rows.length).toBeLessThan(50);
  });
});
