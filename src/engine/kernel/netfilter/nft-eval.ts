/**
 * nft_do_chain: a base chain's rules run in order; each rule's expressions run until one
 * does not match (NFT_BREAK) or a verdict ends the rule. jump pushes the chain on a stack
 * (return pops it), goto replaces it; when the base chain runs out its policy applies.
 * NAT statements are terminal and hand the chosen range to the NAT core.
 */
import { parseIp } from '../../net/ipv4';
import { formatIp6, parseIp6 } from '../../net/ipv6';
import type { TraversedRule } from '../trace';
import { isUntracked6 } from './conntrack';
import { addrType, type PacketView } from './match';
import { nftFibValue } from './nft-fib';
import { hashedLookup } from './nft-set-lookup';
import { baseChainText, nftRuleText } from './nft-text';
import type {
  NftChain,
  NftElem,
  NftExpr,
  NftField,
  NftKey,
  NftMapRhs,
  NftRejectWith,
  NftRhs,
  NftRule,
  NftTable,
  NftVerdict,
} from './nft-types';
import type { Target } from './types';

export type NftOutcome =
  | { verdict: 'accept' | 'drop'; row: string; rule?: NftRule }
  | { verdict: 'reject'; row: string; rule: NftRule; with?: NftRejectWith }
  | { verdict: 'nat'; row: string; rule: NftRule; target: Target };

export interface NftChainResult {
  outcome: NftOutcome;
  traversed: TraversedRule[];
  /** The chain the verdict came from. */
  chain: string;
  /** A `numgen ... vmap` that picked one of several chains (kube-proxy's endpoint choice), and its row. */
  choice?: { chain: string; row: string; candidates: string[]; picked: number };
}

/** fib_addr_type (RTN_*) of the route type the lookup found. */
const RTN: Record<string, number> = {
  UNSPEC: 0,
  UNICAST: 1,
  LOCAL: 2,
  BROADCAST: 3,
  ANYCAST: 4,
  MULTICAST: 5,
  BLACKHOLE: 6,
  UNREACHABLE: 7,
  PROHIBIT: 8,
};

const CT_STATE_BITS = { NEW: 8, ESTABLISHED: 2, RELATED: 4 } as const;
const CT_STATE_INVALID = 1;
/** NF_CT_STATE_UNTRACKED_BIT: neighbour discovery and MLD (nf_conntrack_icmpv6_error). */
const CT_STATE_UNTRACKED = 64;
/** ct_status bits (IPS_*): seen-reply 2, assured 4, confirmed 8, snat 16, dnat 32. */
function ctStatus(v: PacketView): number {
  const e = v.ct?.e;
  if (!e) return 0;
  return (
    (e.seenReply ? 2 : 0) |
    (e.assured ? 4 : 0) |
    (e.confirmed ? 8 : 0) |
    (e.srcNat ? 16 : 0) |
    (e.dstNat ? 32 : 0)
  );
}

const NFPROTO_IPV4 = 2;
const NFPROTO_IPV6 = 10;

const BITMASK_FIELDS = new Set<NftField>(['ct state', 'ct status']);

/** The packet's value for a field, or undefined when the packet has no such header (NFT_BREAK). */
export function nftFieldValue(field: NftField, v: PacketView): number | bigint | string | undefined {
  const ip = v.layers[0];
  if (ip?.proto !== 'ipv4' && ip?.proto !== 'ipv6') return undefined;
  // An inet chain sees IPv6 too: the family-neutral keys (meta, ct, th, tcp, udp) read it;
  // the ip header's payload expressions do not match an IPv6 packet (NFT_BREAK).
  const v4 = ip.proto === 'ipv4';
  const l4 = v.layers[1];
  const [head, key] = field.split(' ') as [string, string];
  switch (field) {
    case 'ip saddr':
      return v4 ? (parseIp(ip.src) ?? undefined) : undefined;
    case 'ip daddr':
      return v4 ? (parseIp(ip.dst) ?? undefined) : undefined;
    case 'ip protocol':
      return v4 ? ip.protocol : undefined;
    // The ip6 header's payload expressions break on an IPv4 packet, as ip's do on IPv6.
    case 'ip6 saddr':
      return v4 ? undefined : (parseIp6(ip.src) ?? undefined);
    case 'ip6 daddr':
      return v4 ? undefined : (parseIp6(ip.dst) ?? undefined);
    case 'ip6 nexthdr':
      return v4 ? undefined : ip.next;
    case 'ip6 hoplimit':
      return v4 ? undefined : ip.hlim;
    case 'meta nfproto':
      return v4 ? NFPROTO_IPV4 : NFPROTO_IPV6;
    case 'meta l4proto':
      return v4 ? ip.protocol : ip.next;
    case 'meta iifname':
    case 'meta iif':
      return v.in?.name;
    case 'meta oifname':
    case 'meta oif':
      return v.out?.name;
    case 'meta mark':
      return v.mark;
    case 'ct mark':
      return v.ct?.e.mark ?? 0;
    case 'ct state':
      if (v.ct) return CT_STATE_BITS[v.ct.info];
      return isUntracked6(v.layers) ? CT_STATE_UNTRACKED : CT_STATE_INVALID;
    case 'ct status':
      return ctStatus(v);
    case 'icmp type':
      return l4?.proto === 'icmp' ? l4.type : undefined;
    case 'icmpv6 type':
      return l4?.proto === 'icmpv6' ? l4.type : undefined;
    case 'icmpv6 code':
      return l4?.proto === 'icmpv6' ? l4.code : undefined;
    case 'fib saddr type':
    case 'fib daddr type':
      // nft_fib6_eval is not modelled: an IPv6 packet does not match.
      if (!v4) return undefined;
      // nft_fib4_eval with NFTA_FIB_F_{S,D}ADDR and no iif/oif flag: a lookup in the netns.
      return RTN[addrType(v.ns, parseIp(key === 'saddr' ? ip.src : ip.dst) ?? 0)];
    case 'numgen':
      return undefined;
  }
  if (!l4 || (l4.proto !== 'tcp' && l4.proto !== 'udp')) return undefined;
  if (head !== 'th' && head !== l4.proto) return undefined;
  return key === 'dport' ? l4.dport : l4.sport;
}

type KeyValue = number | bigint | string | (number | bigint | string)[];

/** The packet's value for a key: one field's, or every concatenated field's (any missing: none). */
function keyValue(field: NftField, key: NftKey | undefined, v: PacketView): KeyValue | undefined {
  if (key?.kind !== 'concat') return nftFieldValue(field, v);
  const xs = key.fields.map((f) => nftFieldValue(f, v));
  return xs.some((x) => x === undefined) ? undefined : (xs as (number | bigint | string)[]);
}

function elemHas(field: NftField, e: NftElem, x: KeyValue, key?: NftKey): boolean {
  if (Array.isArray(x)) {
    const fields = key?.kind === 'concat' ? key.fields : [];
    return (e.parts ?? []).every((p, i) => elemHas(fields[i] ?? field, p, x[i]!));
  }
  if (typeof x === 'string') return e.s === x;
  if (typeof x === 'bigint') return e.a6 !== undefined && x >= e.a6.lo && x <= e.a6.hi;
  if (BITMASK_FIELDS.has(field)) return (x & e.lo) !== 0;
  return x >>> 0 >= e.lo && x >>> 0 <= e.hi;
}

/** A dynamic set's element lives until it expires (nft_set_elem_expired). */
const live = (e: NftElem, now: number): boolean => e.expires === undefined || e.expires > now;

/** A set's live elements. */
function rhsElems(t: NftTable, rhs: NftRhs, now: number): NftElem[] {
  if (rhs.kind === 'value') return [rhs.elem];
  if (rhs.kind === 'set') return rhs.elems;
  return (t.sets.get(rhs.name)?.elems ?? []).filter((e) => live(e, now));
}

/** Can the key's value be looked up by hash (no ct state/status bitmask among its fields)? */
function hashable(field: NftField, key?: NftKey): boolean {
  if (key?.kind === 'concat') return key.fields.every((f) => !BITMASK_FIELDS.has(f));
  return !BITMASK_FIELDS.has(field);
}

/**
 * The index of the first element of a named set that holds the value (nft_lookup): by hash
 * when the set holds single values, else element by element; -1 when none does.
 */
function setLookup(elems: readonly NftElem[], field: NftField, x: KeyValue, key?: NftKey): number {
  const i = hashable(field, key) ? hashedLookup(elems, x) : undefined;
  return i ?? elems.findIndex((e) => elemHas(field, e, x, key));
}

/** Does `rhs` hold the value: one value, an anonymous set, or a named set's live elements? */
function rhsHas(t: NftTable, field: NftField, rhs: NftRhs, x: KeyValue, now: number, key?: NftKey): boolean {
  if (rhs.kind === 'ref') {
    const elems = t.sets.get(rhs.name)?.elems ?? [];
    const i = hashable(field, key) ? hashedLookup(elems, x) : undefined;
    if (i !== undefined) return i >= 0 && live(elems[i]!, now);
  }
  return rhsElems(t, rhs, now).some((el) => elemHas(field, el, x, key));
}

/** A map lookup: the data of the first element whose key holds the value. */
function mapLookup(
  t: NftTable,
  field: NftField,
  rhs: NftMapRhs,
  x: KeyValue,
  key?: NftKey,
): NftElem | NftVerdict | undefined {
  if (rhs.kind === 'map') return rhs.elems.find((m) => elemHas(field, m.key, x, key))?.data;
  const set = t.sets.get(rhs.name);
  if (!set) return undefined;
  const i = setLookup(set.elems, field, x, key);
  return i < 0 ? undefined : set.data[i];
}

/** nft_dynset: add the packet's key to the set, or restart its timeout if it is there. */
function dynsetUpdate(t: NftTable, e: Extract<NftExpr, { op: 'update' }>, v: PacketView): Step {
  const set = t.sets.get(e.set);
  const x = nftFieldValue(e.field, v);
  if (!set || (typeof x !== 'number' && typeof x !== 'bigint')) return { kind: 'break' };
  const now = v.ns.world.sched.now;
  const expires = set.timeout !== undefined ? now + set.timeout * 1_000_000 : undefined;
  const elem: NftElem = {
    ...(typeof x === 'bigint'
      ? { lo: 0, hi: 0, a6: { lo: x, hi: x }, text: formatIp6(x) }
      : { lo: x >>> 0, hi: x >>> 0, text: FORMAT_ADDR(x) }),
    ...(expires !== undefined ? { expires } : {}),
  };
  const same = (a: NftElem): boolean => a.lo === elem.lo && a.a6?.lo === elem.a6?.lo;
  const i = set.elems.findIndex(same);
  // A new array, never a change in place: a frozen snapshot or a lookup index may hold the old one.
  if (i >= 0) set.elems = set.elems.map((e, k) => (k === i ? elem : e));
  else set.elems = [...set.elems, elem].sort(elemOrder);
  v.ns.changed('nftables');
  return { kind: 'next' };
}

/** A set's element order: by value, IPv6 addresses by their 128 bits. */
function elemOrder(a: NftElem, b: NftElem): number {
  if (a.a6 && b.a6) return a.a6.lo < b.a6.lo ? -1 : a.a6.lo > b.a6.lo ? 1 : 0;
  return a.lo - b.lo;
}

/**
 * nft_ng_random_eval: a value in [offset, offset + mod) (reciprocal_scale of a random u32),
 * looked up in the verdict map; the engine draws it (or a flow pins it) knowing the chains
 * each value leads to.
 */
function numgenVmap(
  t: NftTable,
  e: Extract<NftExpr, { op: 'vmap' }>,
  key: Extract<NftKey, { kind: 'numgen' }>,
  v: PacketView,
): Step {
  const target = (i: number): string => {
    const d = mapLookup(t, e.field, e.rhs, key.offset + i);
    return d && !('text' in d) && 'chain' in d ? d.chain : '';
  };
  const candidates = Array.from({ length: key.mod }, (_, i) => target(i));
  const picked = v.numgen ? v.numgen(key.mod, candidates) : 0;
  const d = mapLookup(t, e.field, e.rhs, key.offset + picked);
  if (!d || 'text' in d) return { kind: 'break' };
  return { kind: 'verdict', verdict: d, choice: { candidates, picked } };
}

const FORMAT_ADDR = (x: number): string => [24, 16, 8, 0].map((s) => (x >>> s) & 0xff).join('.');

const BITOPS = {
  or: (a: number, b: number) => a | b,
  xor: (a: number, b: number) => a ^ b,
  and: (a: number, b: number) => a & b,
};

/** `meta mark set ...` / `ct mark set ...`, possibly combining the old mark with the value. */
function markSet(e: Extract<NftExpr, { op: 'set' }>, v: PacketView): Step {
  const read = (k: 'meta mark' | 'ct mark'): number => (k === 'meta mark' ? v.mark : (v.ct?.e.mark ?? 0));
  const value = e.bitop ? BITOPS[e.bitop.op](read(e.bitop.from), e.value) >>> 0 : e.value >>> 0;
  if (e.key === 'meta mark') v.mark = value;
  else if (v.ct) v.ct.e.mark = value;
  return { kind: 'next' };
}

type Step =
  | { kind: 'next' }
  | { kind: 'break' }
  | { kind: 'verdict'; verdict: NftVerdict; choice?: { candidates: string[]; picked: number } }
  | { kind: 'reject'; with?: NftRejectWith }
  | { kind: 'nat'; target: Target };

const range = (e: NftElem | undefined) => (e ? { from: e.lo, to: e.hi } : undefined);

/** One NAT statement's range (nft_nat_eval), or a break when its map has no entry for the packet. */
function natStep(t: NftTable, e: Extract<NftExpr, { op: 'snat' | 'dnat' }>, v: PacketView): Step {
  let addr = e.to.addr;
  if (e.to.map) {
    const x = nftFieldValue(e.to.map.field, v);
    const d = x === undefined ? undefined : mapLookup(t, e.to.map.field, e.to.map.rhs, x);
    if (!d || !('text' in d)) return { kind: 'break' };
    addr = d;
  }
  const ports = range(e.to.port);
  const a6 = addr?.a6 ? { addr6From: addr.a6.lo, addr6To: addr.a6.hi } : {};
  const to = { addrFrom: addr?.lo ?? 0, addrTo: addr?.hi ?? 0, ...a6, ...(ports ? { ports } : {}) };
  return { kind: 'nat', target: e.op === 'snat' ? { kind: 'SNAT', to } : { kind: 'DNAT', to } };
}

function exprStep(t: NftTable, e: NftExpr, v: PacketView, bytes: number): Step {
  switch (e.op) {
    case 'cmp': {
      const raw = keyValue(e.field, e.key, v);
      if (raw === undefined) return { kind: 'break' };
      const x = e.mask !== undefined && typeof raw === 'number' ? (raw & e.mask) >>> 0 : raw;
      const hit = rhsHas(t, e.field, e.rhs, x, v.ns.world.sched.now, e.key);
      return hit !== e.neg ? { kind: 'next' } : { kind: 'break' };
    }
    case 'fib': {
      const x = nftFibValue(e.fib, v);
      if (x === undefined) return { kind: 'break' };
      const hit = rhsElems(t, e.rhs, v.ns.world.sched.now).some((el) =>
        typeof x === 'string' ? el.s === x : x >= el.lo && x <= el.hi,
      );
      return hit !== e.neg ? { kind: 'next' } : { kind: 'break' };
    }
    case 'counter':
      e.packets++;
      e.bytes += bytes;
      return { kind: 'next' };
    case 'verdict':
      return { kind: 'verdict', verdict: e.verdict };
    case 'vmap': {
      if (e.key?.kind === 'numgen') return numgenVmap(t, e, e.key, v);
      const x = keyValue(e.field, e.key, v);
      const d = x === undefined ? undefined : mapLookup(t, e.field, e.rhs, x, e.key);
      return d && !('text' in d) ? { kind: 'verdict', verdict: d } : { kind: 'break' };
    }
    case 'update':
      return dynsetUpdate(t, e, v);
    case 'reject':
      return rejectStep(e, v);
    case 'snat':
    case 'dnat':
      return natStep(t, e, v);
    case 'masquerade':
      return {
        kind: 'nat',
        target: {
          kind: 'MASQUERADE',
          ...(e.port ? { toPorts: range(e.port) } : {}),
          ...(e.fullyRandom ? { randomFully: true } : {}),
        },
      };
    case 'redirect':
      return { kind: 'nat', target: { kind: 'REDIRECT', ...(e.port ? { toPorts: range(e.port) } : {}) } };
    case 'set':
      return markSet(e, v);
    case 'log':
      return { kind: 'next' };
  }
}

/**
 * In inet, `reject with icmp` and `reject with icmpv6` carry the nfproto dependency nft adds
 * (meta nfproto ipv4 / ipv6): the other family's packet breaks the rule.
 */
function rejectStep(e: Extract<NftExpr, { op: 'reject' }>, v: PacketView): Step {
  const proto = v.layers[0]?.proto;
  if (e.with?.kind === 'icmp' && proto === 'ipv6') return { kind: 'break' };
  if (e.with?.kind === 'icmpv6' && proto === 'ipv4') return { kind: 'break' };
  return { kind: 'reject', with: e.with };
}

/** Run one rule: the step that ended it (a verdict, reject, NAT) or next/break when it fell through. */
function ruleStep(t: NftTable, r: NftRule, v: PacketView): Step {
  for (const e of r.exprs) {
    const s = exprStep(t, e, v, v.bytes);
    if (s.kind !== 'next') return s;
  }
  return { kind: 'next' };
}

/** nft_do_chain over a base chain (and the chains it jumps to). */
export function nftDoChain(t: NftTable, base: NftChain, v: PacketView): NftChainResult {
  const tname = `${t.family} ${t.name}`;
  const traversed: TraversedRule[] = [];
  let choice: NftChainResult['choice'];
  const done = (outcome: NftOutcome, from: string): NftChainResult => ({
    outcome,
    traversed,
    chain: from,
    ...(choice ? { choice } : {}),
  });
  const stack: { chain: NftChain; i: number }[] = [];
  let chain = base;
  let i = 0;
  for (let guard = 0; guard < 100_000; guard++) {
    const r = chain.rules[i++];
    if (!r) {
      const back = stack.pop();
      if (back) {
        ({ chain, i } = back);
        continue;
      }
      break;
    }
    // Rows as the ruleset's own lines (`nft list ruleset`), so the Trace can point into the table.
    const row = `\t\t${nftRuleText(t.family, r)}`;
    const s = ruleStep(t, r, v);
    const matched = s.kind !== 'break';
    traversed.push({ table: tname, chain: chain.name, row, matched });
    if (s.kind === 'next' || s.kind === 'break') continue;
    if (s.kind === 'reject') return done({ verdict: 'reject', row, rule: r, with: s.with }, chain.name);
    if (s.kind === 'nat') return done({ verdict: 'nat', row, rule: r, target: s.target }, chain.name);
    const vd = s.verdict;
    if (s.choice) choice = { chain: chain.name, row, ...s.choice };
    if (vd.kind === 'accept' || vd.kind === 'drop')
      return done({ verdict: vd.kind, row, rule: r }, chain.name);
    if (vd.kind === 'continue') continue;
    if (vd.kind === 'return') {
      const back = stack.pop();
      if (back) ({ chain, i } = back);
      else i = Number.MAX_SAFE_INTEGER;
      continue;
    }
    if (vd.kind !== 'jump' && vd.kind !== 'goto') continue;
    const to = t.chains.get(vd.chain);
    if (!to) continue;
    if (vd.kind === 'jump') stack.push({ chain, i });
    chain = to;
    i = 0;
  }
  const policy = base.base?.policy ?? 'accept';
  const row = base.base ? `\t\t${baseChainText(base.base)}` : `policy ${policy}`;
  traversed.push({ table: tname, chain: base.name, row, matched: true });
  return done({ verdict: policy, row }, base.name);
}
