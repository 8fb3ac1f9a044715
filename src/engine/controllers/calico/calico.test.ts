/** Calico controller units: IPAM allocation, veth naming, CrossSubnet route choice, BGP session counts. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseCidr } from '../../net/ipv4';
import { bgpSessions, useTunnel, type BgpNodeInfo } from './bird';
import { assign, checkBlock, freeBlock, IpamError, parsePool, type Block } from './ipam';
import { caliName, policyChain, selectorIpset } from './names';
import { parseSelector } from './selector';
import { sha1Hex } from './sha1';

const c = (s: string) => {
  const x = parseCidr(s)!;
  return { addr: x.addr >>> 0, len: x.len };
};
const ip = (s: string) => c(`${s}/32`).addr;

describe('IPAM', () => {
  const pool = parsePool('default-ipv4-ippool', '{"cidr": "10.244.0.0/16"}');

  it('defaults: /26 blocks, IPIP never', () => {
    expect(pool.blockSize).toBe(26);
    expect(pool.ipipMode).toBe('Never');
    expect(() => parsePool('p', '{"cidr": "10.244.0.0/16", "ipipMode": "Sometimes"}')).toThrow(IpamError);
  });

  it('claims the first block no node holds', () => {
    expect(freeBlock(pool, [])).toEqual(c('10.244.0.0/26'));
    expect(freeBlock(pool, [c('10.244.0.0/26'), c('10.244.0.128/26')])).toEqual(c('10.244.0.64/26'));
    const tiny = parsePool('t', '{"cidr": "10.0.0.0/25", "blockSize": 26}');
    expect(() => freeBlock(tiny, [c('10.0.0.0/26'), c('10.0.0.64/26')])).toThrow(/no free block/);
  });

  it('accepts only aligned blocks of the pool', () => {
    expect(() => checkBlock(pool, c('10.244.2.64/26'))).not.toThrow();
    expect(() => checkBlock(pool, c('10.244.2.65/26'))).toThrow(IpamError);
    expect(() => checkBlock(pool, c('10.245.0.0/26'))).toThrow(IpamError);
    expect(() => checkBlock(pool, c('10.244.2.0/24'))).toThrow(IpamError);
  });

  it('hands out the lowest free ordinal, or the address asked for, never twice', () => {
    const b: Block = { cidr: c('10.244.1.0/26'), affinity: 'host:node1', allocations: new Map() };
    expect(assign(b, 'ipip-tunnel-addr-node1')).toBe(ip('10.244.1.0'));
    expect(assign(b, 'default.pod-a', ip('10.244.1.2'))).toBe(ip('10.244.1.2'));
    expect(assign(b, 'default.pod-x')).toBe(ip('10.244.1.1'));
    expect(assign(b, 'default.pod-y')).toBe(ip('10.244.1.3'));
    expect(() => assign(b, 'default.pod-z', ip('10.244.1.2'))).toThrow(/already assigned to default.pod-a/);
    expect(() => assign(b, 'default.pod-z', ip('10.244.1.64'))).toThrow(/not in the block/);
    for (let i = 0; i < 60; i++) assign(b, `p${i}`);
    expect(() => assign(b, 'one-too-many')).toThrow(/full/);
  });
});

describe('names', () => {
  it('SHA-1 matches node:crypto', () => {
    for (const s of ['', 'abc', 'default.pod-a', 'é€😀', 'x'.repeat(1000)])
      expect(sha1Hex(s)).toBe(createHash('sha1').update(s).digest('hex'));
  });

  it('the host veth is cali + the first 11 hex digits of SHA-1("<namespace>.<pod>")', () => {
    expect(caliName('pod-a')).toBe('cali5e1c4d6c68c');
    expect(caliName('pod-a', 'kube-system')).toBe(
      `cali${createHash('sha1').update('kube-system.pod-a').digest('hex').slice(0, 11)}`,
    );
    expect(caliName('a-very-long-pod-name-indeed-0123456789')).toHaveLength(15);
  });

  it('ipset and chain names fit ipset (31) and iptables (28) limits', () => {
    expect(selectorIpset("app == 'client'")).toMatch(/^cali40s:[A-Za-z0-9_-]{22}$/);
    expect(selectorIpset("app == 'client'")).not.toBe(selectorIpset("app == 'web'"));
    expect(policyChain('allow-client')).toBe('cali-pi-_allow-client');
    expect(policyChain('allow-the-frontend-to-talk-to-redis').length).toBeLessThanOrEqual(28);
  });
});

describe('selectors', () => {
  it('match labels as Calico does', () => {
    const l = { app: 'web', tier: 'front' };
    expect(parseSelector('all()')(l)).toBe(true);
    expect(parseSelector("app == 'web'")(l)).toBe(true);
    expect(parseSelector('app == "client"')(l)).toBe(false);
    expect(parseSelector("app != 'client' && has(tier)")(l)).toBe(true);
    expect(parseSelector('!has(tier)')(l)).toBe(false);
    expect(parseSelector("app in {'db', 'web'}")(l)).toBe(true);
    expect(() => parseSelector('app ~= web')).toThrow(/unsupported/);
  });
});

describe('CrossSubnet', () => {
  const self = c('192.168.1.11/24');
  it('tunnels only to next hops outside the node subnet; Always always; Never never', () => {
    expect(useTunnel('CrossSubnet', self, ip('192.168.1.13'))).toBe(false);
    expect(useTunnel('CrossSubnet', self, ip('192.168.2.12'))).toBe(true);
    expect(useTunnel('Always', self, ip('192.168.1.13'))).toBe(true);
    expect(useTunnel('Never', self, ip('192.168.2.12'))).toBe(false);
  });
});

describe('BGP sessions', () => {
  const nodes = (n: number, rr: number[] = []): BgpNodeInfo[] =>
    Array.from({ length: n }, (_, i) => ({
      name: `node${i + 1}`,
      labels: (rr.includes(i + 1) ? { 'route-reflector': 'true' } : {}) as Record<string, string>,
      routeReflector: rr.includes(i + 1),
    }));
  const toRR = [{ name: 'peer-with-rr', nodeSelector: 'all()', peerSelector: "route-reflector == 'true'" }];

  it('a full mesh of n nodes has n(n-1)/2 sessions', () => {
    for (const n of [2, 4, 10, 100]) expect(bgpSessions(nodes(n), true, [])).toHaveLength((n * (n - 1)) / 2);
  });

  it('with one route reflector and the mesh off, n-1 sessions, all with the reflector', () => {
    for (const n of [4, 10, 100]) {
      const s = bgpSessions(nodes(n, [1]), false, toRR);
      expect(s).toHaveLength(n - 1);
      expect(s.every(([a, b]) => a === 'node1' || b === 'node1')).toBe(true);
    }
  });

  it('two reflectors peer with each other and with every client', () => {
    // 8 clients x 2 reflectors + the session between the reflectors.
    expect(bgpSessions(nodes(10, [1, 2]), false, toRR)).toHaveLength(8 * 2 + 1);
  });
});
