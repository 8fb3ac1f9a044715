import { describe, expect, it } from 'vitest';
import type { TableSnapshot, Trace, TraceEvent } from '../types';
import { nftDecidedKey, nftMarks, nftRuleKey, nftRulesEvaluated, nftTableBlocks } from './nftables-select';
import { isNftEvent } from './netfilter-select';
import { hasNftables } from './trace-select';

// `nft list ruleset` after `nft add rule inet filter input tcp dport 22 counter accept` and a nat table (nft 1.0.6).
const rows = [
  'table inet filter {',
  '\tset trusted {',
  '\t\ttype ipv4_addr',
  '\t\telements = { 192.168.10.20 }',
  '\t}',
  '',
  '\tchain input {',
  '\t\ttype filter hook input priority filter; policy drop;',
  '\t\tct state established,related accept',
  '\t\ttcp dport 22 counter packets 0 bytes 0 accept',
  '\t}',
  '}',
  'table ip nat {',
  '\tchain postrouting {',
  '\t\ttype nat hook postrouting priority srcnat; policy accept;',
  '\t\toifname "eth1" masquerade',
  '\t}',
  '}',
];
const snap: TableSnapshot = { step: 0, netns: 'gw', table: 'nftables', rows, origins: rows.map(() => '') };

function event(over: Partial<TraceEvent>): TraceEvent {
  return {
    step: 5,
    time: 0,
    netns: 'gw',
    machine: 'gw',
    kind: 'netfilter',
    explain: { code: 'tx', args: {} },
    explanation: '',
    ...over,
  };
}

// The rule as the evaluator named it, before its counter counted this packet.
const ssh = '\t\ttcp dport 22 counter packets 0 bytes 0 accept';
const accepted = event({
  decidedBy: { table: 'nftables', netns: 'gw', row: ssh },
  traversed: [
    { table: 'inet filter', chain: 'input', row: '\t\tct state established,related accept', matched: false },
    { table: 'inet filter', chain: 'input', row: ssh, matched: true },
  ],
});

describe('nftTableBlocks', () => {
  it('splits the ruleset by table and gives each rule line its chain, none to sets', () => {
    const b = nftTableBlocks(snap);
    expect(b.map((x) => x.table)).toEqual(['inet filter', 'ip nat']);
    expect(b[0]!.lines.map((l) => l.chain)).toEqual([
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      'input',
      'input',
      'input',
      'input',
      null,
    ]);
    expect(b[1]!.lines[0]!.index).toBe(12);
    expect(nftTableBlocks(snap)).toBe(b);
  });
});

describe('nftMarks and nftDecidedKey', () => {
  it('marks the rules evaluated at this step, in order, and the one that decided', () => {
    const m = nftMarks(accepted, 'gw');
    expect(m.get(nftRuleKey('inet filter', 'input', '\t\tct state established,related accept'))).toEqual({
      order: [1],
      matched: false,
    });
    expect(nftDecidedKey(accepted, 'gw')).toBe(nftRuleKey('inet filter', 'input', ssh));
    expect(nftRulesEvaluated(accepted)).toBe(2);
  });

  it('finds the rule after its counter counted the packet', () => {
    const later = '\t\ttcp dport 22 counter packets 1 bytes 60 accept';
    expect(nftDecidedKey(accepted, 'gw')).toBe(nftRuleKey('inet filter', 'input', later));
    expect(nftRuleKey('inet filter', 'forward', later)).not.toBe(nftRuleKey('inet filter', 'input', later));
  });

  it('names the policy line when no rule decided, and does not count it as a rule', () => {
    const policy = '\t\ttype filter hook input priority filter; policy drop;';
    const dropped = event({
      kind: 'drop',
      decidedBy: { table: 'nftables', netns: 'gw', row: policy },
      traversed: [{ table: 'inet filter', chain: 'input', row: policy, matched: true }],
    });
    expect(nftDecidedKey(dropped, 'gw')).toBe(nftRuleKey('inet filter', 'input', policy));
    expect(nftRulesEvaluated(dropped)).toBe(0);
  });

  it("leaves iptables' events and other namespaces alone", () => {
    const xt = event({
      decidedBy: { table: 'iptables', netns: 'gw', row: '-P FORWARD ACCEPT' },
      traversed: [{ table: 'filter', chain: 'FORWARD', row: '-P FORWARD ACCEPT', matched: true }],
    });
    expect(isNftEvent(xt)).toBe(false);
    expect(nftMarks(xt, 'gw').size).toBe(0);
    expect(nftDecidedKey(xt, 'gw')).toBeNull();
    expect(nftMarks(accepted, 'laptop').size).toBe(0);
    expect(nftDecidedKey(accepted, 'laptop')).toBeNull();
  });
});

describe('hasNftables', () => {
  it('is true when the Trace or a fetched namespace has a ruleset', () => {
    const trace = { tables: [snap] } as unknown as Trace;
    const none = { tables: [{ ...snap, table: 'iptables' }] } as unknown as Trace;
    expect(hasNftables(trace, {})).toBe(true);
    expect(hasNftables(none, {})).toBe(false);
    expect(hasNftables(none, { gw: [snap] })).toBe(true);
    expect(hasNftables(null, {})).toBe(false);
  });
});
