/**
 * `ip link add ... type macvlan`: the options, the kernel's refusals and the listings, as
 * iproute2 6.x prints them over kernel 6.18 (measured in namespaces, same commands).
 */
import { describe, expect, it } from 'vitest';
import { CommandError } from '../kernel/errors';
import { World } from '../kernel/world';
import { runCommand } from './index';

function host() {
  const world = new World('macvlan-test');
  const machine = world.addMachine('h');
  const sh = (line: string, ns = 'h'): string =>
    runCommand({ world, machine, ns: world.netns.get(ns)!, origin: 'test' }, line).output;
  const err = (line: string, ns = 'h'): string => {
    try {
      sh(line, ns);
    } catch (e) {
      if (!(e instanceof CommandError)) throw e;
      return e.message;
    }
    throw new Error(`expected "${line}" to fail`);
  };
  sh('ip link add v0 type veth peer name v1');
  return { sh, err };
}

describe('ip link add type macvlan', () => {
  it('defaults to VEPA mode and prints the mode under -d', () => {
    const { sh } = host();
    sh('ip link add link v0 name mv0 address 02:00:00:00:01:01 type macvlan');
    expect(sh('ip -d link show mv0').split('\n')).toEqual([
      '4: mv0@v0: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000',
      '    link/ether 02:00:00:00:01:01 brd ff:ff:ff:ff:ff:ff',
      '    macvlan mode vepa bcqueuelen 1000 usedbcqueuelen 1000',
    ]);
  });

  it('refuses a bad mode, an unknown option, a missing or loopback lower', () => {
    const { err } = host();
    expect(err('ip link add link v0 name mv0 type macvlan mode foo')).toBe(
      'Error: argument of "mode" must be "private", "vepa", "bridge", "passthru" or "source", not "foo"',
    );
    expect(err('ip link add link v0 name mv3 type macvlan mode bridge bogus')).toMatch(
      /^macvlan: unknown option "bogus"\?\nUsage: \.\.\. macvlan mode MODE/,
    );
    expect(err('ip link add name mv0 type macvlan')).toBe('RTNETLINK answers: Invalid argument');
    expect(err('ip link add link lo name mv0 type macvlan')).toBe('RTNETLINK answers: Invalid argument');
  });

  it('a macvlan of a macvlan sits on the same lower', () => {
    const { sh } = host();
    sh('ip link add link v0 name mv0 type macvlan mode bridge');
    sh('ip link add link mv0 name mv4 type macvlan mode bridge');
    expect(sh('ip link show mv4')).toMatch(/^5: mv4@v0: /);
  });

  it('passthru takes the lower alone and its MAC', () => {
    const { sh, err } = host();
    sh('ip link add link v0 name mv0 type macvlan');
    expect(err('ip link add link v0 name mv1 type macvlan mode passthru')).toBe(
      'RTNETLINK answers: Invalid argument',
    );
    sh('ip link add v2 type veth peer name v3');
    sh('ip link add link v2 name mp type macvlan mode passthru');
    const mac = (dev: string): string => /link\/ether (\S+)/.exec(sh(`ip link show ${dev}`))![1]!;
    expect(mac('mp')).toBe(mac('v2'));
    expect(err('ip link add link v2 name mp2 type macvlan mode passthru')).toBe(
      'RTNETLINK answers: Invalid argument',
    );
    expect(err('ip link add link v2 name mp3 type macvlan mode bridge')).toBe(
      'RTNETLINK answers: Invalid argument',
    );
  });

  it('a lower and a bridge port exclude each other (one rx_handler)', () => {
    const { sh, err } = host();
    sh('ip link add link v0 name mv0 type macvlan mode bridge');
    sh('ip link add br0 type bridge');
    expect(err('ip link set v0 master br0')).toBe('RTNETLINK answers: Device or resource busy');
    sh('ip link set v1 master br0');
    expect(err('ip link add link v1 name mv5 type macvlan mode bridge')).toBe(
      'RTNETLINK answers: Device or resource busy',
    );
  });

  it('refuses to come up with the lower MAC', () => {
    const { sh, err } = host();
    const lowerMac = /link\/ether (\S+)/.exec(sh('ip link show v0'))![1]!;
    sh(`ip link add link v0 name mv6 address ${lowerMac} type macvlan mode bridge`);
    expect(err('ip link set mv6 up')).toBe('RTNETLINK answers: Address already in use');
  });

  it('carrier and MTU follow the lower; another namespace sees the lower by index', () => {
    const { sh, err } = host();
    sh('ip netns add u');
    sh('ip link add link v0 name mv0 type macvlan mode bridge');
    sh('ip link add link v0 name mv1 type macvlan mode bridge');
    sh('ip link set mv1 netns u');
    sh('ip link set mv0 up');
    expect(sh('ip link show mv0')).toMatch(
      /^4: mv0@v0: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 1500 qdisc noqueue state LOWERLAYERDOWN /,
    );
    sh('ip link set mv1 up', 'u');
    expect(sh('ip link show mv1', 'u')).toMatch(
      /^\d+: mv1@if3: <NO-CARRIER,BROADCAST,MULTICAST,UP> .* state LOWERLAYERDOWN .*\n {4}link\/ether \S+ brd ff:ff:ff:ff:ff:ff link-netns h$/,
    );
    sh('ip link set v0 up');
    sh('ip link set v1 up');
    expect(sh('ip link show mv0')).toMatch(/<BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 .* state UP /);
    expect(err('ip link add link v0 name mv2 mtu 1600 type macvlan')).toBe(
      'RTNETLINK answers: Invalid argument',
    );
    sh('ip link add link v0 name mv2 mtu 1400 type macvlan');
    sh('ip link set v0 mtu 1450');
    expect(sh('ip link show mv0')).toMatch(/ mtu 1450 /);
    expect(sh('ip link show mv2')).toMatch(/ mtu 1400 /);
    expect(err('ip link set mv0 mtu 1500')).toBe('RTNETLINK answers: Invalid argument');
    sh('ip link del v0');
    expect(sh('ip link show')).not.toMatch(/mv/);
    expect(sh('ip link show', 'u')).not.toMatch(/mv/);
  });
});
