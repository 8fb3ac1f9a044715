import { describe, expect, it } from 'vitest';
import type { TableSnapshot, TraceEvent } from '../types';
import { decidedRuleKey, formatProbability, groupRules, ruleKey, ruleMarks } from './netfilter-select';

const snap: TableSnapshot = {
  step: 0,
  netns: 'host1',
  table: 'iptables',
  rows: [
    '*filter',
    '-P INPUT ACCEPT',
    '-P FORWARD DROP',
    '-A FORWARD -j DOCKER-USER',
    '-A FORWARD -i docker0 ! -o docker0 -j ACCEPT',
    '-A DOCKER-USER -j RETURN',
    '*nat',
    '-P INPUT ACCEPT',
    '-A KUBE-SVC -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-A',
  ],
};

function event(over: Partial<TraceEvent>): TraceEvent {
  return {
    step: 5,
    time: 0,
    netns: 'host1',
    machine: 'host1',
    kind: 'netfilter',
    explain: { code: 'x', args: {} },
    explanation: '',
    ...over,
  };
}

describe('groupRules', () => {
  it('groups rows under their *table headers and remembers each chain', () => {
    const g = groupRules(snap);
    expect(g.map((x) => x.table)).toEqual(['filter', 'nat']);
    expect(g[0]!.rows.map((r) => r.chain)).toEqual(['INPUT', 'FORWARD', 'FORWARD', 'FORWARD', 'DOCKER-USER']);
    expect(g[1]!.rows[0]!.index).toBe(7);
    expect(groupRules(snap)).toBe(g);
  });
});

describe('ruleMarks and decidedRuleKey', () => {
  const ev = event({
    traversed: [
      { table: 'filter', chain: 'FORWARD', row: '-A FORWARD -j DOCKER-USER', matched: true },
      { table: 'filter', chain: 'DOCKER-USER', row: '-A DOCKER-USER -j RETURN', matched: true },
      { table: 'nat', chain: 'KUBE-SVC', row: snap.rows[8]!, matched: false, probability: 0.5 },
      {
        table: 'filter',
        chain: 'FORWARD',
        row: '-A FORWARD -i docker0 ! -o docker0 -j ACCEPT',
        matched: true,
      },
    ],
    decidedBy: { table: 'iptables', netns: 'host1', row: '-A FORWARD -i docker0 ! -o docker0 -j ACCEPT' },
  });

  it('marks evaluated, matched and the order of evaluation, with the odds of statistic rules', () => {
    const m = ruleMarks(ev, 'host1');
    expect(m.get(ruleKey('filter', '-A FORWARD -j DOCKER-USER'))).toEqual({ order: [1], matched: true });
    expect(m.get(ruleKey('nat', snap.rows[8]!))).toEqual({ order: [3], matched: false, probability: 0.5 });
    expect(m.has(ruleKey('filter', '-P FORWARD DROP'))).toBe(false);
    expect(ruleMarks(ev, 'c1').size).toBe(0);
  });

  it('names the deciding rule in its table; a policy line shared by tables resolves by the traversal', () => {
    expect(decidedRuleKey(groupRules(snap), ev, 'host1')).toBe(
      ruleKey('filter', '-A FORWARD -i docker0 ! -o docker0 -j ACCEPT'),
    );
    const policy = event({
      traversed: [{ table: 'nat', chain: 'INPUT', row: '-P INPUT ACCEPT', matched: true }],
      decidedBy: { table: 'iptables', netns: 'host1', row: '-P INPUT ACCEPT' },
    });
    expect(decidedRuleKey(groupRules(snap), policy, 'host1')).toBe(ruleKey('nat', '-P INPUT ACCEPT'));
    expect(decidedRuleKey(groupRules(snap), policy, 'c1')).toBeNull();
  });
});

describe('formatProbability', () => {
  it('prints odds as a percentage', () => {
    expect(formatProbability(0.5)).toBe('50%');
    expect(formatProbability(1 / 3)).toBe('33.3%');
    expect(formatProbability(0.25)).toBe('25%');
    expect(formatProbability(0.001)).toBe('0.1%');
  });
});
