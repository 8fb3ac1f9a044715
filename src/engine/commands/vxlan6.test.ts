/**
 * VXLAN over an IPv6 underlay from the command line, and the `ip -6` pieces flannel's
 * EnableIPv6 needs. Expected values were measured on this kernel (6.18) with iproute2 6.1:
 * the MTU cap (lower device less 70 over IPv6, less 50 over IPv4), `ip -d link` words, the
 * family errors, `onlink` and hand-written IPv6 neighbours.
 */
import { describe, expect, it } from 'vitest';
import { CommandError } from '../kernel/errors';
import { World } from '../kernel/world';
import { runCommand } from './index';

function host() {
  const world = new World('vxlan6-test');
  world.ipv6 = true;
  const machine = world.addMachine('h');
  const sh = (line: string): string =>
    runCommand({ world, machine, ns: world.netns.get('h')!, origin: 'test' }, line).output;
  const err = (line: string): string => {
    try {
      sh(line);
    } catch (e) {
      if (e instanceof CommandError) return e.message;
      throw e;
    }
    throw new Error(`expected "${line}" to fail`);
  };
  sh('ip link add e1 type veth peer name e2');
  return { sh, err };
}

describe('vxlan with an IPv6 local address', () => {
  it('takes the lower MTU less 70 by default, and caps an asked-for MTU there (IPv4: less 50)', () => {
    const { sh } = host();
    sh('ip link add vx6 type vxlan id 4 local fd00::1 dev e1 dstport 4789');
    sh(
      'ip link add vx6b mtu 1300 type vxlan id 5 local fd00::1 dev e1 dstport 4789 udp6zerocsumtx udp6zerocsumrx',
    );
    sh('ip link add flannel-v6.1 mtu 1450 type vxlan id 1 local fd00::1 dev e1 nolearning dstport 8472');
    sh('ip link add vx4 mtu 1500 type vxlan id 3 local 10.0.0.1 dev e1 dstport 4789');
    expect(sh('ip link show vx6')).toContain(' mtu 1430 ');
    expect(sh('ip link show vx6b')).toContain(' mtu 1300 ');
    expect(sh('ip link show flannel-v6.1')).toContain(' mtu 1430 ');
    expect(sh('ip link show vx4')).toContain(' mtu 1450 ');
    expect(sh('ip -d link show vx6').split('\n')[2]).toBe(
      '    vxlan id 4 local fd00::1 dev e1 srcport 0 0 dstport 4789 ttl auto ageing 300 udpcsum noudp6zerocsumtx noudp6zerocsumrx',
    );
    expect(sh('ip -d link show vx6b').split('\n')[2]).toBe(
      '    vxlan id 5 local fd00::1 dev e1 srcport 0 0 dstport 4789 ttl auto ageing 300 udpcsum udp6zerocsumtx udp6zerocsumrx',
    );
  });

  it('refuses a remote of the other family, as iproute2 parses it with the first one', () => {
    const { err } = host();
    expect(err('ip link add vx type vxlan id 4 local fd00::1 remote 10.0.0.2 dstport 4789')).toBe(
      'Error: inet6 address is expected rather than "10.0.0.2".',
    );
    expect(err('ip link add vx type vxlan id 4 local 10.0.0.1 remote fd00::2 dstport 4789')).toBe(
      'Error: inet address is expected rather than "fd00::2".',
    );
  });

  it("refuses an FDB destination of the other family than the device's socket", () => {
    const { sh, err } = host();
    sh('ip link add vx4 type vxlan id 4 local 10.0.0.1 dstport 4789');
    expect(err('bridge fdb add 00:00:00:00:00:00 dev vx4 dst fd00::1')).toBe(
      'RTNETLINK answers: Address family not supported by protocol',
    );
    sh('ip link add vx6 type vxlan id 6 local fd00::1 dstport 4789');
    sh('bridge fdb add 00:00:00:00:00:00 dev vx6 dst fd00::2');
    expect(sh('bridge fdb show dev vx6')).toBe('00:00:00:00:00:00 dst fd00::2 self permanent');
  });
});

describe('ip -6 route onlink and ip -6 neigh replace', () => {
  it('needs a device for onlink, then takes a gateway no route reaches', () => {
    const { sh, err } = host();
    expect(err('ip -6 route add fd00:9::/64 via fd00:9:: onlink')).toBe(
      'Error: Nexthop device required for onlink.',
    );
    sh('ip link set e1 up');
    sh('ip link set e2 up');
    sh('ip -6 route replace fd00:9::/64 via fd00:9:: dev e1 onlink');
    expect(sh('ip -6 route')).toContain('fd00:9::/64 via fd00:9:: dev e1 metric 1024 onlink pref medium');
  });

  it('gives a /128 address its own prefix route (measured)', () => {
    const { sh } = host();
    sh('ip link set e1 up');
    sh('ip link set e2 up');
    sh('ip -6 addr add fd00:9::5/128 dev e1 nodad');
    expect(sh('ip -6 route show dev e1').split('\n')[0]).toBe(
      'fd00:9::5 proto kernel metric 256 pref medium',
    );
  });

  it('writes a permanent neighbour by hand, replaces and deletes it', () => {
    const { sh, err } = host();
    sh('ip -6 neigh replace fd00:9:: lladdr 3e:01:ed:47:de:62 dev e1 nud permanent');
    sh('ip -6 neigh replace fd00:9:: lladdr 3e:01:ed:47:de:63 dev e1 nud permanent');
    expect(sh('ip -6 neigh show dev e1')).toBe('fd00:9:: lladdr 3e:01:ed:47:de:63 PERMANENT');
    expect(err('ip -6 neigh add fd00:9:: lladdr 3e:01:ed:47:de:63 dev e1')).toBe(
      'RTNETLINK answers: File exists',
    );
    sh('ip -6 neigh del fd00:9:: dev e1');
    expect(sh('ip -6 neigh show dev e1')).toBe('');
  });
});
