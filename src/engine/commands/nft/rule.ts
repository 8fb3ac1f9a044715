/**
 * An nft rule's statements compiled into nf_tables expressions: comparisons of payload, meta
 * and ct keys (against a value, an anonymous set or a named set), counter, log, verdicts,
 * verdict maps, reject, the NAT statements, `mark set` and fib lookups.
 */
import type {
  NftDatatype,
  NftElem,
  NftExpr,
  NftFib,
  NftField,
  NftKey,
  NftMapElem,
  NftMapRhs,
  NftRejectWith,
  NftRhs,
  NftRule,
  NftTable,
  NftVerdict,
} from '../../kernel/netfilter/nft-types';
import { NftError, type Token, type Tokens } from './lex';
import { FIELD_TYPE, flagsElem, parseElem, parseKeyElem, sortBy, sortElems } from './values';

const KEYS: Record<string, string[]> = {
  ip: ['saddr', 'daddr', 'protocol'],
  ip6: ['saddr', 'daddr', 'nexthdr', 'hoplimit'],
  meta: ['l4proto', 'nfproto', 'iifname', 'oifname', 'iif', 'oif', 'mark'],
  tcp: ['dport', 'sport'],
  udp: ['dport', 'sport'],
  th: ['dport', 'sport'],
  ct: ['state', 'status', 'mark'],
  icmp: ['type'],
  icmpv6: ['type', 'code'],
  fib: ['saddr', 'daddr'],
};
const BARE_META = new Set(['iifname', 'oifname', 'iif', 'oif', 'mark', 'l4proto']);

/** A payload/meta/ct key at the cursor, or undefined when the next token does not start one. */
function parseField(ts: Tokens): NftField | undefined {
  const w = ts.word();
  if (BARE_META.has(w)) {
    ts.next();
    return `meta ${w}` as NftField;
  }
  const keys = KEYS[w];
  if (!keys) return undefined;
  ts.next();
  const k = ts.word();
  if (!keys.includes(k)) throw ts.unexpected();
  ts.next();
  // nft_fib: `fib saddr type` asks the route lookup for the address's type.
  if (w === 'fib') ts.expect('type');
  return (w === 'fib' ? `fib ${k} type` : `${w} ${k}`) as NftField;
}

/** A key at the cursor: one field, or fields joined by `.` into a concatenation. */
function parseKey(ts: Tokens): { field: NftField; key?: NftKey } | undefined {
  const field = parseField(ts);
  if (!field) return undefined;
  const fields = [field];
  while (ts.word() === '.') {
    ts.next();
    const f = parseField(ts);
    if (!f) throw ts.unexpected();
    fields.push(f);
  }
  return fields.length > 1 ? { field, key: { kind: 'concat', fields } } : { field };
}

/** The datatypes of a key's elements: one per concatenated field. */
export function keyTypes(field: NftField, key?: NftKey): NftDatatype[] {
  return key?.kind === 'concat' ? key.fields.map((f) => FIELD_TYPE[f]) : [FIELD_TYPE[field]];
}

export function parseVerdict(ts: Tokens): NftVerdict | undefined {
  const w = ts.word();
  if (w === 'accept' || w === 'drop' || w === 'return' || w === 'continue') {
    ts.next();
    return { kind: w };
  }
  if (w === 'jump' || w === 'goto') {
    ts.next();
    return { kind: w, chain: ts.next().text };
  }
  return undefined;
}

/** `{ a, b, ... }` of one datatype; flags types (ct state) keep one element per name. */
export function parseElemList(ts: Tokens, field: NftField, types = [FIELD_TYPE[field]]): NftElem[] {
  ts.expect('{');
  const out: NftElem[] = [];
  while ((skipNewlines(ts), !ts.accept('}'))) {
    out.push(withComment(ts, parseKeyElem(types, ts)));
    skipNewlines(ts);
    if (!ts.accept(',') && ts.word() !== '}') throw ts.unexpected();
  }
  return FIELD_TYPE[field] === 'ct_state' || FIELD_TYPE[field] === 'ct_status' ? out : sortElems(out, types);
}

/**
 * A list of elements may break its lines anywhere between elements (the grammar's opt_newline
 * around set_list_member_expr), as nft's own listing of a long set does.
 */
function skipNewlines(ts: Tokens): void {
  while (ts.accept('\n'));
}

/** An element's optional `comment "..."` (set and map elements may carry one). */
function withComment(ts: Tokens, e: NftElem): NftElem {
  if (!ts.accept('comment')) return e;
  return { ...e, comment: ts.next().text };
}

/** `{ key : data, ... }` where data is a value of `dataField`'s type or, with none, a verdict. */
export function parseMapList(
  ts: Tokens,
  keyField: NftField,
  dataField?: NftField,
  types = [FIELD_TYPE[keyField]],
): NftMapElem[] {
  ts.expect('{');
  const out: NftMapElem[] = [];
  while ((skipNewlines(ts), !ts.accept('}'))) {
    const key = withComment(ts, parseKeyElem(types, ts));
    ts.expect(':');
    const data = dataField ? parseElem(FIELD_TYPE[dataField], ts.next()) : parseVerdict(ts);
    if (!data) throw ts.unexpected();
    out.push({ key, data });
    skipNewlines(ts);
    if (!ts.accept(',') && ts.word() !== '}') throw ts.unexpected();
  }
  return sortBy(out, (m) => m.key, types);
}

function parseMapRhs(ts: Tokens, keyField: NftField, dataField?: NftField, key?: NftKey): NftMapRhs {
  if (ts.accept('@')) return { kind: 'ref', name: ts.next().text };
  return { kind: 'map', elems: parseMapList(ts, keyField, dataField, keyTypes(keyField, key)) };
}

function parseRhs(ts: Tokens, field: NftField, key?: NftKey): NftRhs {
  if (ts.accept('@')) return { kind: 'ref', name: ts.next().text };
  if (ts.word() === '{') {
    // nft turns an anonymous set of one element into a plain comparison.
    const elems = parseElemList(ts, field, keyTypes(field, key));
    return elems.length === 1 ? { kind: 'value', elem: elems[0]! } : { kind: 'set', elems };
  }
  const type = FIELD_TYPE[field];
  if (key) return { kind: 'value', elem: parseKeyElem(keyTypes(field, key), ts) };
  const first = parseElem(type, ts.next());
  if (type !== 'ct_state' && type !== 'ct_status') return { kind: 'value', elem: first };
  const flags = [first];
  while (ts.accept(',')) flags.push(parseElem(type, ts.next()));
  return { kind: 'value', elem: flagsElem(type, flags) };
}

const BITOPS: Record<string, 'or' | 'xor' | 'and'> = {
  or: 'or',
  '|': 'or',
  xor: 'xor',
  '^': 'xor',
  and: 'and',
  '&': 'and',
};

/** `mark set 0x10`, or `mark set mark or 0x4000` (the old mark combined with a value). */
function parseMarkSet(ts: Tokens, field: 'meta mark' | 'ct mark'): NftExpr {
  const from =
    ts.word() === 'mark' || ts.word() === 'meta' || ts.word() === 'ct' ? parseField(ts) : undefined;
  if (from !== undefined && from !== 'meta mark' && from !== 'ct mark') throw ts.unexpected();
  const op = from ? BITOPS[ts.word()] : undefined;
  if (from && !op) throw ts.unexpected();
  if (op) ts.next();
  const v = parseElem('mark', ts.next());
  return from && op
    ? { op: 'set', key: field, value: v.lo, bitop: { from, op } }
    : { op: 'set', key: field, value: v.lo };
}

function parseMatch(ts: Tokens, field: NftField, key?: NftKey): NftExpr {
  if (ts.accept('set')) {
    if (field !== 'meta mark' && field !== 'ct mark') throw ts.unexpected();
    return parseMarkSet(ts, field);
  }
  if (ts.accept('vmap'))
    return { op: 'vmap', field, rhs: parseMapRhs(ts, field, undefined, key), ...(key ? { key } : {}) };
  // `mark and 0x4000 == 0`: a bitwise AND before the comparison.
  let mask: number | undefined;
  if ((field === 'meta mark' || field === 'ct mark') && BITOPS[ts.word()] === 'and') {
    ts.next();
    mask = parseElem('mark', ts.next()).lo;
  }
  const neg = ts.accept('!=');
  if (!neg) ts.accept('==');
  return {
    op: 'cmp',
    field,
    neg,
    rhs: parseRhs(ts, field, key),
    ...(key ? { key } : {}),
    ...(mask !== undefined ? { mask } : {}),
  };
}

/** `numgen random mod 2 [offset N]`, then a comparison or a verdict map over its value. */
function parseNumgen(ts: Tokens): NftExpr {
  ts.expect('numgen');
  const mode = ts.next();
  if (mode.text !== 'random' && mode.text !== 'inc')
    throw new NftError(`syntax error, unexpected ${mode.text}`, mode.at, mode.len);
  ts.expect('mod');
  const mod = parseElem('integer', ts.next()).lo;
  const offset = ts.accept('offset') ? parseElem('integer', ts.next()).lo : 0;
  return parseMatch(ts, 'numgen', { kind: 'numgen', mode: mode.text, mod, offset });
}

/** `update @set { ip saddr }` (also spelled `add`): the packet's key goes into a dynamic set. */
function parseUpdate(ts: Tokens): NftExpr {
  ts.next();
  ts.expect('@');
  const set = ts.next().text;
  ts.expect('{');
  const field = parseField(ts);
  if (!field) throw ts.unexpected();
  ts.expect('}');
  return { op: 'update', set, field };
}

const FIB_FLAGS = ['saddr', 'daddr', 'mark', 'iif', 'oif'] as const;
type FibFlag = (typeof FIB_FLAGS)[number];

/** fib_tuple: flags joined by '.'; where the tuple's tokens start and end, for its errors. */
function parseFibTuple(ts: Tokens): { flags: Set<FibFlag>; at: number; len: number } {
  const first = ts.peek();
  const flags = new Set<FibFlag>();
  do {
    const w = ts.word() as FibFlag;
    if (!FIB_FLAGS.includes(w)) throw ts.unexpected();
    ts.next();
    flags.add(w);
  } while (ts.accept('.'));
  const last = ts.toks[ts.i - 1]!;
  return { flags, at: first!.at, len: last.at + last.len - first!.at };
}

/** The checks of nft's fib_expr rule, made once the result word is read (errors span the tuple). */
function checkFibTuple({ flags, at, len }: { flags: Set<FibFlag>; at: number; len: number }): void {
  if (!flags.has('saddr') && !flags.has('daddr'))
    throw new NftError('fib: need either saddr or daddr', at, len);
  if (flags.has('saddr') && flags.has('daddr'))
    throw new NftError('fib: saddr and daddr are mutually exclusive', at, len);
  if (flags.has('iif') && flags.has('oif'))
    throw new NftError('fib: iif and oif are mutually exclusive', at, len);
}

/** oif's right-hand side: `missing` or `exists` (nft's boolean for a lookup that found no device). */
function fibOifRhs(ts: Tokens): NftRhs {
  const t = ts.next();
  if (t.text !== 'missing' && t.text !== 'exists')
    throw new NftError('syntax error, unexpected ' + t.text, t.at, t.len);
  const v = t.text === 'exists' ? 1 : 0;
  return { kind: 'value', elem: { lo: v, hi: v, text: t.text } };
}

/** `fib saddr . iif oif missing`, `fib daddr type local`, `fib daddr oifname "eth0"`. */
function parseFib(ts: Tokens): NftExpr {
  const tuple = parseFibTuple(ts);
  const result = ts.word();
  if (result !== 'type' && result !== 'oif' && result !== 'oifname') {
    const e = ts.unexpected();
    throw new NftError(`${e.message}, expecting type or oif or oifname`, e.at, e.len);
  }
  ts.next();
  checkFibTuple(tuple);
  const flags = tuple.flags;
  const fib: NftFib = {
    key: flags.has('saddr') ? 'saddr' : 'daddr',
    flags: (['mark', 'iif', 'oif'] as const).filter((f) => flags.has(f)),
    result,
  };
  const neg = ts.accept('!=');
  if (!neg) ts.accept('==');
  if (result === 'oif') return { op: 'fib', fib, neg, rhs: fibOifRhs(ts) };
  if (result === 'oifname')
    return { op: 'fib', fib, neg, rhs: { kind: 'value', elem: parseElem('ifname', ts.next()) } };
  if (ts.word() !== '{')
    return { op: 'fib', fib, neg, rhs: { kind: 'value', elem: parseElem('fib_addrtype', ts.next()) } };
  ts.expect('{');
  const elems: NftElem[] = [];
  while (!ts.accept('}')) {
    elems.push(parseElem('fib_addrtype', ts.next()));
    if (!ts.accept(',') && ts.word() !== '}') throw ts.unexpected();
  }
  return { op: 'fib', fib, neg, rhs: { kind: 'set', elems: sortElems(elems) } };
}

function parseReject(ts: Tokens): NftExpr {
  if (!ts.accept('with')) return { op: 'reject' };
  const w = ts.word();
  let with_: NftRejectWith;
  if (w === 'tcp') {
    ts.next();
    ts.expect('reset');
    with_ = { kind: 'tcp reset' };
  } else if (w === 'icmp' || w === 'icmpv6' || w === 'icmpx') {
    ts.next();
    ts.accept('type');
    with_ = { kind: w, type: ts.next().text };
  } else throw ts.unexpected();
  return { op: 'reject', with: with_ };
}

const portAfterColon = (ts: Tokens): NftElem | undefined =>
  ts.accept(':') ? parseElem('inet_service', ts.next()) : undefined;

function parseNat(ts: Tokens, table: NftTable): NftExpr {
  const head = ts.next();
  const op = head.text as 'snat' | 'dnat' | 'masquerade' | 'redirect';
  if (op === 'masquerade' || op === 'redirect') {
    const port = ts.accept('to') ? portAfterColon(ts) : undefined;
    // nf_nat flags: fully-random is what kube-proxy asks for (NF_NAT_RANGE_PROTO_RANDOM_FULLY).
    const fullyRandom = op === 'masquerade' && ts.accept('fully-random');
    return { op, ...(port ? { port } : {}), ...(fullyRandom ? { fullyRandom } : {}) };
  }
  const ip = ts.accept('ip') ? 'ip' : ts.accept('ip6') ? 'ip6' : undefined;
  if (table.family === 'inet' && !ip && ts.word(1) !== ':')
    throw new NftError('ip or ip6 must be specified with address for inet tables.', head.at, head.len);
  // The address's family: the table's, or in inet the word before `to`.
  const v6 = (ip ?? table.family) === 'ip6';
  ts.expect('to');
  if (ts.word() === ':') return { op, to: { port: portAfterColon(ts) } };
  const field = KEYS[ts.word()] ? parseField(ts) : undefined;
  if (field) {
    ts.expect('map');
    return { op, to: { map: { field, rhs: parseMapRhs(ts, field, 'ip daddr') } } };
  }
  const addr = parseElem(v6 ? 'ipv6_addr' : 'ipv4_addr', ts.next());
  const port = portAfterColon(ts);
  const fam = ip === 'ip6' ? { ip6: true as const } : {};
  return { op, to: port ? { addr, port, ...fam } : { addr, ...fam } };
}

/**
 * A table's family fixes the network header: ip and ip6 payloads conflict with the other
 * family's table, and meta nfproto only tells anything in inet (nft's checks, in its words).
 */
function checkFamily(table: NftTable, field: NftField, first: Token, last: Token): void {
  const at = first.at;
  const len = last.at + last.len - first.at;
  if (field === 'meta nfproto' && table.family !== 'inet')
    throw new NftError('meta nfproto is only useful in the inet family', at, len);
  const head = field.split(' ')[0];
  const other = table.family === 'ip' ? 'ip6' : table.family === 'ip6' ? 'ip' : undefined;
  if (head === other)
    throw new NftError(`conflicting protocols specified: ${table.family} vs. ${head}`, at, len);
}

/** One statement at the cursor. */
function parseStatement(ts: Tokens, table: NftTable, r: Omit<NftRule, 'handle' | 'origin'>): void {
  const w = ts.word();
  const verdict = parseVerdict(ts);
  if (verdict) return void r.exprs.push({ op: 'verdict', verdict });
  if (w === 'counter') {
    ts.next();
    let packets = 0;
    let bytes = 0;
    if (ts.accept('packets')) packets = Number(ts.next().text);
    if (ts.accept('bytes')) bytes = Number(ts.next().text);
    return void r.exprs.push({ op: 'counter', packets, bytes });
  }
  if (w === 'comment') {
    ts.next();
    r.comment = ts.next().text;
    return;
  }
  if (w === 'log') {
    ts.next();
    return void r.exprs.push(ts.accept('prefix') ? { op: 'log', prefix: ts.next().text } : { op: 'log' });
  }
  if (w === 'reject') {
    ts.next();
    return void r.exprs.push(parseReject(ts));
  }
  if (w === 'fib') {
    ts.next();
    return void r.exprs.push(parseFib(ts));
  }
  if (w === 'snat' || w === 'dnat' || w === 'masquerade' || w === 'redirect')
    return void r.exprs.push(parseNat(ts, table));
  if (w === 'numgen') return void r.exprs.push(parseNumgen(ts));
  if ((w === 'update' || w === 'add') && ts.word(1) === '@') return void r.exprs.push(parseUpdate(ts));
  const start = ts.peek();
  const k = parseKey(ts);
  if (k && start) checkFamily(table, k.field, start, ts.toks[ts.i - 1]!);
  if (!k) {
    // An unknown word is a symbol compared with the next one: with none, the grammar ends early.
    const t = ts.peek();
    if (!t || t.quoted || !/^[a-z]/.test(t.text)) throw ts.unexpected();
    ts.next();
    if (ts.atEnd()) throw ts.unexpected();
    throw new NftError('No symbol type information', t.at, t.len);
  }
  r.exprs.push(parseMatch(ts, k.field, k.key));
}

/** A rule's statements up to the end of the statement (newline, ';' or '}'). */
export function parseRule(ts: Tokens, table: NftTable): Omit<NftRule, 'handle' | 'origin'> {
  const r: Omit<NftRule, 'handle' | 'origin'> = { exprs: [] };
  while (!ts.atEnd()) parseStatement(ts, table, r);
  return r;
}
