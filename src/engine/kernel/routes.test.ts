/**
 * The FIB: expected values from the kernel's fib_lookup / fib_add_ifaddr / fib_sync_down_dev
 * and from what iproute2 prints, not from the engine's own output.
 */
import { describe, expect, it } from 'vitest';
import { runCommand } from '../commands';
import { parseIp } from '../net/ipv4';
import { Dummy } from './devices/dummy';
import { formatRoute, RouteTables, TABLE_LOCAL, TABLE_MAIN, type Route } from './routes';
import { World } from './world';

const ip = (s: string): number => parseIp(s)!;

function host() {
  const world = new World('routes-test');
  const machine = world.addMachine('h');
  const ns = machine.root;
  const sh = (line: string): string => runCommand({ world, machine, ns, origin: 'test' }, line).output;
  return { world, ns, sh };
}

function rt(p: Omit<Partial<Route>, 'dst'> & { dst: string; len: number }): Route {
  return {
    table: TABLE_MAIN,
    type: 'unicast',
    onlink: false,
    metric: 0,
    scope: 'global',
    proto: 'boot',
    origin: 'test',
    ...p,
    dst: ip(p.dst),
  };
}

describe('RouteTables.lookup (fib_lookup)', () => {
  const { ns } = host();
  const dev = new Dummy(ns, 'd0', 9, '02:00:00:00:00:09', 1500);
  dev.adminUp = true;

  it('longest prefix wins even against a lower metric', () => {
    const t = new RouteTables();
    t.add({ ...rt({ dst: '10.0.0.0', len: 8, metric: 0 }), dev });
    t.add({ ...rt({ dst: '10.1.0.0', len: 16, metric: 500 }), dev });
    expect(t.lookup(ip('10.1.2.3'))!.len).toBe(16);
    expect(t.lookup(ip('10.2.2.3'))!.len).toBe(8);
  });

  it('equal prefix: the lower metric wins (fib_table_lookup walks aliases by priority)', () => {
    const t = new RouteTables();
    t.add({ ...rt({ dst: '10.1.0.0', len: 16, metric: 200 }), dev, gateway: ip('192.168.0.2') });
    t.add({ ...rt({ dst: '10.1.0.0', len: 16, metric: 100 }), dev, gateway: ip('192.168.0.1') });
    expect(t.lookup(ip('10.1.9.9'))!.gateway).toBe(ip('192.168.0.1'));
  });

  it('the local table is consulted before main (rule 0: from all lookup local)', () => {
    const t = new RouteTables();
    t.add({ ...rt({ dst: '10.0.0.1', len: 32 }), dev });
    t.add({ ...rt({ dst: '10.0.0.1', len: 32 }), table: TABLE_LOCAL, type: 'local', scope: 'host', dev });
    expect(t.lookup(ip('10.0.0.1'))!.type).toBe('local');
    // Even a /0 in local beats a /32 in main: tables are tried in rule order, LPM only within one.
    const u = new RouteTables();
    u.add({ ...rt({ dst: '10.0.0.1', len: 32 }), dev });
    u.add({ ...rt({ dst: '0.0.0.0', len: 0 }), table: TABLE_LOCAL, type: 'local', scope: 'host', dev });
    expect(u.lookup(ip('10.0.0.1'))!.table).toBe(TABLE_LOCAL);
  });

  it('default route matches anything; nothing matches in an empty table', () => {
    const t = new RouteTables();
    expect(t.lookup(ip('8.8.8.8'))).toBeUndefined();
    t.add({ ...rt({ dst: '0.0.0.0', len: 0 }), dev, gateway: ip('10.0.0.1') });
    expect(t.lookup(ip('8.8.8.8'))!.len).toBe(0);
  });

  it('formats rows as `ip route` does', () => {
    expect(formatRoute({ ...rt({ dst: '0.0.0.0', len: 0 }), dev, gateway: ip('10.0.0.1') })).toBe(
      'default via 10.0.0.1 dev d0',
    );
    expect(formatRoute({ ...rt({ dst: '10.9.0.0', len: 16, metric: 100 }), type: 'blackhole' })).toBe(
      'blackhole 10.9.0.0/16 metric 100',
    );
  });
});

describe('kernel routes from addresses (fib_add_ifaddr)', () => {
  it('ip addr add on an up device creates the prefix route and the local route', () => {
    const { sh } = host();
    sh('ip link add X type dummy');
    sh('ip link set X up');
    sh('ip addr add 10.0.0.1/24 dev X');
    expect(sh('ip route')).toBe('10.0.0.0/24 dev X proto kernel scope link src 10.0.0.1');
    const local = sh('ip route show table local').split('\n');
    expect(local).toContain('local 10.0.0.1 dev X proto kernel scope host src 10.0.0.1');
    expect(local).toContain('broadcast 10.0.0.255 dev X proto kernel scope link src 10.0.0.1');
  });

  it('on a down device only the local route exists; link up adds the prefix route', () => {
    const { sh } = host();
    sh('ip link add X type dummy');
    sh('ip addr add 10.0.0.1/24 dev X');
    expect(sh('ip route')).toBe('');
    expect(sh('ip route show table local')).toContain('local 10.0.0.1 dev X proto kernel scope host');
    sh('ip link set X up');
    expect(sh('ip route')).toBe('10.0.0.0/24 dev X proto kernel scope link src 10.0.0.1');
  });

  it('a /32 gets no prefix route and no broadcast route', () => {
    const { sh } = host();
    sh('ip link add X type dummy');
    sh('ip link set X up');
    sh('ip addr add 10.0.0.1/32 dev X');
    expect(sh('ip route')).toBe('');
    expect(sh('ip route show table local')).not.toContain('broadcast');
  });

  it('link down flushes every route through the device, static ones included (fib_sync_down_dev)', () => {
    const { sh } = host();
    sh('ip link add X type dummy');
    sh('ip link set X up');
    sh('ip addr add 10.0.0.1/24 dev X');
    sh('ip route add 10.9.0.0/16 via 10.0.0.254');
    sh('ip route add 10.8.0.0/16 dev X');
    expect(sh('ip route').split('\n')).toHaveLength(3);
    sh('ip link set X down');
    expect(sh('ip route')).toBe('');
    expect(sh('ip route show table local')).not.toContain(' dev X ');
    // Up again: only the kernel's own routes come back, static ones are gone for good.
    sh('ip link set X up');
    expect(sh('ip route')).toBe('10.0.0.0/24 dev X proto kernel scope link src 10.0.0.1');
  });

  it('ip addr del removes the routes the address created', () => {
    const { sh } = host();
    sh('ip link add X type dummy');
    sh('ip link set X up');
    sh('ip addr add 10.0.0.1/24 dev X');
    sh('ip addr del 10.0.0.1/24 dev X');
    expect(sh('ip route')).toBe('');
    expect(sh('ip route show table local')).not.toContain('10.0.0.');
  });
});
