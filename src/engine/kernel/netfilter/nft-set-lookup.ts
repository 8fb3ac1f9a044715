/**
 * nft_set_hash's lookup for the elements of a named set or map: a set of single values
 * (kube-proxy's cluster-ips, and its service-ips map keyed by `ip . proto . port`) is found by
 * its key in one step, as the kernel's hash backend finds it, instead of by trying every
 * element. A set that holds intervals (the kernel puts those in nft_set_rbtree) is searched
 * element by element, as before. A committed set's element array is not changed in place
 * (a transaction works on a copy, a dynamic set's update makes a new array), so the index
 * built for an array stays right for as long as the array lives.
 */
import type { NftElem } from './nft-types';

type Scalar = number | bigint | string;

/** The index of the set's elements by key (the first element of each key), or null: not hashable. */
interface SetIndex {
  len: number;
  byKey: Map<string, number> | null;
  /** Parts a key has (1 for a single value). */
  parts: number;
}

const indexes = new WeakMap<readonly NftElem[], SetIndex>();

/** One value's key: an interface name, an IPv6 address, or a number (as an unsigned 32-bit value). */
function scalarKey(x: Scalar): string {
  if (typeof x === 'string') return `s${x}`;
  if (typeof x === 'bigint') return `b${x}`;
  return `n${x >>> 0}`;
}

/** An element part's key, or undefined when it covers more than one value (a prefix or range). */
function partKey(p: NftElem): string | undefined {
  if (p.s !== undefined) return `s${p.s}`;
  if (p.a6) return p.a6.lo === p.a6.hi ? `b${p.a6.lo}` : undefined;
  return p.lo === p.hi ? `n${p.lo}` : undefined;
}

function elemKey(e: NftElem, parts: number): string | undefined {
  if (parts === 1) return e.parts ? undefined : partKey(e);
  if (e.parts?.length !== parts) return undefined;
  let k = '';
  for (const p of e.parts) {
    const pk = partKey(p);
    if (pk === undefined) return undefined;
    k += `${pk}\u0000`;
  }
  return k;
}

function buildIndex(elems: readonly NftElem[]): SetIndex {
  const parts = elems[0]?.parts?.length ?? 1;
  const byKey = new Map<string, number>();
  for (let i = 0; i < elems.length; i++) {
    const k = elemKey(elems[i]!, parts);
    if (k === undefined) return { len: elems.length, byKey: null, parts };
    if (!byKey.has(k)) byKey.set(k, i);
  }
  return { len: elems.length, byKey, parts };
}

/**
 * Where the value `x` (one field's value, or a concatenation's) is among `elems`: the index of
 * the element holding it, -1 when none does, or undefined when the set cannot be hashed (the
 * caller then tries every element).
 */
export function hashedLookup(elems: readonly NftElem[], x: Scalar | Scalar[]): number | undefined {
  let ix = indexes.get(elems);
  if (!ix || ix.len !== elems.length) indexes.set(elems, (ix = buildIndex(elems)));
  if (!ix.byKey) return undefined;
  let k: string;
  if (Array.isArray(x)) {
    if (x.length !== ix.parts || ix.parts === 1) return undefined;
    k = '';
    for (const v of x) k += `${scalarKey(v)}\u0000`;
  } else {
    if (ix.parts !== 1) return undefined;
    k = scalarKey(x);
  }
  return ix.byKey.get(k) ?? -1;
}
