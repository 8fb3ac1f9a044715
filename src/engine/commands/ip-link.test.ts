/**
 * `ip link`, `ip netns`, `ip addr`, `ip neigh`, bridges, sysctl and the shell around them.
 * Expected values: iproute2's messages and the kernel's rules (veth_newlink,
 * dev_change_net_namespace, br_stp_recalculate_bridge_id, inet_forward_change).
 */
import { describe, expect, it } from 'vitest';
import { CommandError } from '../kernel/errors';
import { TABLE_READERS } from './show';
import type { TableName } from '../kernel/trace';
import { World } from '../kernel/world';
import type { Vxlan } from '../kernel/devices/vxlan';
import { runCommand } from './index';

function host() {
  const world = new World('ip-link-test');
  const machine = world.addMachine('h');
  const sh = (line: string, ns = 'h'): string =>
    runCommand({ world, machine, ns: world.netns.get(ns)!, origin: 'test' }, line).output;
  /** Every table of every netns, plus sysctls: what a refused command must leave alone. */
  const state = (): string =>
    JSON.stringify(
      [...world.netns.values()].map((ns) => [
        ns.name,
        (Object.keys(TABLE_READERS) as TableName[]).map((t) => TABLE_READERS[t]!(ns).rows),
        ns.sysctl.entries().sort(),
      ]),
    );
  const err = (line: string, ns = 'h'): string => {
    const before = state();
    try {
      sh(line, ns);
    } catch (e) {
      if (!(e instanceof CommandError)) throw e;
      expect(state()).toBe(before);
      return e.message;
    }
    throw new Error(`expected "${line}" to fail`);
  };
  return { world, sh, err };
}

describe('veth', () => {
  it('iflink of each end is the ifindex of the other', () => {
    const { sh } = host();
    sh('ip link add x type veth peer name y');
    expect(sh('cat /sys/class/net/x/iflink')).toBe(sh('cat /sys/class/net/y/ifindex'));
    expect(sh('cat /sys/class/net/y/iflink')).toBe(sh('cat /sys/class/net/x/ifindex'));
  });

  it('the peer is registered first, so it gets the lower ifindex (veth_newlink: "register dev last")', () => {
    const { sh } = host();
    sh('ip link add x type veth peer name y');
    // lo is 1; the peer y is register_netdevice()d before x.
    expect(sh('cat /sys/class/net/y/ifindex')).toBe('2');
    expect(sh('cat /sys/class/net/x/ifindex')).toBe('3');
  });

  it('carrier needs both ends up (veth_open sets carrier on both only when the peer is up)', () => {
    const { sh } = host();
    sh('ip link add x type veth peer name y');
    sh('ip link set x up');
    expect(sh('cat /sys/class/net/x/operstate')).toBe('down');
    expect(sh('ip link show x')).toContain('NO-CARRIER');
    sh('ip link set y up');
    expect(sh('cat /sys/class/net/x/operstate')).toBe('up');
    expect(sh('cat /sys/class/net/x/carrier')).toBe('1');
  });

  it('deleting one end deletes the pair', () => {
    const { sh } = host();
    sh('ip link add x type veth peer name y');
    sh('ip link del x');
    expect(() => sh('ip link show y')).toThrow('Cannot find device "y"');
  });

  it('peer in another netns directly', () => {
    const { sh } = host();
    sh('ip netns add n1');
    sh('ip link add x type veth peer name eth0 netns n1');
    expect(sh('cat /sys/class/net/eth0/iflink', 'n1')).toBe(sh('cat /sys/class/net/x/ifindex'));
    expect(sh('ip link show x')).toContain('link-netns n1');
  });
});

describe('moving a device to another netns (dev_change_net_namespace)', () => {
  it('brings it down and drops its addresses and routes', () => {
    const { sh } = host();
    sh('ip netns add n1');
    sh('ip link add x type veth peer name y');
    sh('ip addr add 10.0.0.1/24 dev x');
    sh('ip link set x up');
    sh('ip link set y up');
    sh('ip link set x netns n1');
    expect(() => sh('ip link show x')).toThrow('Cannot find device "x"');
    expect(sh('ip route')).toBe('');
    expect(sh('ip route show table local')).not.toContain('10.0.0.1');
    expect(sh('cat /sys/class/net/x/operstate', 'n1')).toBe('down');
    expect(sh('ip -br addr show x', 'n1')).toMatch(/^x@if\d+ +DOWN$/);
  });

  it('keeps its ifindex when free in the target netns', () => {
    const { sh } = host();
    sh('ip netns add n1');
    sh('ip link add x type veth peer name y');
    const idx = sh('cat /sys/class/net/x/ifindex');
    sh('ip link set x netns n1');
    expect(sh('cat /sys/class/net/x/ifindex', 'n1')).toBe(idx);
  });

  it('a name clash in the target netns is refused and nothing moves', () => {
    const { sh, err } = host();
    sh('ip netns add n1');
    sh('ip link add x type dummy');
    sh('ip link add x type dummy', 'n1');
    expect(err('ip link set x netns n1')).toBe('RTNETLINK answers: File exists');
  });

  it('an unknown netns is refused', () => {
    const { sh, err } = host();
    sh('ip link add x type dummy');
    expect(err('ip link set x netns nope')).toBe('Error: argument "nope" is wrong: Invalid "netns" value');
  });
});

describe('bridge MAC (br_stp_recalculate_bridge_id)', () => {
  it('a bridge without an explicitly set MAC takes the lowest port MAC, and follows it as ports change', () => {
    const { sh } = host();
    sh('ip link add br0 type bridge');
    sh('ip link add pa type veth peer name pa1');
    sh('ip link add pb type veth peer name pb1');
    sh('ip link set pa address 02:00:00:00:00:bb');
    sh('ip link set pb address 02:00:00:00:00:aa');
    sh('ip link set pa master br0');
    expect(sh('cat /sys/class/net/br0/address')).toBe('02:00:00:00:00:bb');
    sh('ip link set pb master br0');
    expect(sh('cat /sys/class/net/br0/address')).toBe('02:00:00:00:00:aa');
    sh('ip link set pb nomaster');
    expect(sh('cat /sys/class/net/br0/address')).toBe('02:00:00:00:00:bb');
  });

  it('an address set by hand sticks (NET_ADDR_SET)', () => {
    const { sh } = host();
    sh('ip link add br0 address 02:00:00:00:00:ff type bridge');
    sh('ip link add pa type veth peer name pa1');
    sh('ip link set pa address 02:00:00:00:00:01');
    sh('ip link set pa master br0');
    expect(sh('cat /sys/class/net/br0/address')).toBe('02:00:00:00:00:ff');
  });

  it('bridge fdb show lists the ports as permanent local entries', () => {
    const { sh } = host();
    sh('ip link add br0 type bridge');
    sh('ip link add pa type veth peer name pa1');
    sh('ip link set pa address 02:00:00:00:00:01');
    sh('ip link set pa master br0');
    expect(sh('bridge fdb show').split('\n')).toContain('02:00:00:00:00:01 dev pa master br0 permanent');
  });

  it('a bridge cannot be its own port; brctl reports its own messages', () => {
    const { sh, err } = host();
    sh('brctl addbr br0');
    expect(err('ip link set br0 master br0')).toBe('Error: Can not enslave a bridge to itself.');
    expect(err('brctl addif br9 eth0')).toBe("bridge br9 doesn't exist; can't add eth0");
    expect(err('brctl addif br0 nope')).toBe('interface nope does not exist!');
  });
});

describe('ip addr / ip neigh', () => {
  it('adding the same address twice is refused', () => {
    const { sh, err } = host();
    sh('ip link add d type dummy');
    sh('ip addr add 10.0.0.1/24 dev d');
    expect(err('ip addr add 10.0.0.1/24 dev d')).toBe('Error: ipv4: Address already assigned.');
  });

  it('a second address in the same subnet is secondary', () => {
    const { sh } = host();
    sh('ip link add d type dummy');
    sh('ip addr add 10.0.0.1/24 dev d');
    sh('ip addr add 10.0.0.2/24 dev d');
    expect(sh('ip addr show d')).toContain('inet 10.0.0.2/24 brd 10.0.0.255 scope global secondary d');
  });

  it('ip neigh add defaults to PERMANENT; a second add is EEXIST', () => {
    const { sh, err } = host();
    sh('ip link add d type dummy');
    sh('ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev d');
    expect(sh('ip neigh')).toBe('10.0.0.9 dev d lladdr 02:00:00:00:00:09 PERMANENT');
    expect(err('ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:08 dev d')).toBe(
      'RTNETLINK answers: File exists',
    );
    expect(err('ip neigh del 10.0.0.8 dev d')).toBe('RTNETLINK answers: No such file or directory');
  });
});

describe('sysctl', () => {
  it('sysctl -w net.ipv4.ip_forward=1 sets conf.*.forwarding', () => {
    const { sh } = host();
    sh('ip link add d type dummy');
    expect(sh('sysctl -w net.ipv4.ip_forward=1')).toBe('net.ipv4.ip_forward = 1');
    expect(sh('sysctl -n net.ipv4.conf.all.forwarding')).toBe('1');
    expect(sh('sysctl -n net.ipv4.conf.default.forwarding')).toBe('1');
    expect(sh('sysctl -n net.ipv4.conf.d.forwarding')).toBe('1');
    expect(sh('cat /proc/sys/net/ipv4/conf/lo/forwarding')).toBe('1');
  });

  it('echo 1 > /proc/sys/net/ipv4/ip_forward does the same', () => {
    const { sh } = host();
    sh('echo 1 > /proc/sys/net/ipv4/ip_forward');
    expect(sh('sysctl net.ipv4.conf.lo.forwarding')).toBe('net.ipv4.conf.lo.forwarding = 1');
  });

  it('sysctls are per netns', () => {
    const { sh } = host();
    sh('ip netns add n1');
    sh('sysctl -w net.ipv4.ip_forward=1');
    expect(sh('sysctl -n net.ipv4.ip_forward', 'n1')).toBe('0');
  });

  it('an unknown key or a bad value changes nothing, even for the valid keys on the same line', () => {
    const { err } = host();
    expect(err('sysctl -w net.ipv4.ip_forward=1 net.ipv4.nope=1')).toBe(
      'sysctl: cannot stat /proc/sys/net/ipv4/nope: No such file or directory',
    );
    expect(err('sysctl -w net.ipv4.ip_forward=yes')).toBe(
      'sysctl: setting key "net.ipv4.ip_forward": Invalid argument',
    );
  });
});

describe('the shell', () => {
  it('an unknown command -> "sh: foo: command not found" with status 127', () => {
    const { err, world } = host();
    expect(err('foo bar')).toBe('sh: foo: command not found');
    try {
      runCommand({ world, machine: world.machines.get('h')!, ns: world.netns.get('h')!, origin: 't' }, 'foo');
    } catch (e) {
      expect((e as CommandError).status).toBe(127);
    }
  });

  it('empty lines and comments do nothing; sudo and /sbin/ are accepted', () => {
    const { sh } = host();
    expect(sh('   ')).toBe('');
    expect(sh('# ip link add x type dummy')).toBe('');
    sh('sudo /sbin/ip link add x type dummy');
    expect(sh('ip -br link show x')).toContain('x ');
  });

  it('malformed commands get the tool message and change nothing', () => {
    const { sh, err } = host();
    sh('ip link add x type veth peer name y');
    expect(err('ip fizz')).toBe('Object "fizz" is unknown, try "ip help".');
    expect(err('ip link add x type dummy')).toBe('RTNETLINK answers: File exists');
    expect(err('ip link add type dummy')).toBe('Not enough information: "dev" argument is required.');
    expect(err('ip link set x up master nope')).toBe('Cannot find device "nope"');
    expect(err('ip link set x up name waytoolongname0123')).toBe(
      'Error: argument "waytoolongname0123" is wrong: "name" not a valid ifname',
    );
    expect(err('ip addr add 10.0.0.1/24')).toBe('Not enough information: "dev" argument is required.');
    expect(err('ip addr add 300.0.0.1/24 dev x')).toBe(
      'Error: any valid prefix is expected rather than "300.0.0.1/24".',
    );
    expect(err('ip link set lo netns h')).toBe('RTNETLINK answers: Invalid argument');
    expect(err('ip netns exec nope ip link')).toBe(
      'Cannot open network namespace "nope": No such file or directory',
    );
    expect(err('ip netns del nope')).toBe(
      'Cannot remove namespace file "/var/run/netns/nope": No such file or directory',
    );
    expect(err('ip neigh add 10.0.0.1 lladdr zz:00 dev x')).toBe('"zz:00" is invalid lladdr.');
    expect(err('ping')).toBe('ping: usage error: Destination address required');
    expect(err('cat /sys/class/net/nope/ifindex')).toBe(
      'cat: /sys/class/net/nope/ifindex: No such file or directory',
    );
    expect(err('ls | grep x')).toMatch(/^sh: /);
  });

  it('ip netns add twice is refused', () => {
    const { sh, err } = host();
    sh('ip netns add n1');
    expect(err('ip netns add n1')).toBe('Cannot create namespace file "/var/run/netns/n1": File exists');
  });
});

describe('vxlan options', () => {
  // iproute2 `[no]udpcsum`; a new device computes the outer UDP checksum (the lab's `ip -d link show`
  // prints `udpcsum` for a device created without either word).
  const udpCsum = (options: string): boolean => {
    const { world, sh } = host();
    sh(`ip link add vx0 type vxlan id 1 dstport 4789 ${options}`);
    const dev = world.netns.get('h')!.devices.get('vx0') as Vxlan;
    return dev.params.udpCsum;
  };
  it('udpcsum is on by default, off with noudpcsum', () => {
    expect(udpCsum('')).toBe(true);
    expect(udpCsum('noudpcsum')).toBe(false);
    expect(udpCsum('noudpcsum udpcsum')).toBe(true);
  });
});
