/**
 * `ip -6 rule` and `ip -6 route ... table N`. Every expected text below was printed by
 * iproute2 on this kernel (6.18) in a scratch namespace: `ip -n NS -6 rule add ...`, then
 * `ip -n NS -6 rule` and `ip -n NS -6 route show table all`.
 */
import { describe, expect, it } from 'vitest';
import { CommandError } from '../kernel/errors';
import { World } from '../kernel/world';
import { runCommand } from './index';

function host() {
  const world = new World('ip6-rule-test');
  const machine = world.addMachine('h');
  const ns = machine.root;
  const sh = (line: string): string => runCommand({ world, machine, ns, origin: 'test' }, line).output;
  const err = (line: string): { message: string; code: number } => {
    const rules = sh('ip -6 rule');
    try {
      sh(line);
    } catch (e) {
      if (!(e instanceof CommandError)) throw e;
      expect(sh('ip -6 rule')).toBe(rules);
      return { message: e.message, code: e.status };
    }
    throw new Error(`expected "${line}" to fail`);
  };
  sh('ip link set lo up');
  return { sh, err, ns };
}

describe('ip -6 rule', () => {
  it('starts with local and main only (fib6_rules_net_init), not the IPv4 default rule', () => {
    const { sh } = host();
    expect(sh('ip -6 rule')).toBe('0:\tfrom all lookup local\n32766:\tfrom all lookup main');
    expect(sh('ip rule').split('\n')).toHaveLength(3);
  });

  it('adds rules below the first non-local one and prints them as iproute2 does', () => {
    const { sh } = host();
    sh('ip -6 rule add from 2001:db8:1::/64 lookup 100');
    sh('ip -6 rule add to 2001:db8:9::1 prohibit');
    sh('ip -6 rule add fwmark 7 table 7 pref 50');
    sh('ip -6 rule add iif eth9 unreachable');
    expect(sh('ip -6 rule').split('\n')).toEqual([
      '0:\tfrom all lookup local',
      '49:\tfrom all iif eth9 [detached] unreachable',
      '50:\tfrom all fwmark 0x7 lookup 7',
      '32764:\tfrom all to 2001:db8:9::1 prohibit',
      '32765:\tfrom 2001:db8:1::/64 lookup 100',
      '32766:\tfrom all lookup main',
    ]);
    // The same selector at another priority is another rule; the address keeps its host bits.
    sh('ip -6 rule add from 2001:db8:1::/64 lookup 100');
    sh('ip -6 rule add from 2001:db8:1::5/64 lookup 101');
    expect(sh('ip -6 rule').split('\n').slice(1, 3)).toEqual([
      '47:\tfrom 2001:db8:1::5/64 lookup 101',
      '48:\tfrom 2001:db8:1::/64 lookup 100',
    ]);
    // The IPv4 list is another list.
    expect(sh('ip rule').split('\n')).toHaveLength(3);
  });

  it('takes the family from an IPv6 prefix when no -6 is given', () => {
    const { sh } = host();
    sh('ip rule add from 2001:db8:1::/64 lookup 100');
    expect(sh('ip -6 rule')).toContain('32765:\tfrom 2001:db8:1::/64 lookup 100');
    expect(sh('ip rule')).not.toContain('2001:db8');
  });

  it('refuses an IPv4 prefix in iproute2 words, and changes nothing', () => {
    const { err } = host();
    expect(err('ip -6 rule add from 10.0.0.0/8 lookup 5')).toEqual({
      message: 'Error: inet6 prefix is expected rather than "10.0.0.0/8".',
      code: 1,
    });
  });

  it('flush keeps only the rules of priority 0', () => {
    const { sh } = host();
    sh('ip -6 rule add from 2001:db8:1::/64 lookup 100');
    sh('ip -6 rule flush');
    expect(sh('ip -6 rule')).toBe('0:\tfrom all lookup local');
  });
});

describe('ip -6 route ... table N', () => {
  it('puts the route in that table and lists `table all` bucket by bucket', () => {
    const { sh } = host();
    sh('ip -6 route add 2001:db8:5::/64 dev lo table 100');
    expect(sh('ip -6 route show table 100')).toBe('2001:db8:5::/64 dev lo metric 1024 pref medium');
    expect(sh('ip -6 route')).not.toContain('2001:db8:5::');
    sh('ip -6 route add 2001:db8:6::/64 dev lo table 7');
    sh('ip -6 route add 2001:db8:6::/64 dev lo table 300');
    sh('ip -6 route add 2001:db8:6::/64 dev lo');
    // The kernel printed `local ::1 dev lo table local ...` last; this bare test world has
    // no ::1 on lo, so only the other tables are compared.
    expect(sh('ip -6 route show table all').split('\n')).toEqual([
      '2001:db8:6::/64 dev lo table 7 metric 1024 pref medium',
      '2001:db8:6::/64 dev lo table 300 metric 1024 pref medium',
      '2001:db8:5::/64 dev lo table 100 metric 1024 pref medium',
      '2001:db8:6::/64 dev lo metric 1024 pref medium',
    ]);
  });

  it('a table no route or rule has made cannot be listed', () => {
    const { sh, err } = host();
    expect(err('ip -6 route show table 101')).toEqual({
      message: 'Error: ipv6: FIB table does not exist.\nDump terminated',
      code: 2,
    });
    sh('ip -6 rule add from 2001:db8:1::/64 lookup 101');
    expect(sh('ip -6 route show table 101')).toBe('');
  });
});
