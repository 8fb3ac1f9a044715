/**
 * ruleCheck (what a single added rule changes) must give the answer kernelCheck (the whole
 * table, as nf_tables checks a commit) gives, for any table that was valid before the rule.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kernelCheck, ruleCheck, TableTx } from './tables';
import { IptablesState } from './state';
import { BUILTIN_CHAINS, type Rule, type Table, type TableId, type Target } from './types';

const USER = ['A', 'B', 'C', 'D'];

function target(kind: number, chain: number): Target {
  switch (kind) {
    case 0:
      return { kind: 'CHAIN', chain: USER[chain]!, goto: false };
    case 1:
      return { kind: 'DNAT', to: { addrFrom: 1, addrTo: 1 } };
    case 2:
      return { kind: 'MASQUERADE' };
    case 3:
      return { kind: 'REJECT', with: 'tcp-reset' };
    case 4:
      return { kind: 'REJECT', with: 'icmp-port-unreachable' };
    default:
      return { kind: 'ACCEPT' };
  }
}

const ruleArb = fc
  .tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 3 }), fc.boolean())
  .map(([k, c, tcp]): Rule => ({
    matches: [],
    target: target(k, c),
    counters: { packets: 0, bytes: 0 },
    origin: 'test',
    ...(tcp ? { proto: { name: 'tcp', neg: false } } : {}),
  }));

function table(id: TableId): Table {
  const t = new IptablesState().tables[id];
  for (const name of USER) t.chains.set(name, { name, rules: [], counters: { packets: 0, bytes: 0 } });
  return t;
}

describe('ruleCheck', () => {
  it('agrees with kernelCheck on every append to a valid table', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<TableId>('nat', 'filter'),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 8 }), ruleArb), { minLength: 1, maxLength: 25 }),
        (id, adds) => {
          const t = table(id);
          const names = [...BUILTIN_CHAINS[id], ...USER];
          for (const [ci, r] of adds) {
            const chain = names[ci % names.length]!;
            const c = t.chains.get(chain)!;
            c.rules.push(r);
            const whole = kernelCheck(t);
            expect(ruleCheck(t, chain, [r])).toBe(whole);
            if (whole) c.rules.pop(); // refused: the table stays as it was (valid)
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('finds a loop closed through a built-in chain and a target invalid at its hook', () => {
    const t = table('nat');
    const jump = (chain: string): Rule => ({
      matches: [],
      target: { kind: 'CHAIN', chain, goto: false },
      counters: { packets: 0, bytes: 0 },
      origin: 'test',
    });
    t.chains.get('A')!.rules.push(jump('B'));
    t.chains.get('B')!.rules.push(jump('A'));
    // A loop no hook reaches is accepted; the jump that makes it reachable is not.
    expect(kernelCheck(t)).toBeNull();
    t.chains.get('PREROUTING')!.rules.push(jump('A'));
    expect(ruleCheck(t, 'PREROUTING', [jump('A')])).toBe('Too many links');
    t.chains.get('PREROUTING')!.rules.pop();
    const masq: Rule = {
      matches: [],
      target: { kind: 'MASQUERADE' },
      counters: { packets: 0, bytes: 0 },
      origin: 'test',
    };
    t.chains.get('C')!.rules.push(masq);
    t.chains.get('OUTPUT')!.rules.push(jump('C'));
    expect(ruleCheck(t, 'OUTPUT', [jump('C')])).toBe('Invalid argument');
  });
});

describe('TableTx', () => {
  it('copies a chain on its first write and puts every chain back on rollback', () => {
    const t = table('filter');
    const before = t.chains.get('INPUT')!;
    const tx = new TableTx(t);
    const c = tx.own(before);
    expect(c).not.toBe(before);
    expect(tx.own(c)).toBe(c);
    c.rules.push({ matches: [], counters: { packets: 0, bytes: 0 }, origin: 'x' });
    tx.add({ name: 'NEW', rules: [], counters: { packets: 0, bytes: 0 } });
    tx.remove(t.chains.get('A')!);
    expect(before.rules).toHaveLength(0);
    tx.rollback();
    expect(t.chains.get('INPUT')).toBe(before);
    expect(t.chains.has('NEW')).toBe(false);
    expect(t.chains.has('A')).toBe(true);
  });
});
