import { describe, expect, it } from 'vitest';
import type { TableSnapshot, TraceEvent } from '../types';
import {
  decidedRuleKey,
  evaluatedCount,
  formatProbability,
  groupRules,
  ruleKey,
  ruleMarks,
  walkSummary,
  xtContent,
  xtEvent,
} from './netfilter-select';

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
    explain: { code: 'tx', args: {} },
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

  it("marks the tables after the '# iptables-legacy' row as iptables-legacy's, without listing that row", () => {
    const both: TableSnapshot = {
      ...snap,
      rows: ['*filter', '-P INPUT ACCEPT', '# iptables-legacy', '*filter', '-P INPUT DROP'],
    };
    const g = groupRules(both);
    expect(g.map((x) => [x.table, x.legacy ?? false])).toEqual([
      ['filter', false],
      ['filter', true],
    ]);
    expect(g.flatMap((x) => x.rows.map((r) => r.row))).toEqual(['-P INPUT ACCEPT', '-P INPUT DROP']);
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

  it('marks each row a run of passed rules stands for, numbered by its place in the chain', () => {
    const rules = ['-A S -d 10.0.0.1/32 -j A', '-A S -d 10.0.0.2/32 -j B', '-A S -d 10.0.0.3/32 -j C'];
    const whole: TableSnapshot = {
      ...snap,
      rows: ['*nat', '-P PREROUTING ACCEPT', '-N S', ...rules, '-A S -j D'],
    };
    // A listing cut short keeps the run's ends only; the last is still numbered by the run's length.
    const cut: TableSnapshot = { ...whole, rows: ['*nat', '-N S', rules[0]!, rules[2]!, '-A S -j D'] };
    const run = event({
      traversed: [
        { table: 'nat', chain: 'PREROUTING', row: '-A PREROUTING -j S', matched: true },
        { table: 'nat', chain: 'S', row: rules[0]!, last: rules[2]!, count: 3, matched: false },
        { table: 'nat', chain: 'S', row: '-A S -j D', matched: true },
      ],
    });
    const m = ruleMarks(run, 'host1', groupRules(whole));
    expect(rules.map((r) => m.get(ruleKey('nat', r)))).toEqual([
      { order: [2], matched: false },
      { order: [3], matched: false },
      { order: [4], matched: false },
    ]);
    expect(m.get(ruleKey('nat', '-A S -j D'))).toEqual({ order: [5], matched: true });
    const c = ruleMarks(run, 'host1', groupRules(cut));
    expect(c.get(ruleKey('nat', rules[2]!))).toEqual({ order: [4], matched: false });
    expect(evaluatedCount(run.traversed!)).toBe(5);
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

describe('the IPv6 listing (ip6tables -S)', () => {
  // Both families have a filter FORWARD chain whose policy line reads the same: only the
  // event's decider says which listing its marks belong to.
  const v6snap: TableSnapshot = {
    step: 0,
    netns: 'r',
    table: 'ip6tables',
    rows: ['*filter', '-P INPUT ACCEPT', '-P FORWARD DROP', '-P OUTPUT ACCEPT'],
  };
  const policy = { table: 'filter', chain: 'FORWARD', row: '-P FORWARD DROP', matched: true };
  const drop6 = event({
    netns: 'r',
    kind: 'drop',
    traversed: [policy],
    decidedBy: { table: 'ip6tables', netns: 'r', row: '-P FORWARD DROP' },
  });
  const drop4 = event({
    netns: 'r',
    kind: 'drop',
    traversed: [policy],
    decidedBy: { table: 'iptables', netns: 'r', row: '-P FORWARD DROP' },
  });

  it("gives an event to its own family's listing only", () => {
    expect(xtEvent(drop6, 'r', 'ip6tables')).toBe(drop6);
    expect(xtEvent(drop6, 'r', 'iptables')).toBeUndefined();
    expect(xtEvent(drop4, 'r', 'iptables')).toBe(drop4);
    expect(xtEvent(drop4, 'r', 'ip6tables')).toBeUndefined();
    expect(xtEvent(drop6, 'a', 'ip6tables')).toBeUndefined();
    // Rules walked with no decider are IPv4's; nf_tables' events belong to neither.
    const walked = event({ netns: 'r', traversed: [policy] });
    expect(xtEvent(walked, 'r', 'iptables')).toBe(walked);
    expect(xtEvent(walked, 'r', 'ip6tables')).toBeUndefined();
    const nft = event({ netns: 'r', decidedBy: { table: 'nftables', netns: 'r', row: 'x' } });
    expect(xtEvent(nft, 'r', 'iptables')).toBeUndefined();
    expect(xtEvent(undefined, 'r', 'iptables')).toBeUndefined();
  });

  it('highlights the policy that dropped in the ip6tables listing, not in the iptables one', () => {
    expect(decidedRuleKey(groupRules(v6snap), drop6, 'r', 'ip6tables')).toBe(
      ruleKey('filter', '-P FORWARD DROP'),
    );
    expect(decidedRuleKey(groupRules(v6snap), drop6, 'r', 'iptables')).toBeNull();
    expect(decidedRuleKey(groupRules(v6snap), drop4, 'r', 'ip6tables')).toBeNull();
  });

  it('tells rules from a listing of ACCEPT policies only, or none', () => {
    expect(xtContent(v6snap)).toBe('rules');
    expect(xtContent({ ...v6snap, rows: ['*filter', '-P INPUT ACCEPT', '-P FORWARD ACCEPT'] })).toBe(
      'policies',
    );
    expect(xtContent({ ...v6snap, rows: ['*filter', '-P INPUT ACCEPT', '-N CHECK'] })).toBe('rules');
    expect(xtContent({ ...v6snap, rows: [] })).toBe('none');
    expect(xtContent(undefined)).toBe('none');
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

describe('walkSummary', () => {
  it('names the policy when no rule applied (iptables -P FORWARD DROP, no FORWARD rule)', () => {
    const w = walkSummary([{ table: 'filter', chain: 'FORWARD', row: '-P FORWARD DROP', matched: true }]);
    expect(w).toEqual({ count: 0, table: 'filter', chain: 'FORWARD', policy: 'DROP' });
  });
  it('counts the rules looked at, not the policy the walk fell through to', () => {
    const w = walkSummary([
      { table: 'filter', chain: 'FORWARD', row: '-A FORWARD -j DOCKER-USER', matched: true },
      { table: 'filter', chain: 'DOCKER-USER', row: '-A DOCKER-USER -j RETURN', matched: true },
      { table: 'filter', chain: 'FORWARD', row: '-P FORWARD ACCEPT', matched: true },
    ]);
    expect(w).toEqual({ count: 2, table: 'filter', chain: 'FORWARD' });
  });
});
