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
import type { HookContext } from '../nf-hook';
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

/**
 * Measured on Linux 6.18 (iptables 1.8.9): br0 10.0.0.1/24 with port p0 to a (10.0.0.2), e1
 * 10.1.0.1/24 to b (10.1.0.2), ip_forward=1, bridge-nf-call-iptables=1; a pings 10.0.0.1
 * (delivered to br0) then 10.1.0.2 (routed from br0 to e1). br_netfilter keeps the frame's
 * nf_bridge info, so the input port still matches after the bridge passed it up.
 */
describe('physdev on a frame the bridge passed up, as measured', () => {
  it('INPUT, a routed FORWARD and POSTROUTING still see the bridge input port', () => {
    const world = new World('physdev-up');
    const machine = world.addMachine('h');
    const sh = (line: string, ns = machine.root) => runCommand({ world, machine, ns, origin: 'test' }, line);
    const six = ['--physdev-in p0', '--physdev-is-in', '! --physdev-is-in', '--physdev-is-bridged'];
    const rules = [...six, '! --physdev-in p0', '--physdev-in zz'];
    const post = [
      '',
      '-m physdev --physdev-in p0',
      '-m physdev --physdev-is-in',
      '-m physdev ! --physdev-is-in',
    ];
    for (const line of [
      'sysctl -w net.ipv4.ip_forward=1',
      'sysctl -w net.bridge.bridge-nf-call-iptables=1',
      'ip link add br0 type bridge',
      'ip link set br0 up',
      'ip addr add 10.0.0.1/24 dev br0',
      'ip netns add a',
      'ip link add p0 type veth peer name eth0 netns a',
      'ip link set p0 master br0',
      'ip link set p0 up',
      'ip -n a addr add 10.0.0.2/24 dev eth0',
      'ip -n a link set eth0 up',
      'ip -n a route add default via 10.0.0.1',
      'ip netns add b',
      'ip link add e1 type veth peer name eth0 netns b',
      'ip addr add 10.1.0.1/24 dev e1',
      'ip link set e1 up',
      'ip -n b addr add 10.1.0.2/24 dev eth0',
      'ip -n b link set eth0 up',
      'ip -n b route add default via 10.1.0.1',
      ...['INPUT', 'FORWARD'].flatMap((c) => rules.map((r) => `iptables -A ${c} -p icmp -m physdev ${r}`)),
      ...post.map((m) => `iptables -t mangle -A POSTROUTING -p icmp ${m}`),
    ])
      sh(line);
    for (const dst of ['10.0.0.1', '10.1.0.2']) {
      const p = sh(`ping -c 1 -W 1 ${dst}`, world.netns.get('a')!).process!;
      p.start();
      world.sched.run({
        until: () => p.done,
        maxTime: world.sched.now + p.deadlineUs + 1,
        maxTasks: 100_000,
      });
      expect(p.output.join('\n')).toContain('1 received');
    }
    const hits = (table: 'filter' | 'mangle', chain: string) =>
      machine.root.iptables!.tables[table].chains.get(chain)!.rules.map((r) => r.counters.packets);
    expect(hits('filter', 'INPUT')).toEqual([1, 1, 0, 0, 0, 0]);
    // The routed reply from e1 carries no nf_bridge info: only the inverted rules take it.
    expect(hits('filter', 'FORWARD')).toEqual([1, 1, 1, 0, 1, 0]);
    // Packets: the local reply, the routed request (from p0), the routed reply.
    expect(hits('mangle', 'POSTROUTING')).toEqual([3, 1, 1, 2]);
  });
});
