/**
 * xt_physdev's physdev_mt (net/netfilter/xt_physdev.c) on packets br_netfilter hands to
 * iptables. Without nf_bridge info (a routed or local packet) a rule matches only when every
 * physdev option in it is inverted. With it: --physdev-is-bridged needs an output port, so it
 * never matches in PREROUTING; --physdev-in is skipped while no input port is known and
 * --physdev-out matches while no output port is known.
 */
import { describe, expect, it } from 'vitest';
import { nfHost, tcp } from '../../../../test/nf-test-kit';
import type { HookContext } from '../stack/hooks';

const RULES = [
  '--physdev-is-bridged',
  '! --physdev-is-bridged',
  '--physdev-is-in',
  '! --physdev-is-in',
  '--physdev-is-out',
  '--physdev-in eth0',
  '! --physdev-in eth+',
  '--physdev-out eth1',
  '! --physdev-out eth1',
];

function run(hook: 'PREROUTING' | 'FORWARD', ctx: (d: (n: string) => never) => HookContext): number[] {
  const h = nfHost(RULES.map((r) => `iptables -t mangle -A ${hook} -m physdev ${r}`));
  h.ns.netfilter!.run(h.ns, hook, tcp('10.0.0.5', 40000, '192.0.2.9', 80), ctx(h.dev as never));
  return h.counters('mangle', hook);
}

describe('physdev_mt', () => {
  it('a packet br_netfilter never saw: only the all-inverted rules match', () => {
    expect(run('FORWARD', (d) => ({ in: d('eth0'), out: d('eth1') }))).toEqual([0, 1, 0, 1, 0, 0, 1, 0, 1]);
  });

  it('bridged from eth0 to eth1 in FORWARD', () => {
    const c = run('FORWARD', (d) => ({
      in: d('eth0'),
      out: d('eth0'),
      bridged: { physIn: d('eth0'), physOut: d('eth1') },
    }));
    expect(c).toEqual([1, 0, 1, 0, 1, 1, 0, 1, 0]);
  });

  it('bridged, in PREROUTING: no output port yet, so not "bridged"; --physdev-out matches either way', () => {
    const c = run('PREROUTING', (d) => ({ in: d('eth0'), bridged: { physIn: d('eth0') } }));
    expect(c).toEqual([0, 1, 1, 0, 0, 1, 0, 1, 1]);
  });

  it('nf_bridge info without an input port: --physdev-in is not checked', () => {
    const c = run('FORWARD', (d) => ({ in: d('eth0'), out: d('eth1'), bridged: { physOut: d('eth1') } }));
    expect(c).toEqual([1, 0, 0, 1, 1, 1, 1, 1, 0]);
  });
});
