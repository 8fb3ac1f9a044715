/**
 * nft_do_chain: a base chain's rules run in order; each rule's expressions run until one
 * does not match (NFT_BREAK) or a verdict ends the rule. jump pushes the chain on a stack
 * (return pops it), goto replaces it; when the base chain runs out its policy applies.
 * NAT statements are terminal and hand the chosen range to the NAT core.
 */
import { parseIp } from '../../net/ipv4';
import type { TraversedRule } from '../trace';
import type { PacketView } from './match';
import { nftFibValue } from './nft-fib';
import { baseChainText, nftRuleText } from './nft-text';
import type {
  NftChain,
  NftElem,
  NftExpr,
  NftField,
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
}

const CT_STATE_BITS = { NEW: 8, ESTABLISHED: 2, RELATED: 4 } as const;
const CT_STATE_INVALID = 1;
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

const BITMASK_FIELDS = new Set<NftField>(['ct state', 'ct status']);

/** The packet's value for a field, or undefined when the packet has no such header (NFT_BREAK). */
export function nftFieldValue(field: NftField, v: PacketView): number | string | undefined {
  const ip = v.layers[0];
  if (ip?.proto !== 'ipv4') return undefined;
  const l4 = v.layers[1];
  const [head, key] = field.split(' ') as [string, string];
  switch (field) {
    case 'ip saddr':
      return parseIp(ip.src) ?? undefined;
    case 'ip daddr':
      return parseIp(ip.dst) ?? undefined;
    case 'ip protocol':
    case 'meta l4proto':
      return ip.protocol;
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
      return v.ct ? CT_STATE_BITS[v.ct.info] : CT_STATE_INVALID;
    case 'ct status':
      return ctStatus(v);
    case 'icmp type':
      return l4?.proto === 'icmp' ? l4.type : undefined;
  }
  if (!l4 || (l4.proto !== 'tcp' && l4.proto !== 'udp')) return undefined;
  if (head !== 'th' && head !== l4.proto) return undefined;
  return key === 'dport' ? l4.dport : l4.sport;
}

function elemHas(field: NftField, e: NftElem, x: number | string): boolean {
  if (typeof x === 'string') return e.s === x;
  if (BITMASK_FIELDS.has(field)) return (x & e.lo) !== 0;
  return x >>> 0 >= e.lo && x >>> 0 <= e.hi;
}

function rhsElems(t: NftTable, rhs: NftRhs): NftElem[] {
  if (rhs.kind === 'value') return [rhs.elem];
  if (rhs.kind === 'set') return rhs.elems;
  return t.sets.get(rhs.name)?.elems ?? [];
}

/** A map lookup: the data of the first element whose key holds the value. */
function mapLookup(
  t: NftTable,
  field: NftField,
  rhs: NftMapRhs,
  x: number | string,
): NftElem | NftVerdict | undefined {
  if (rhs.kind === 'map') return rhs.elems.find((m) => elemHas(field, m.key, x))?.data;
  const set = t.sets.get(rhs.name);
  if (!set) return undefined;
  const i = set.elems.findIndex((e) => elemHas(field, e, x));
  return i < 0 ? undefined : set.data[i];
}

type Step =
  | { kind: 'next' }
  | { kind: 'break' }
  | { kind: 'verdict'; verdict: NftVerdict }
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
  const to = { addrFrom: addr?.lo ?? 0, addrTo: addr?.hi ?? 0, ...(ports ? { ports } : {}) };
  return { kind: 'nat', target: e.op === 'snat' ? { kind: 'SNAT', to } : { kind: 'DNAT', to } };
}

function exprStep(t: NftTable, e: NftExpr, v: PacketView, bytes: number): Step {
  switch (e.op) {
    case 'cmp': {
      const x = nftFieldValue(e.field, v);
      if (x === undefined) return { kind: 'break' };
      const hit = rhsElems(t, e.rhs).some((el) => elemHas(e.field, el, x));
      return hit !== e.neg ? { kind: 'next' } : { kind: 'break' };
    }
    case 'fib': {
      const x = nftFibValue(e.fib, v);
      if (x === undefined) return { kind: 'break' };
      const hit = rhsElems(t, e.rhs).some((el) =>
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
      const x = nftFieldValue(e.field, v);
      const d = x === undefined ? undefined : mapLookup(t, e.field, e.rhs, x);
      return d && !('text' in d) ? { kind: 'verdict', verdict: d } : { kind: 'break' };
    }
    case 'reject':
      return { kind: 'reject', with: e.with };
    case 'snat':
    case 'dnat':
      return natStep(t, e, v);
    case 'masquerade':
      return { kind: 'nat', target: { kind: 'MASQUERADE', ...(e.port ? { toPorts: range(e.port) } : {}) } };
    case 'redirect':
      return { kind: 'nat', target: { kind: 'REDIRECT', ...(e.port ? { toPorts: range(e.port) } : {}) } };
    case 'set':
      if (e.key === 'meta mark') v.mark = e.value >>> 0;
      else if (v.ct) v.ct.e.mark = e.value >>> 0;
      return { kind: 'next' };
    case 'log':
      return { kind: 'next' };
  }
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
    if (s.kind === 'reject')
      return { outcome: { verdict: 'reject', row, rule: r, with: s.with }, traversed, chain: chain.name };
    if (s.kind === 'nat')
      return { outcome: { verdict: 'nat', row, rule: r, target: s.target }, traversed, chain: chain.name };
    const vd = s.verdict;
    if (vd.kind === 'accept' || vd.kind === 'drop')
      return { outcome: { verdict: vd.kind, row, rule: r }, traversed, chain: chain.name };
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
  return { outcome: { verdict: policy, row }, traversed, chain: base.name };
}
