/**
 * A big IPVS table is recorded in part: the `ipvsadm -Ln` header and the virtual services the
 * journey was scheduled by, each version with its connections; the whole table on demand.
 */
import { describe, expect, it } from 'vitest';
import { buildWorld } from '../scenario/build';
import { scenario, withClusterIps } from '../../../test/helpers';
import { traceBuilt } from './run';
import { PARTIAL_IPVS_ROWS } from './ipvs-partial';

/** The catalog's IPVS cluster with `n` more ClusterIP Services of three endpoints each. */
function manyServices(n: number) {
  return withClusterIps(
    'k8s-service-ipvs',
    n,
    (i) => 1024 + i,
    (i) =>
      [0, 1, 2].map((k) => ({
        ip: `10.244.${1 + (k & 1)}.${100 + ((i * 3 + k) % 150)}`,
        node: `node${1 + (k & 1)}`,
      })),
  );
}

describe('IPVS tables in the Trace', () => {
  it('records a small table whole', () => {
    const s = scenario('k8s-service-ipvs');
    const t = traceBuilt(s, 'client-to-clusterip', buildWorld(s));
    const v = t.tables.filter((x) => x.netns === 'node1' && x.table === 'ipvs');
    expect(v.length).toBeGreaterThan(0);
    expect(v.every((x) => x.total === undefined)).toBe(true);
  });

  it('records a big one in part: the header and the service that scheduled, with its connection', () => {
    const s = manyServices(520);
    const built = buildWorld(s);
    const full = built.world.netns.get('node1')!.ipvs!.rows();
    expect(full.length).toBeGreaterThan(PARTIAL_IPVS_ROWS);
    const t = traceBuilt(s, 'client-to-clusterip', built);
    const v = t.tables.filter((x) => x.netns === 'node1' && x.table === 'ipvs');
    expect(v.every((x) => x.total === full.length)).toBe(true);
    const web = full.indexOf('TCP  10.96.0.100:80 rr');
    expect(v[0]!.rows).toEqual([...full.slice(0, 3), ...full.slice(web, web + 3)]);
    // After the flow: the same rows, but the real server chosen holds the connection.
    const after = built.world.netns.get('node1')!.ipvs!.rows();
    expect(v.at(-1)!.rows).toEqual([...after.slice(0, 3), ...after.slice(web, web + 3)]);
    expect(v.at(-1)!.rows.some((r) => /Masq\s+1\s+1\s+0$/.test(r))).toBe(true);
    expect(JSON.stringify(v).length).toBeLessThan(5000);
  });
});
