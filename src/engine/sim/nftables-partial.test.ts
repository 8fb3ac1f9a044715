/**
 * A big nftables ruleset is recorded in part: the tables, sets, base chains and the chains the
 * journey walked, lines exactly as `nft list ruleset` prints them, and the whole ruleset's size.
 */
import { describe, expect, it } from 'vitest';
import { buildWorld } from '../scenario/build';
import type { Scenario } from '../scenario/load';
import { withClusterIps } from '../../../test/helpers';
import { PARTIAL_NFT } from './nftables-partial';
import { traceFlow } from './run';
import { netnsTables } from './tables';

/** The catalog's nftables cluster with `n` more ClusterIP Services, three endpoints each. */
function cluster(n: number): Scenario {
  return withClusterIps(
    'k8s-service-nftables',
    n,
    () => 8080,
    () => [0, 1, 2].map((k) => ({ ip: `10.244.${1 + (k & 1)}.${100 + k}`, node: `node${1 + (k & 1)}` })),
  );
}

describe('a big nftables ruleset in the Trace', () => {
  const s = cluster(600);
  const trace = traceFlow(s, 'client-to-clusterip');
  const whole = buildWorld(s).world;

  it('holds the base chains and the walked ones, lines as nft list ruleset prints them', () => {
    const snaps = trace.tables.filter((t) => t.table === 'nftables' && t.netns === 'node1');
    expect(snaps.length).toBeGreaterThan(0);
    const full = netnsTables(whole, 'node1')!.find((t) => t.table === 'nftables')!;
    expect(full.rows.length).toBeGreaterThan(PARTIAL_NFT);
    const snap = snaps[0]!;
    expect(snap.total).toBe(full.rows.length);
    expect(snap.rows.length).toBeLessThan(full.rows.length / 4);
    // A subsequence of the whole ruleset's lines, each with the same origin (blank separators and
    // a big map's elements aside: the elements kept are printed as nft would print those alone).
    let j = 0;
    snap.rows.forEach((row, i) => {
      if (row === '' || /^\t\t(elements = |\t)/.test(row)) return;
      while (j < full.rows.length && full.rows[j] !== row) j++;
      expect(j, `row ${row}`).toBeLessThan(full.rows.length);
      expect(snap.origins![i]).toBe(full.origins![j]);
      j++;
    });
    // Every base chain's hook line, every rule the journey walked here.
    for (const row of full.rows.filter((r) => /^\t\ttype \w+ hook /.test(r)))
      expect(snap.rows).toContain(row);
    for (const e of trace.events.filter((e) => e.netns === 'node1' && e.decidedBy?.table === 'nftables'))
      for (const t of e.traversed ?? []) expect(snap.rows).toContain(t.row);
    // The walked Service's element of kube-proxy's service-ips map.
    expect(snap.rows.some((r) => r.includes('10.96.0.100 . tcp . 80 : goto service-'))).toBe(true);
    // A Service the flow never reaches keeps its chain and its map element out.
    const other = full.rows.filter((r) => r.includes('default/svc-17/tcp/http'));
    expect(other.length).toBeGreaterThan(0);
    for (const r of other) expect(snap.rows).not.toContain(r);
  });

  it('keeps a small ruleset whole', () => {
    const small = traceFlow(cluster(0), 'client-to-clusterip');
    for (const t of small.tables.filter((x) => x.table === 'nftables')) expect(t.total).toBeUndefined();
  });
});
