/** ipset v7.17: the commands, their messages (checked against the real ipset) and ipsetHas. */
import { describe, expect, it } from 'vitest';
import { CommandError } from '../kernel/errors';
import { World } from '../kernel/world';
import { runCommand } from './index';
import { ipsetHas } from '../kernel/netfilter/ipset';

function host() {
  const world = new World('ipset-test');
  const machine = world.addMachine('h');
  const ns = machine.root;
  const sh = (line: string): string => runCommand({ world, machine, ns, origin: 'test' }, line).output;
  const err = (line: string): [string, number] => {
    const before = sh('ipset list');
    try {
      sh(line);
    } catch (e) {
      if (!(e instanceof CommandError)) throw e;
      expect(sh('ipset list')).toBe(before);
      return [e.message, e.status];
    }
    throw new Error(`expected "${line}" to fail`);
  };
  return { ns, sh, err };
}

describe('ipset', () => {
  it('creates, adds, deletes, tests and lists (the real list layout)', () => {
    const { sh } = host();
    sh('ipset create web hash:ip');
    sh('ipset add web 10.0.0.1');
    sh('ipset add web 10.0.0.2');
    sh('ipset del web 10.0.0.2');
    sh('ipset add web 10.0.0.0');
    expect(sh('ipset test web 10.0.0.1')).toBe('Warning: 10.0.0.1 is in set web.');
    const list = sh('ipset list web').split('\n');
    expect(list[0]).toBe('Name: web');
    expect(list[1]).toBe('Type: hash:ip');
    expect(list[2]).toBe('Revision: 6');
    expect(list[3]).toMatch(
      /^Header: family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x[0-9a-f]{8}$/,
    );
    expect(list[4]).toBe('Size in memory: 296');
    expect(list.slice(5)).toEqual([
      'References: 0',
      'Number of entries: 2',
      'Members:',
      '10.0.0.1',
      '10.0.0.0',
    ]);
  });

  it('hash:net with comments, hash:ip,port, bitmap:port', () => {
    const { sh } = host();
    sh('ipset create nets hash:net family inet hashsize 1024 maxelem 65536 comment');
    sh('ipset add nets 10.1.2.3/8 comment "ten net"');
    sh('ipset add nets 192.168.1.5');
    expect(sh('ipset list nets').split('\n').slice(3, 4)[0]).toMatch(
      /^Header: family inet hashsize 1024 maxelem 65536 comment bucketsize 12/,
    );
    expect(sh('ipset list nets').split('\n').slice(-2)).toEqual([
      '10.0.0.0/8 comment "ten net"',
      '192.168.1.5',
    ]);
    expect(sh('ipset test nets 10.2.3.4')).toBe('Warning: 10.2.3.4 is in set nets.');
    sh('ipset create ipp hash:ip,port timeout 300');
    sh('ipset add ipp 10.0.0.1,80');
    sh('ipset add ipp 10.0.0.1,udp:53');
    expect(sh('ipset list ipp').split('\n').slice(-2)).toEqual([
      '10.0.0.1,tcp:80 timeout 300',
      '10.0.0.1,udp:53 timeout 300',
    ]);
    sh('ipset create ports bitmap:port range 1-1024');
    sh('ipset add ports 80');
    expect(sh('ipset list ports').split('\n')).toEqual([
      'Name: ports',
      'Type: bitmap:port',
      'Revision: 3',
      'Header: range 1-1024',
      'Size in memory: 328',
      'References: 0',
      'Number of entries: 1',
      'Members:',
      '80',
    ]);
    expect(sh('ipset list -n')).toBe('nets\nipp\nports');
  });

  it('refuses like ipset v7.17 and changes nothing', () => {
    const { sh, err } = host();
    sh('ipset create web hash:ip');
    sh('ipset add web 10.0.0.1');
    sh('ipset create ports bitmap:port range 1-1024');
    expect(err('ipset create web hash:ip')).toEqual([
      'ipset v7.17: Set cannot be created: set with the same name already exists',
      1,
    ]);
    expect(err('ipset create bad hash:foo')).toEqual([
      "ipset v7.17: Syntax error: typename 'hash:foo' is unknown",
      1,
    ]);
    expect(err('ipset create p2 bitmap:port')).toEqual([
      "ipset v7.17: Mandatory option `range' is missing\nTry `ipset help' for more information.",
      2,
    ]);
    expect(err('ipset add web 10.0.0.1')).toEqual([
      "ipset v7.17: Element cannot be added to the set: it's already added",
      1,
    ]);
    expect(err('ipset add web foo')).toEqual([
      'ipset v7.17: Syntax error: cannot parse foo: resolving to IPv4 address failed',
      1,
    ]);
    expect(err('ipset add nope 1.1.1.1')).toEqual([
      'ipset v7.17: The set with the given name does not exist',
      1,
    ]);
    expect(err('ipset add ports 2000')).toEqual(['ipset v7.17: Element is out of the range of the set', 1]);
    expect(err('ipset del web 10.0.0.9')).toEqual([
      "ipset v7.17: Element cannot be deleted from the set: it's not added",
      1,
    ]);
    expect(err('ipset test web 10.0.0.9')).toEqual(['10.0.0.9 is NOT in set web.', 1]);
    expect(err('ipset list nope')).toEqual(['ipset v7.17: The set with the given name does not exist', 1]);
    expect(err('ipset')).toEqual([
      "ipset v7.17: No command specified.\nTry `ipset help' for more information.",
      2,
    ]);
    expect(err('ipset foo')).toEqual([
      "ipset v7.17: No command specified: unknown argument foo\nTry `ipset help' for more information.",
      2,
    ]);
    sh('iptables -A INPUT -m set --match-set web src -j ACCEPT');
    expect(sh('ipset list web').split('\n')[5]).toBe('References: 1');
    expect(err('ipset destroy web')).toEqual([
      'ipset v7.17: Set cannot be destroyed: it is in use by a kernel component',
      1,
    ]);
    sh('ipset flush web');
    sh('ipset destroy ports');
    expect(sh('ipset list -n')).toBe('web');
  });

  it('ipsetHas: -m set lookups by fields or by layers, src/dst per dimension', () => {
    const { sh, ns } = host();
    sh('ipset create web hash:ip');
    sh('ipset add web 10.0.0.1');
    sh('ipset create nets hash:net');
    sh('ipset add nets 10.244.0.0/16');
    sh('ipset create svc hash:ip,port');
    sh('ipset add svc 10.96.0.10,tcp:80');
    sh('ipset create loop hash:ip,port,ip');
    sh('ipset add loop 10.244.1.5,tcp:8080,10.244.1.5');
    const f = { src: '10.0.0.1', dst: '10.96.0.10', proto: 'tcp', sport: 40000, dport: 80 };
    expect(ipsetHas(ns, 'web', f, ['src'])).toBe(true);
    expect(ipsetHas(ns, 'web', f, ['dst'])).toBe(false);
    expect(ipsetHas(ns, 'svc', f, ['dst', 'dst'])).toBe(true);
    expect(ipsetHas(ns, 'svc', { ...f, proto: 17 }, ['dst', 'dst'])).toBe(false);
    expect(ipsetHas(ns, 'nets', { ...f, src: '10.244.3.4' }, ['src'])).toBe(true);
    expect(ipsetHas(ns, 'nope', f, ['src'])).toBe(false);
    const layers = [
      { proto: 'ipv4', src: '10.244.1.5', dst: '10.244.1.5', ttl: 64, protocol: 6, id: 1 },
      { proto: 'tcp', sport: 5000, dport: 8080, flags: 'S', seq: 0, ack: 0, window: 0 },
    ] as never;
    expect(ipsetHas(ns, 'loop', layers, ['dst', 'dst', 'src'])).toBe(true);
    expect(ipsetHas(ns, 'loop', layers, ['dst', 'src', 'src'])).toBe(false);
  });
});
