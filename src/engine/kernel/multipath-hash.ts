/**
 * The hash that picks a multipath route's next hop (fib_multipath_hash, policy 0: layer 3).
 * The kernel fills a struct flow_keys with the source and destination addresses only, orders
 * them (__flow_hash_consistentify), and hashes the struct from its `basic` member with
 * SipHash-2-4 under a key built from net.ipv4.fib_multipath_hash_seed
 * (fib_multipath_hash_construct_key); the route takes the top 31 bits.
 * A seed of 0 means a random per-namespace key on the kernel; the model then uses 0 too,
 * which cannot agree with any one kernel run, so scenarios that check paths pin the seed.
 */

const MASK64 = (1n << 64n) - 1n;

function rotl(x: bigint, b: bigint): bigint {
  return ((x << b) | (x >> (64n - b))) & MASK64;
}

/** SipHash-2-4 of `data` under the key (k0, k1), as lib/siphash.c computes it. */
export function siphash(data: Uint8Array, k0: bigint, k1: bigint): bigint {
  let v0 = 0x736f6d6570736575n ^ k0;
  let v1 = 0x646f72616e646f6dn ^ k1;
  let v2 = 0x6c7967656e657261n ^ k0;
  let v3 = 0x7465646279746573n ^ k1;
  const round = (): void => {
    v0 = (v0 + v1) & MASK64;
    v1 = rotl(v1, 13n) ^ v0;
    v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & MASK64;
    v3 = rotl(v3, 16n) ^ v2;
    v0 = (v0 + v3) & MASK64;
    v3 = rotl(v3, 21n) ^ v0;
    v2 = (v2 + v1) & MASK64;
    v1 = rotl(v1, 17n) ^ v2;
    v2 = rotl(v2, 32n);
  };
  const word = (off: number, n: number): bigint => {
    let w = 0n;
    for (let i = n - 1; i >= 0; i--) w = (w << 8n) | BigInt(data[off + i]!);
    return w;
  };
  const full = data.length - (data.length % 8);
  for (let off = 0; off < full; off += 8) {
    const m = word(off, 8);
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
  const b = ((BigInt(data.length) << 56n) | word(full, data.length - full)) & MASK64;
  v3 ^= b;
  round();
  round();
  v0 ^= b;
  v2 ^= 0xffn;
  for (let i = 0; i < 4; i++) round();
  return (v0 ^ v1 ^ v2 ^ v3) & MASK64;
}

/**
 * struct flow_keys from `basic` to the end of addrs.v4addrs as flow_keys_hash_length measures
 * it: basic, tags, vlan, cvlan, keyid, ports and icmp (36 bytes, all zero for policy 0),
 * then the two IPv4 addresses, then 4 bytes of the union that stay zero.
 */
const V4_ADDRS_AT = 36;
const HASH_LEN = 48;

/** fib_multipath_hash for policy 0: `src` and `dst` as host-order IPv4 numbers. */
export function multipathHashV4(src: number, dst: number, seed: number): number {
  // __flow_hash_consistentify compares the big-endian words as the CPU (little-endian) reads them.
  const le = (a: number): number =>
    (((a & 0xff) << 24) | ((a & 0xff00) << 8) | ((a >>> 8) & 0xff00) | (a >>> 24)) >>> 0;
  const [a, b] = le(dst >>> 0) < le(src >>> 0) ? [dst, src] : [src, dst];
  const keys = new Uint8Array(HASH_LEN);
  const put = (off: number, v: number): void => {
    keys[off] = (v >>> 24) & 0xff;
    keys[off + 1] = (v >>> 16) & 0xff;
    keys[off + 2] = (v >>> 8) & 0xff;
    keys[off + 3] = v & 0xff;
  };
  put(V4_ADDRS_AT, a >>> 0);
  put(V4_ADDRS_AT + 4, b >>> 0);
  const s = BigInt(seed >>> 0);
  const k = (s << 32n) | s;
  let h = Number(siphash(keys, k, k) & 0xffffffffn);
  if (h === 0) h = 1;
  return h >>> 1;
}

/** fib_rebalance: each live next hop's upper bound in the 31-bit hash space, by weight. */
export function upperBounds(weights: number[]): number[] {
  const total = weights.reduce((x, w) => x + w, 0);
  let w = 0;
  return weights.map((x) => {
    w += x;
    // DIV_ROUND_CLOSEST_ULL((u64)w << 31, total) - 1
    return Number(((BigInt(w) << 31n) + BigInt(Math.floor(total / 2))) / BigInt(total)) - 1;
  });
}
