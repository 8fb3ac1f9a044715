import { describe, expect, it } from 'vitest';
import type { Layer, Trace } from '../types';
import { dnsQuery } from '../../engine/net/dns';
import { diffLayers, tableAt } from './trace-select';

const trace = {
  tables: [
    { step: 0, netns: 'a', table: 'routes', rows: ['r0'] },
    { step: 5, netns: 'a', table: 'routes', rows: ['r5'] },
    { step: 3, netns: 'b', table: 'routes', rows: ['b3'] },
  ],
} as unknown as Trace;

describe('trace lookups', () => {
  it('finds the table version valid at a step', () => {
    expect(tableAt(trace, 'a', 'routes', 0)?.rows).toEqual(['r0']);
    expect(tableAt(trace, 'a', 'routes', 4)?.rows).toEqual(['r0']);
    expect(tableAt(trace, 'a', 'routes', 9)?.rows).toEqual(['r5']);
    expect(tableAt(trace, 'b', 'routes', 2)).toBeUndefined();
    expect(tableAt(trace, 'a', 'neigh', 2)).toBeUndefined();
  });

  it('diffs header stacks from the innermost layer', () => {
    const inner = {
      proto: 'ipv4',
      src: '10.0.0.1',
      dst: '10.0.0.2',
      ttl: 64,
      protocol: 1,
      id: 1,
      df: true,
      tos: 0,
    } as const;
    const outer = { proto: 'vxlan', vni: 1 } as const;
    const d = diffLayers([inner], [outer, { ...inner, ttl: 63 }]);
    expect(d[0]!.added).toBe(true);
    expect([...d[1]!.changed]).toEqual(['ttl']);
  });

  it('compares list fields by content: a copied DNS question is not a change, a new answer is', () => {
    const query: Layer = dnsQuery(0xfdfa, 'web.default.svc.cluster.local.', 'A');
    // Each event carries its own copy of the packet, as the Trace does after structured cloning.
    const copy = structuredClone(query);
    expect([...diffLayers([query], [copy])[0]!.changed]).toEqual([]);
    const reply: Layer = {
      ...copy,
      qr: true,
      answer: [{ name: 'web.default.svc.cluster.local.', type: 'A', ttl: 30, data: '10.96.0.100' }],
    };
    expect([...diffLayers([query], [reply])[0]!.changed].sort()).toEqual(['answer', 'qr']);
  });
});
