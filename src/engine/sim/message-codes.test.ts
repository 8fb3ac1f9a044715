/**
 * Message codes are a closed set grouped by subsystem (kernel/message-codes.ts): every code has
 * its English and zh-CN template, a code belongs to one group, the Trace schema refuses any
 * other, and a module typed for its own groups cannot report another subsystem's code.
 */
import { describe, expect, it } from 'vitest';
import { MESSAGE_CODE_GROUPS, MESSAGE_CODES } from '../kernel/message-codes';
import { emit, type Emit } from '../kernel/emit';
import type { Netns } from '../kernel/netns';
import { EN } from './messages';
import { ZH } from './messages-zh';
import { TraceEventSchema } from './trace-schema';

describe('message codes', () => {
  it('has each code in one group only', () => {
    const all = Object.values(MESSAGE_CODE_GROUPS).flat();
    expect(all.length).toBe(new Set(all).size);
    expect(MESSAGE_CODES.length).toBe(all.length);
  });

  it('has an English and a Chinese template for every code, and no template without a code', () => {
    expect(Object.keys(EN).sort()).toEqual([...MESSAGE_CODES].sort());
    expect(Object.keys(ZH).sort()).toEqual([...MESSAGE_CODES].sort());
  });

  it('the Trace schema takes a code of the set and refuses any other', () => {
    const ev = {
      step: 0,
      time: 0,
      netns: 'a',
      machine: 'a',
      kind: 'drop',
      reason: 'IP_NOROUTE',
      explain: { code: 'drop.vxlan-no-route', args: { dev: 'vxlan0', dst: '10.0.0.1' } },
      explanation: 'x',
    };
    expect(TraceEventSchema.safeParse(ev).success).toBe(true);
    const bad = { ...ev, explain: { ...ev.explain, code: 'drop.ipip-no-route' } };
    expect(TraceEventSchema.safeParse(bad).success).toBe(false);
  });

  it('a module typed for IPIP cannot report a VXLAN code (checked by tsc -b)', () => {
    const ipip: Emit<'ipip' | 'ip-tunnel'> = emit;
    const report = (ns: Netns): void => {
      ipip(ns, { kind: 'drop', reason: 'IP_NOROUTE', code: 'drop.tunnel-no-route' });
      // @ts-expect-error: drop.vxlan-no-route is the VXLAN device's code, not IPIP's
      ipip(ns, { kind: 'drop', reason: 'IP_NOROUTE', code: 'drop.vxlan-no-route' });
    };
    expect(typeof report).toBe('function');
  });
});
