/**
 * The multipath hash against SipHash's reference vector and against `ip route get` on the
 * lab's kernel (6.18, net.ipv4.fib_multipath_hash_policy 0): a namespace with
 * `ip route add 10.9.0.0/16 nexthop via 10.1.0.2 dev v1 weight 1 nexthop via 10.2.0.2 dev v2
 * weight 2` (seed 1) and `ip route add 10.8.0.0/16 nexthop via 10.1.0.2 nexthop via 10.2.0.2
 * dev v2` (seed 305419896), one `ip route get` per address.
 */
import { describe, expect, it } from 'vitest';
import { parseIp } from '../net/ipv4';
import { multipathHashV4, siphash, upperBounds } from './multipath-hash';

const pick = (src: string, dst: string, seed: number, weights: number[]): number => {
  const h = multipathHashV4(parseIp(src)!, parseIp(dst)!, seed);
  return upperBounds(weights).findIndex((b) => h <= b) + 1;
};

describe('fib_multipath_hash (policy 0)', () => {
  it('is SipHash-2-4 (reference vector: key 00..0f, message 00..0e)', () => {
    const k0 = 0x0706050403020100n;
    const k1 = 0x0f0e0d0c0b0a0908n;
    const msg = Uint8Array.from({ length: 15 }, (_, i) => i);
    expect(siphash(msg, k0, k1).toString(16)).toBe('a129ca6149be45e5');
  });

  it('splits the 31-bit hash space by weight as fib_rebalance does', () => {
    expect(upperBounds([1, 1])).toEqual([0x3fffffff, 0x7fffffff]);
    expect(upperBounds([1, 2])).toEqual([715827882, 0x7fffffff]);
  });

  it('picks the next hop the kernel picked for 10.9.0.1-16 (weights 1 and 2, seed 1)', () => {
    // Kernel: v1 for .6 and .9, v2 for every other one.
    const got = Array.from({ length: 16 }, (_, i) => pick('0.0.0.0', `10.9.0.${i + 1}`, 1, [1, 2]));
    expect(got).toEqual([2, 2, 2, 2, 2, 1, 2, 2, 1, 2, 2, 2, 2, 2, 2, 2]);
  });

  it('picks the next hop the kernel picked for 10.8.N.7 (equal weights, seed 305419896)', () => {
    const kernel = '1122112111121211122211212121222222222112';
    const got = Array.from({ length: 40 }, (_, i) => pick('0.0.0.0', `10.8.${i + 1}.7`, 305419896, [1, 1]));
    expect(got.join('')).toBe(kernel);
  });
});
