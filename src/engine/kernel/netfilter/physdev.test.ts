/**
 * xt_physdev's physdev_mt (net/netfilter/xt_physdev.c) on packets br_netfilter hands to
 * iptables. Without nf_bridge info (a routed or local packet) a rule matches only when every
 * physdev option in it is inverted. With it: --physdev-is-bridged needs an output port, so it
 * never matches in PREROUTING; --physdev-in is skipped while no input port is known, and
 * --physdev-out fails, with or without `!`, while no output port is known.
 *
 * Measured on Linux 6.18 (iptables 1.8.9, bridge-nf-call-iptables=1): a bridge br0 with ports
 * p1 and p2 to two namespaces 10.9.0.1 and 10.9.0.2, the nine rules below (eth0 -> p1,
 * eth+ -> p+, eth1 -> p2) with `-s 10.9.0.1` in mangle PREROUTING, FORWARD and POSTROUTING,
 * one ping from 10.9.0.1: PREROUTING counted 0 1 1 0 0 1 0 0 0, FORWARD and POSTROUTING
 * 1 0 1 0 1 1 0 1 0.
 */
import { describe, expect, it } from 'vitest';
import { nfHost, tcp } from '../../../../test/nf-test-kit';
import { runCommand } from '../../commands';
import type { HookContext } from '../stack/hooks';
import { World } from '../world';

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

  it('bridged, in PREROUTING: no output port yet, so not "bridged" and no --physdev-out either way', () => {
    const c = run('PREROUTING', (d) => ({ in: d('eth0'), bridged: { physIn: d('eth0') } }));
    expect(c).toEqual([0, 1, 1, 0, 0, 1, 0, 0, 0]);
  });

  it('nf_bridge info without an input port: --physdev-in is not checked', () => {
    const c = run('FORWARD', (d) => ({ in: d('eth0'), out: d('eth1'), bridged: { physOut: d('eth1') } }));
    expect(c).toEqual([1, 0, 0, 1, 1, 1, 1, 1, 0]);
  });
});

describe('physdev on a bridged ping, as measured', () => {
  it('PREROUTING, FORWARD and POSTROUTING count what the kernel counted', () => {
    const world = new World('physdev-bridge');
    const machine = world.addMachine('h');
    const sh = (line: string, ns = machine.root) => runCommand({ world, machine, ns, origin: 'test' }, line);
    const rules = RULES.map((r) => r.replace('eth0', 'p1').replace('eth+', 'p+').replace('eth1', 'p2'));
    for (const line of [
      'ip link add br0 type bridge',
      'ip link set br0 up',
      ...[1, 2].flatMap((i) => [
        `ip netns add c${i}`,
        `ip link add p${i} type veth peer name c0 netns c${i}`,
        `ip link set p${i} master br0`,
        `ip link set p${i} up`,
        `ip -n c${i} addr add 10.9.0.${i}/24 dev c0`,
        `ip -n c${i} link set c0 up`,
      ]),
      ...['PREROUTING', 'FORWARD', 'POSTROUTING'].flatMap((h) =>
        rules.map((r) => `iptables -t mangle -A ${h} -s 10.9.0.1 -m physdev ${r}`),
      ),
    ])
      sh(line);
    const p = sh('ping -c 1 -W 1 10.9.0.2', world.netns.get('c1')!).process!;
    p.start();
    world.sched.run({ until: () => p.done, maxTime: world.sched.now + p.deadlineUs + 1, maxTasks: 100_000 });
    expect(p.output.join('\n')).toContain('1 received');
    const hits = (chain: string) =>
      machine.root.iptables!.tables.mangle.chains.get(chain)!.rules.map((r) => r.counters.packets);
    expect(hits('PREROUTING')).toEqual([0, 1, 1, 0, 0, 1, 0, 0, 0]);
    expect(hits('FORWARD')).toEqual([1, 0, 1, 0, 1, 1, 0, 1, 0]);
    expect(hits('POSTROUTING')).toEqual([1, 0, 1, 0, 1, 1, 0, 1, 0]);
  });
});
