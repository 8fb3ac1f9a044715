/** The bridge FDB: br_fdb_update learning, ageing (300 s default), local entries. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_AGEING_US, Fdb } from './fdb';
import { Dummy } from './devices/dummy';
import { World } from './world';

function ports() {
  const world = new World('fdb-test');
  const ns = world.addMachine('h').root;
  const br = new Dummy(ns, 'br0', 10, '02:00:00:00:00:10', 1500);
  const p1 = new Dummy(ns, 'p1', 11, '02:00:00:00:00:11', 1500);
  const p2 = new Dummy(ns, 'p2', 12, '02:00:00:00:00:12', 1500);
  return { br, p1, p2, fdb: new Fdb(br) };
}

describe('Fdb', () => {
  it('ageing_time defaults to 300 s (BR_DEFAULT_AGEING_TIME)', () => {
    expect(DEFAULT_AGEING_US).toBe(300_000_000);
  });

  it('learns a source on a port, refreshes it, and moves it when it shows up elsewhere', () => {
    const { fdb, p1, p2 } = ports();
    expect(fdb.learn('aa:00:00:00:00:01', p1, 0, 'learned')).toBe(true);
    expect(fdb.learn('aa:00:00:00:00:01', p1, 10, 'learned')).toBe(false);
    expect(fdb.lookup('aa:00:00:00:00:01', 10)!.port).toBe(p1);
    expect(fdb.learn('aa:00:00:00:00:01', p2, 20, 'learned')).toBe(true);
    expect(fdb.lookup('aa:00:00:00:00:01', 20)!.port).toBe(p2);
  });

  it('a learned entry expires after ageing_time without traffic; a refresh restarts the clock', () => {
    const { fdb, p1 } = ports();
    fdb.learn('aa:00:00:00:00:01', p1, 0, 'learned');
    fdb.learn('aa:00:00:00:00:01', p1, 200_000_000, 'learned');
    expect(fdb.lookup('aa:00:00:00:00:01', 450_000_000)).toBeDefined();
    expect(fdb.lookup('aa:00:00:00:00:01', 501_000_000)).toBeUndefined();
    expect(fdb.list(501_000_000)).toHaveLength(0);
  });

  it('local entries (the ports and the bridge itself) never age and are never overwritten by learning', () => {
    const { fdb, br, p1, p2 } = ports();
    fdb.syncLocal([p1, p2]);
    const macs = fdb.list(0).map((e) => `${e.mac} ${e.port.name} ${e.local}`);
    expect(macs.sort()).toEqual([`${p1.mac} p1 true`, `${p2.mac} p2 true`, `${br.mac} br0 true`].sort());
    // br_fdb_update: "received packet with own address as source address" -> no update.
    expect(fdb.learn(p1.mac, p2, 5, 'learned')).toBe(false);
    expect(fdb.lookup(p1.mac, 10 * DEFAULT_AGEING_US)!.port).toBe(p1);
  });

  it('a port going down forgets what was learned on it but keeps static and local entries', () => {
    const { fdb, p1 } = ports();
    fdb.syncLocal([p1]);
    fdb.learn('aa:00:00:00:00:01', p1, 0, 'learned');
    fdb.set({ mac: 'aa:00:00:00:00:02', port: p1, local: false, isStatic: true, updated: 0, origin: 't' });
    fdb.flushPort(p1);
    expect(fdb.lookup('aa:00:00:00:00:01', 0)).toBeUndefined();
    expect(fdb.lookup('aa:00:00:00:00:02', 0)).toBeDefined();
    expect(fdb.lookup(p1.mac, 0)).toBeDefined();
    // Leaving the bridge drops everything that pointed at it.
    fdb.flushPort(p1, true);
    expect(fdb.lookup('aa:00:00:00:00:02', 0)).toBeUndefined();
  });

  it('formats rows as `bridge fdb show`', () => {
    const { p1 } = ports();
    expect(
      Fdb.format(
        { mac: 'aa:00:00:00:00:01', port: p1, local: false, isStatic: false, updated: 0, origin: '' },
        'br0',
      ),
    ).toBe('aa:00:00:00:00:01 dev p1 master br0');
    expect(
      Fdb.format(
        { mac: 'aa:00:00:00:00:01', port: p1, local: true, isStatic: true, updated: 0, origin: '' },
        'br0',
      ),
    ).toBe('aa:00:00:00:00:01 dev p1 master br0 permanent');
  });
});
