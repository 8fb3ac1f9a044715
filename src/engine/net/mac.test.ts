import { describe, it, expect } from 'vitest';
import { BROADCAST_MAC, ZERO_MAC, isBroadcastMac, isMulticastMac, macFromSeed, normalizeMac } from './mac';

describe('mac', () => {
  it('normalizes case and rejects malformed addresses', () => {
    expect(normalizeMac('02:42:AC:11:00:02')).toBe('02:42:ac:11:00:02');
    expect(normalizeMac('02:42:ac:11:00')).toBeNull(); // 5 octets
    expect(normalizeMac('02:42:ac:11:00:02:03')).toBeNull();
    expect(normalizeMac('02-42-ac-11-00-02')).toBeNull();
    expect(normalizeMac('2:42:ac:11:0:2')).toBeNull();
    expect(normalizeMac('02:42:ac:11:00:0g')).toBeNull();
  });
  it('knows broadcast and the I/G bit', () => {
    expect(BROADCAST_MAC).toBe('ff:ff:ff:ff:ff:ff');
    expect(ZERO_MAC).toBe('00:00:00:00:00:00');
    expect(isBroadcastMac('FF:FF:FF:FF:FF:FF')).toBe(true);
    expect(isMulticastMac('01:00:5e:00:00:01')).toBe(true); // IPv4 multicast MAC
    expect(isMulticastMac('33:33:00:00:00:01')).toBe(true); // IPv6 multicast MAC
    expect(isMulticastMac(BROADCAST_MAC)).toBe(true);
    expect(isMulticastMac('02:42:ac:11:00:02')).toBe(false);
  });
  it('derives deterministic locally administered unicast MACs from a seed', () => {
    const seeds = ['node1/eth0', 'node2/eth0', 'node1/veth0', '', 'x'];
    const macs = seeds.map(macFromSeed);
    expect(seeds.map(macFromSeed)).toEqual(macs);
    expect(new Set(macs).size).toBe(seeds.length);
    for (const m of macs) {
      expect(normalizeMac(m)).toBe(m);
      const first = parseInt(m.slice(0, 2), 16);
      expect(first & 0x02).toBe(0x02); // U/L bit: locally administered
      expect(first & 0x01).toBe(0); // I/G bit: unicast
    }
  });
});
