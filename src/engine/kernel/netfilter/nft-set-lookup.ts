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

/** A value's key: a number (unsigned 32-bit), an IPv6 address's bigint, or an interface name. */
type Key = number | bigint | string;

/** The index of the set's elements by key (the first element of each key), or null: not hashable. */
interface SetIndex {
  len: number;
  byKey: Map<Key, number> | null;
  /** Parts a key has (1 for a single value). */
  parts: number;
}

const indexes = new WeakMap<readonly NftElem[], SetIndex>();

/** One value's key; interface names are strings marked apart from a concatenation's keys. */
function scalarKey(x: Scalar): Key {
  if (typeof x === 'string') return `s${x}`;
  if (typeof x === 'bigint') return x;
  return x >>> 0;
}

/** An element part's key, or undefined when it covers more than one value (a prefix or range). */
function partKey(p: NftElem): Key | undefined {
  if (p.s !== undefined) return `s${p.s}`;
  if (p.a6) return p.a6.lo === p.a6.hi ? p.a6.lo : undefined;
  return p.lo === p.hi ? p.lo : undefined;
}

/** A concatenation's key: its parts' keys, each ended by a NUL. */
function concatKey(ks: readonly Key[]): string {
  let k = '';
  for (const x of ks) k += `${typeof x === 'string' ? x : typeof x === 'bigint' ? `b${x}` : `n${x}`}\u0000`;
  return k;
}

function elemKey(e: NftElem, parts: number): Key | undefined {
  if (parts === 1) return e.parts ? undefined : partKey(e);
  if (e.parts?.length !== parts) return undefined;
  const ks: Key[] = [];
  for (const p of e.parts) {
    const pk = partKey(p);
    if (pk === undefined) return undefined;
    ks.push(pk);
  }
  return concatKey(ks);
}

function buildIndex(elems: readonly NftElem[]): SetIndex {
  const parts = elems[0]?.parts?.length ?? 1;
  const byKey = new Map<Key, number>();
  for (let i = 0; i < elems.length; i++) {
    const k = elemKey(elems[i]!, parts);
    if (k === undefined) return { len: elems.length, byKey: null, parts };
    if (!byKey.has(k)) byKey.set(k, i);
  }
  return { len: elems.length, byKey, parts };
}

function indexOf(elems: readonly NftElem[]): SetIndex {
  let ix = indexes.get(elems);
  if (!ix || ix.len !== elems.length) indexes.set(elems, (ix = buildIndex(elems)));
  return ix;
}

/**
 * Insert a committed set's elements into its hash, as the kernel does when the transaction
 * adds them (so the first packet does not pay for it).
 */
export function hashSetElems(elems: readonly NftElem[]): void {
  indexOf(elems);
}

/**
 * Where the value `x` (one field's value, or a concatenation's) is among `elems`: the index of
 * the element holding it, -1 when none does, or undefined when the set cannot be hashed (the
 * caller then tries every element).
 */
export function hashedLookup(elems: readonly NftElem[], x: Scalar | Scalar[]): number | undefined {
  const ix = indexOf(elems);
  if (!ix.byKey) return undefined;
  let k: Key;
  if (Array.isArray(x)) {
    if (x.length !== ix.parts || ix.parts === 1) return undefined;
    k = concatKey(x.map(scalarKey));
  } else {
    if (ix.parts !== 1) return undefined;
    k = scalarKey(x);
  }
  return ix.byKey.get(k) ?? -1;
}
