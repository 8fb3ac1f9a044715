/**
 * `ip route` and net-tools `route`: what fib_create_info/fib_check_nh accept and refuse, with
 * iproute2's and net-tools' own messages. A refused command changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { CommandError } from '../kernel/errors';
import { World } from '../kernel/world';
import { runCommand } from './index';

/** A host with eth0 = 192.168.0.100/24 (a dummy stands in for the NIC). */
function host() {
  const world = new World('ip-route-test');
  const machine = world.addMachine('h');
  const ns = machine.root;
  const sh = (line: string): string => runCommand({ world, machine, ns, origin: 'test' }, line).output;
  const err = (line: string): string => {
    const before = sh('ip route show table all');
    try {
      sh(line);
    } catch (e) {
      if (!(e instanceof CommandError)) throw e;
      expect(sh('ip route show table all')).toBe(before);
      return e.message;
    }
    throw new Error(`expected "${line}" to fail`);
  };
  sh('ip link add eth0 type dummy');
  sh('ip addr add 192.168.0.100/24 dev eth0');
  sh('ip link set eth0 up');
  return { sh, err };
}

describe('ip route add', () => {
  it('adds a route via an on-link gateway', () => {
    const { sh } = host();
    sh('ip route add 10.1.16.0/24 via 192.168.0.1 dev eth0');
    sh('ip route add default via 192.168.0.1');
    expect(sh('ip route').split('\n')).toEqual([
      'default via 192.168.0.1 dev eth0',
      '10.1.16.0/24 via 192.168.0.1 dev eth0',
      '192.168.0.0/24 dev eth0 proto kernel scope link src 192.168.0.100',
    ]);
  });

  it('refuses a gateway that is not on a connected subnet: "Nexthop has invalid gateway", nothing added', () => {
    const { err } = host();
    expect(err('ip route add 10.1.16.0/24 via 192.168.1.200 dev eth0')).toBe(
      'Error: Nexthop has invalid gateway.',
    );
  });

  it('a gateway reachable only through another gateway is invalid too (fib_check_nh wants scope link)', () => {
    const { sh, err } = host();
    sh('ip route add 10.5.0.0/16 via 192.168.0.1');
    expect(err('ip route add 10.6.0.0/16 via 10.5.0.1')).toBe('Error: Nexthop has invalid gateway.');
  });

  it('onlink accepts the same gateway', () => {
    const { sh } = host();
    sh('ip route add 10.1.16.0/24 via 192.168.1.200 dev eth0 onlink');
    expect(sh('ip route')).toContain('10.1.16.0/24 via 192.168.1.200 dev eth0 onlink');
  });

  it('duplicate -> "RTNETLINK answers: File exists"; a different metric is another route', () => {
    const { sh, err } = host();
    sh('ip route add 10.1.0.0/16 via 192.168.0.1');
    expect(err('ip route add 10.1.0.0/16 via 192.168.0.2')).toBe('RTNETLINK answers: File exists');
    sh('ip route add 10.1.0.0/16 via 192.168.0.2 metric 100');
    expect(sh('ip route').split('\n')).toContain('10.1.0.0/16 via 192.168.0.2 dev eth0 metric 100');
  });

  it('replace swaps the route in place', () => {
    const { sh } = host();
    sh('ip route add 10.1.0.0/16 via 192.168.0.1');
    sh('ip route replace 10.1.0.0/16 via 192.168.0.2');
    expect(
      sh('ip route')
        .split('\n')
        .filter((l) => l.startsWith('10.1.')),
    ).toEqual(['10.1.0.0/16 via 192.168.0.2 dev eth0']);
  });

  it('host bits set -> "Invalid prefix for given prefix length"', () => {
    const { err } = host();
    expect(err('ip route add 10.1.0.1/16 via 192.168.0.1')).toBe(
      'Error: Invalid prefix for given prefix length.',
    );
  });

  it('a device that is down cannot carry a route', () => {
    const { sh, err } = host();
    sh('ip link add d1 type dummy');
    expect(err('ip route add 10.7.0.0/16 dev d1')).toBe('Error: Device for nexthop is not up.');
  });

  it('malformed lines get iproute2 parse errors and change nothing', () => {
    const { err } = host();
    expect(err('ip route add 10.0.0.0/8 via')).toBe('Command line is not complete. Try option "help"');
    expect(err('ip route add 10.0.0.0/8 via banana')).toBe(
      'Error: inet address is expected rather than "banana".',
    );
    expect(err('ip route add 10.0.0.0/33 dev eth0')).toBe(
      'Error: any valid prefix is expected rather than "10.0.0.0/33".',
    );
    expect(err('ip route add 10.0.0.0/8 dev nope')).toBe('Cannot find device "nope"');
    expect(err('ip route frobnicate')).toBe('Command "frobnicate" is unknown, try "ip route help".');
  });

  it('blackhole/unreachable routes take no nexthop', () => {
    const { sh } = host();
    sh('ip route add blackhole 10.66.0.0/16');
    sh('ip route add unreachable 10.67.0.0/16');
    expect(sh('ip route')).toContain('blackhole 10.66.0.0/16');
    expect(sh('ip route')).toContain('unreachable 10.67.0.0/16');
  });
});

describe('ip route del / get', () => {
  it('deleting a missing route -> "RTNETLINK answers: No such process"', () => {
    const { err } = host();
    expect(err('ip route del 10.44.0.0/16')).toBe('RTNETLINK answers: No such process');
  });

  it('deletes the route it names', () => {
    const { sh } = host();
    sh('ip route add 10.1.0.0/16 via 192.168.0.1');
    sh('ip route del 10.1.0.0/16');
    expect(sh('ip route')).toBe('192.168.0.0/24 dev eth0 proto kernel scope link src 192.168.0.100');
  });

  it('get picks the longest prefix and the source address', () => {
    const { sh } = host();
    sh('ip route add default via 192.168.0.1');
    sh('ip route add 10.1.0.0/16 via 192.168.0.2');
    expect(sh('ip route get 10.1.2.3').split('\n')[0]).toBe(
      '10.1.2.3 via 192.168.0.2 dev eth0 src 192.168.0.100 uid 0 ',
    );
    expect(sh('ip route get 8.8.8.8').split('\n')[0]).toBe(
      '8.8.8.8 via 192.168.0.1 dev eth0 src 192.168.0.100 uid 0 ',
    );
  });

  it('get with no route -> "RTNETLINK answers: Network is unreachable"', () => {
    const { err } = host();
    expect(err('ip route get 8.8.8.8')).toBe('RTNETLINK answers: Network is unreachable');
  });
});

describe('route (net-tools)', () => {
  it('route add -net ... netmask ... gw ... creates the same route as ip route add', () => {
    const a = host();
    const b = host();
    a.sh('ip link add eth1 type dummy');
    b.sh('ip link add eth1 type dummy');
    for (const h of [a, b]) {
      h.sh('ip addr add 192.168.1.100/24 dev eth1');
      h.sh('ip link set eth1 up');
    }
    a.sh('route add -net 10.1.20.0 netmask 255.255.255.0 gw 192.168.1.130');
    b.sh('ip route add 10.1.20.0/24 via 192.168.1.130');
    expect(a.sh('ip route')).toBe(b.sh('ip route'));
    expect(a.sh('ip route')).toContain('10.1.20.0/24 via 192.168.1.130 dev eth1');
  });

  it('a gateway that is not on-link -> "SIOCADDRT: Network is unreachable"', () => {
    const { err } = host();
    expect(err('route add -net 10.1.20.0 netmask 255.255.255.0 gw 192.168.1.130')).toBe(
      'SIOCADDRT: Network is unreachable',
    );
  });

  it('route add -host and route del', () => {
    const { sh, err } = host();
    sh('route add -host 10.9.9.9 gw 192.168.0.1');
    expect(sh('ip route')).toContain('10.9.9.9 via 192.168.0.1 dev eth0');
    sh('route del -host 10.9.9.9 gw 192.168.0.1');
    expect(sh('ip route')).not.toContain('10.9.9.9');
    expect(err('route del -host 10.9.9.9')).toBe('SIOCDELRT: No such process');
  });

  it('route -n prints the net-tools table', () => {
    const { sh } = host();
    sh('ip route add default via 192.168.0.1');
    expect(sh('route -n').split('\n')).toEqual([
      'Kernel IP routing table',
      'Destination     Gateway         Genmask         Flags Metric Ref    Use Iface',
      '0.0.0.0         192.168.0.1     0.0.0.0         UG    0      0        0 eth0',
      '192.168.0.0     0.0.0.0         255.255.255.0   U     0      0        0 eth0',
    ]);
  });
});

describe('multipath routes (nexthop)', () => {
  /** The lab's namespace: v1 = 10.1.0.1/24, v2 = 10.2.0.1/24, hash seed 1. */
  function twoLinks() {
    const world = new World('ip-route-mp');
    const machine = world.addMachine('m');
    const ns = machine.root;
    const sh = (line: string): string => runCommand({ world, machine, ns, origin: 'test' }, line).output;
    for (const [dev, addr] of [
      ['v1', '10.1.0.1/24'],
      ['v2', '10.2.0.1/24'],
    ]) {
      sh(`ip link add ${dev} type dummy`);
      sh(`ip addr add ${addr} dev ${dev}`);
      sh(`ip link set ${dev} up`);
    }
    sh('sysctl -w net.ipv4.fib_multipath_hash_seed=1');
    sh('ip route add 10.9.0.0/16 nexthop via 10.1.0.2 dev v1 weight 1 nexthop via 10.2.0.2 dev v2 weight 2');
    sh('ip route add 10.8.0.0/16 nexthop via 10.1.0.2 nexthop via 10.2.0.2 dev v2');
    return sh;
  }

  it('prints each next hop on its own line as iproute2 does (trailing blanks aside)', () => {
    // Kernel 6.18, iproute2 6.1: `ip route show` in the lab namespace.
    expect(twoLinks()('ip route').split('\n')).toEqual([
      '10.1.0.0/24 dev v1 proto kernel scope link src 10.1.0.1',
      '10.2.0.0/24 dev v2 proto kernel scope link src 10.2.0.1',
      '10.8.0.0/16',
      '\tnexthop via 10.1.0.2 dev v1 weight 1',
      '\tnexthop via 10.2.0.2 dev v2 weight 1',
      '10.9.0.0/16',
      '\tnexthop via 10.1.0.2 dev v1 weight 1',
      '\tnexthop via 10.2.0.2 dev v2 weight 2',
    ]);
  });

  it('answers `ip route get` with the next hop the kernel picked', () => {
    const sh = twoLinks();
    const first = (line: string): string => sh(line).split('\n')[0]!.trimEnd();
    expect(first('ip route get 10.9.0.1')).toBe('10.9.0.1 via 10.2.0.2 dev v2 src 10.2.0.1 uid 0');
    expect(first('ip route get 10.9.0.6')).toBe('10.9.0.6 via 10.1.0.2 dev v1 src 10.1.0.1 uid 0');
    // With a source, the next hop whose device owns it wins (fib_select_multipath's score).
    expect(first('ip route get 10.9.0.1 from 10.1.0.1')).toBe(
      '10.9.0.1 from 10.1.0.1 via 10.1.0.2 dev v1 uid 0',
    );
  });

  it('refuses a weight iproute2 refuses, and a next hop the kernel cannot reach', () => {
    const sh = twoLinks();
    expect(() => sh('ip route add 10.7.0.0/16 nexthop via 10.1.0.2 weight 0')).toThrow(
      'Error: argument "0" is wrong: "weight" is invalid',
    );
    expect(() => sh('ip route add 10.7.0.0/16 nexthop via 10.1.0.2 nexthop via 10.5.0.2')).toThrow(
      'Error: Nexthop has invalid gateway.',
    );
  });
});
