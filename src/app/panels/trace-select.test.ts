import { describe, expect, it } from 'vitest';
import type { Trace } from '../types';
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
});
