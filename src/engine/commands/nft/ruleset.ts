/**
 * nft's commands applied to a ruleset: add/create/insert/delete/flush/list of tables, chains,
 * rules, sets, maps and elements, in the command-line form (`add rule ip t c ...`) and the
 * file form (`table ip t { chain c { ... } }`). Errors carry the place nft points at.
 */
import type {
  NftBaseChain,
  NftChain,
  NftDatatype,
  NftFamily,
  NftField,
  NftHookName,
  NftRule,
  NftSet,
  NftState,
  NftTable,
} from '../../kernel/netfilter/nft-types';
import { registerBaseChain } from '../../kernel/netfilter/nft-hooks';
import { nftRulesetLines, nftTableLines } from '../../kernel/netfilter/nft-text';
import { NftError, type Token, type Tokens } from './lex';
import { parseElemList, parseMapList, parseRule } from './rule';
import { keyCmp, TYPE_NAMES } from './values';

const FAMILIES = new Set(['ip', 'ip6', 'inet']);
const PRIO_NAMES: Record<string, number> = {
  raw: -300,
  mangle: -150,
  dstnat: -100,
  filter: 0,
  security: 50,
  srcnat: 100,
};
const enoent = (t: Token): NftError =>
  new NftError('Could not process rule: No such file or directory', t.at, t.len);

/** The key field a set type's elements parse as (a stand-in field of that datatype). */
const TYPE_FIELD: Partial<Record<NftDatatype, NftField>> = {
  ipv4_addr: 'ip daddr',
  ipv6_addr: 'ip6 daddr',
  icmpv6_type: 'icmpv6 type',
  inet_service: 'th dport',
  inet_proto: 'meta l4proto',
  ifname: 'meta iifname',
  mark: 'meta mark',
  icmp_type: 'icmp type',
};

export interface Ctx {
  st: NftState;
  /** The tables iptables-nft made in this namespace, listed after nft's own (xt-nft-text.ts). */
  xt?: { name: string; lines: string[] }[];
  /** `nft flush ruleset` removes those too. */
  flushXt?: () => void;
  origin: string;
  out: string[];
  /** Chains that rules jump or go to, checked when the batch ends. */
  pending: { table: NftTable; from: string; tok: Token }[];
}

function family(ts: Tokens): NftFamily {
  const w = ts.word();
  if (FAMILIES.has(w)) {
    ts.next();
    return w as NftFamily;
  }
  return 'ip';
}

/**
 * table_not_found: nft suggests a table from its cache (the same name in another family that
 * has the chain asked for, else a table of the family asked for); with none, or when deleting,
 * the kernel's ENOENT. (The choice follows what nft 1.0.6 printed in test/fixtures/nft.)
 */
function getTable(c: Ctx, fam: NftFamily, t: Token, chain?: string): NftTable {
  const table = c.st.table(fam, t.text);
  if (table) return table;
  const sameName = c.st.tables.find((x) => x.name === t.text);
  const other = sameName
    ? chain !== undefined && sameName.chains.has(chain)
      ? sameName
      : undefined
    : c.st.tables.find((x) => x.family === fam);
  if (other && chain !== undefined)
    throw new NftError(
      `No such file or directory; did you mean table ‘${other.name}’ in family ${other.family}?`,
      t.at,
      t.len,
    );
  throw enoent(t);
}

function getChain(table: NftTable, t: Token): NftChain {
  const ch = table.chains.get(t.text);
  if (!ch) throw enoent(t);
  return ch;
}

function addTable(c: Ctx, fam: NftFamily, name: string): NftTable {
  let t = c.st.table(fam, name);
  if (!t) {
    t = {
      family: fam,
      name,
      handle: c.st.nextTableHandle++,
      chains: new Map(),
      sets: new Map(),
      nextHandle: 1,
    };
    c.st.tables.push(t);
  }
  return t;
}

function parsePriority(ts: Tokens): number {
  const t = ts.next();
  const n = /^-?\d+$/.test(t.text) ? Number(t.text) : PRIO_NAMES[t.text];
  if (n === undefined) throw new NftError(`'${t.text}' is invalid priority.`, t.at, t.len);
  const sign = ts.word();
  if ((sign === '+' || sign === '-') && /^\d+$/.test(ts.word(1))) {
    ts.next();
    return n + (sign === '+' ? 1 : -1) * Number(ts.next().text);
  }
  return n;
}

/** `type filter hook input priority 0; policy drop;` */
function parseBase(ts: Tokens): NftBaseChain {
  ts.expect('type');
  const type = ts.next().text;
  if (type !== 'filter' && type !== 'nat' && type !== 'route') throw ts.unexpected();
  ts.expect('hook');
  const hookTok = ts.next();
  const hook = hookTok.text;
  if (!['prerouting', 'input', 'forward', 'output', 'postrouting'].includes(hook))
    throw new NftError(`unknown chain hook`, hookTok.at, hookTok.len);
  ts.expect('priority');
  const priority = parsePriority(ts);
  return { type, hook: hook as NftBaseChain['hook'], priority, policy: 'accept' };
}

const skipSeps = (ts: Tokens): void => {
  while (ts.accept('\n') || ts.accept(';'));
};

/** A chain's `{ ... }` body: the base chain line, policy, and rules. */
function chainBody(c: Ctx, ts: Tokens, table: NftTable, ch: NftChain): void {
  ts.expect('{');
  for (skipSeps(ts); !ts.accept('}'); skipSeps(ts)) {
    if (ts.word() === 'type') {
      const before = ch.base;
      ch.base = { ...parseBase(ts), policy: before?.policy ?? 'accept' };
      registerBaseChain(ch.base, before);
    } else if (ts.word() === 'comment') {
      ts.next();
      ch.comment = ts.next().text;
    } else if (ts.word() === 'policy') {
      ts.next();
      const p = ts.next();
      if (p.text !== 'accept' && p.text !== 'drop')
        throw new NftError(`syntax error, unexpected ${p.text}`, p.at, p.len);
      if (!ch.base) throw new NftError('policy is only valid on base chains', p.at, p.len);
      ch.base.policy = p.text;
    } else addRule(c, ts, table, ch, 'append');
  }
}

function addChain(c: Ctx, ts: Tokens, table: NftTable, name: string): NftChain {
  let ch = table.chains.get(name);
  if (!ch) {
    ch = { name, handle: table.nextHandle++, rules: [] };
    table.chains.set(name, ch);
  }
  if (ts.word() === '{') chainBody(c, ts, table, ch);
  return ch;
}

/**
 * Add or insert a rule. nft evaluates the rule before the kernel looks up the chain, so a bad
 * rule is reported before a missing chain; `position`/`handle`/`index` place it.
 */
/**
 * nft_fib_validate: `oif` and `oifname` (and `type` with `. iif`) only where there is an input
 * device, `type` with `. oif` only where there is an output one. The kernel refuses the rule.
 */
const FIB_HOOKS: Record<string, NftHookName[]> = {
  in: ['prerouting', 'input', 'forward'],
  out: ['output', 'postrouting', 'forward'],
};

function fibValid(r: Omit<NftRule, 'handle' | 'origin'>, hook: NftHookName): boolean {
  return r.exprs.every((e) => {
    if (e.op !== 'fib') return true;
    const f = e.fib;
    if (f.result !== 'type' || f.flags.includes('iif')) return FIB_HOOKS.in!.includes(hook);
    return !f.flags.includes('oif') || FIB_HOOKS.out!.includes(hook);
  });
}

function addRule(
  c: Ctx,
  ts: Tokens,
  table: NftTable,
  chainRef: NftChain | Token,
  where: 'append' | 'insert',
  cmd?: Token,
): void {
  let place: { how: string; tok: Token } | undefined;
  if (ts.word() === 'position' || ts.word() === 'handle' || ts.word() === 'index')
    place = { how: ts.next().text, tok: ts.next() };
  const from = ts.i;
  const r = parseRule(ts, table);
  const ch = 'rules' in chainRef ? chainRef : getChain(table, chainRef);
  if (ch.base && !fibValid(r, ch.base.hook)) {
    const first = cmd ?? ts.toks[from]!;
    const last = ts.toks[ts.i - 1]!;
    // The kernel refuses the whole command: nft marks it from the verb through its newline.
    const len = last.at + last.len - first.at + 1;
    throw new NftError('Could not process rule: Operation not supported', first.at, len);
  }
  let at = where === 'append' ? ch.rules.length : 0;
  if (place) {
    const n = Number(place.tok.text);
    const i = place.how === 'index' ? n : ch.rules.findIndex((x) => x.handle === n);
    if (i < 0 || i > ch.rules.length) throw enoent(place.tok);
    at = where === 'append' ? i + 1 : i;
  }
  // Jump targets are resolved once the whole batch is in (a file may jump forward).
  for (let k = from; k < ts.i; k++) {
    const t = ts.toks[k]!;
    if (t.text === 'jump' || t.text === 'goto')
      c.pending.push({ table, from: ch.name, tok: ts.toks[k + 1]! });
  }
  ch.rules.splice(at, 0, { ...r, handle: table.nextHandle++, origin: c.origin });
}

function typeName(ts: Tokens): NftDatatype {
  const t = ts.next();
  if (!TYPE_NAMES.includes(t.text as NftDatatype))
    throw new NftError(`unknown datatype ${t.text}`, t.at, t.len);
  return t.text as NftDatatype;
}

/**
 * The element order of `set` (keyCmp), kept with the set while its key types stay: the
 * comparator remembers each element's concatenated key bytes, which a new comparator a
 * statement would work out again at every step of every binary search.
 */
const setCmps = new WeakMap<NftSet, { types: NftDatatype[]; cmp: ReturnType<typeof keyCmp> }>();

function setCmp(set: NftSet, types: NftDatatype[]): ReturnType<typeof keyCmp> {
  const known = setCmps.get(set);
  if (known && known.types.length === types.length && known.types.every((t, i) => t === types[i]))
    return known.cmp;
  const cmp = keyCmp(types);
  setCmps.set(set, { types, cmp });
  return cmp;
}

/** Add elements to a set or map (`{ a, b }` or `{ k : v, ... }`), kept in key order. */
function addElements(ts: Tokens, set: NftSet): void {
  const field = TYPE_FIELD[set.keyType] ?? 'ip daddr';
  const types = set.keyTypes ?? [set.keyType];
  const fresh = set.map
    ? parseMapList(ts, field, set.dataType === 'verdict' ? undefined : TYPE_FIELD[set.dataType!], types)
    : parseElemList(ts, field, types).map((key) => ({ key, data: undefined }));
  // The elements stay sorted: each new one goes where a binary search puts it (kube-proxy
  // adds one element a statement, 10,000 statements into one map).
  const cmp = setCmp(set, types);
  const elems = set.elems;
  for (const p of fresh) {
    let lo = 0;
    let hi = elems.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(elems[mid]!, p.key) <= 0) lo = mid + 1;
      else hi = mid;
    }
    // Already there (the same text among the elements that sort alike): nothing to add.
    let dup = false;
    for (let k = lo - 1; k >= 0 && cmp(elems[k]!, p.key) === 0; k--)
      if (elems[k]!.text === p.key.text) dup = true;
    if (dup) continue;
    elems.splice(lo, 0, p.key);
    if (set.map) set.data.splice(lo, 0, p.data!);
  }
  if (!set.map) set.data = [];
}

function deleteElements(ts: Tokens, set: NftSet): void {
  const field = TYPE_FIELD[set.keyType] ?? 'ip daddr';
  const start = ts.peek();
  const types = set.keyTypes ?? [set.keyType];
  const gone = set.map
    ? parseMapList(ts, field, undefined, types).map((m) => m.key)
    : parseElemList(ts, field, types);
  for (const g of gone) {
    const i = set.elems.findIndex((e) => e.text === g.text);
    if (i < 0) throw new NftError('Could not process rule: No such file or directory', start!.at, start!.len);
    set.elems.splice(i, 1);
    if (set.map) set.data.splice(i, 1);
  }
}

/** nft's time format: `10800s`, `3h`, `1d2h30m`, or a bare number of seconds. */
function parseDuration(t: Token): number {
  const unit: Record<string, number> = { d: 86400, h: 3600, m: 60, s: 1 };
  if (/^\d+$/.test(t.text)) return Number(t.text);
  const parts = [...t.text.matchAll(/(\d+)([dhms])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== t.text)
    throw new NftError('Wrong time format', t.at, t.len);
  return parts.reduce((n, p) => n + Number(p[1]) * unit[p[2]!]!, 0);
}

/** A set's or map's `{ type ...; flags ...; elements = { ... } }` body. */
function setBody(ts: Tokens, set: NftSet): void {
  ts.expect('{');
  for (skipSeps(ts); !ts.accept('}'); skipSeps(ts)) {
    const w = ts.next().text;
    if (w === 'type') {
      const types = [typeName(ts)];
      while (ts.accept('.')) types.push(typeName(ts));
      set.keyType = types[0]!;
      if (types.length > 1) set.keyTypes = types;
      if (set.map) {
        ts.expect(':');
        set.dataType = typeName(ts);
      }
    } else if (w === 'flags') {
      do set.flags.push(ts.next().text);
      while (ts.accept(','));
    } else if (w === 'comment') set.comment = ts.next().text;
    else if (w === 'timeout') set.timeout = parseDuration(ts.next());
    else if (w === 'size') ts.next();
    else if (w === 'elements') {
      ts.expect('=');
      addElements(ts, set);
    } else {
      ts.i--;
      throw ts.unexpected();
    }
  }
}

function addSet(ts: Tokens, table: NftTable, name: string, map: boolean): void {
  let set = table.sets.get(name);
  if (!set) {
    set = { name, handle: table.nextHandle++, map, keyType: 'ipv4_addr', flags: [], elems: [], data: [] };
    table.sets.set(name, set);
  }
  if (ts.word() === '{') setBody(ts, set);
}

/** A table's `{ ... }` body in the file form. */
function tableBody(c: Ctx, ts: Tokens, table: NftTable): void {
  ts.expect('{');
  for (skipSeps(ts); !ts.accept('}'); skipSeps(ts)) {
    const w = ts.next().text;
    const name = ts.next().text;
    if (w === 'comment') table.comment = name;
    else if (w === 'chain') addChain(c, ts, table, name);
    else if (w === 'set' || w === 'map') addSet(ts, table, name, w === 'map');
    else {
      ts.i -= 2;
      throw ts.unexpected();
    }
  }
}

function addCmd(c: Ctx, ts: Tokens, verb: 'add' | 'insert'): void {
  const verbTok = ts.toks[ts.i - 1];
  const obj = ts.next();
  if (obj.text === 'table') {
    const t = addTable(c, family(ts), ts.next().text);
    if (ts.word() === '{') tableBody(c, ts, t);
    return;
  }
  const fam = family(ts);
  const tableTok = ts.next();
  const table = getTable(c, fam, tableTok, ts.word());
  const nameTok = ts.next();
  if (obj.text === 'chain' && verb === 'add') addChain(c, ts, table, nameTok.text);
  else if (obj.text === 'rule') addRule(c, ts, table, nameTok, verb === 'add' ? 'append' : 'insert', verbTok);
  else if ((obj.text === 'set' || obj.text === 'map') && verb === 'add')
    addSet(ts, table, nameTok.text, obj.text === 'map');
  else if (obj.text === 'element' && verb === 'add') {
    const set = table.sets.get(nameTok.text);
    if (!set) throw enoent(nameTok);
    addElements(ts, set);
  } else throw new NftError(`syntax error, unexpected ${obj.text}`, obj.at, obj.len);
}

function chainInUse(table: NftTable, name: string): boolean {
  const jumps = (v: unknown): boolean =>
    typeof v === 'object' && v !== null && 'chain' in v && (v as { chain: string }).chain === name;
  for (const ch of table.chains.values())
    for (const r of ch.rules)
      for (const e of r.exprs) {
        if (e.op === 'verdict' && jumps(e.verdict)) return true;
        if (e.op === 'vmap' && e.rhs.kind === 'map' && e.rhs.elems.some((m) => jumps(m.data))) return true;
      }
  return [...table.sets.values()].some((s) => s.data.some(jumps));
}

function deleteCmd(c: Ctx, ts: Tokens): void {
  const obj = ts.next();
  const fam = family(ts);
  const tTok = ts.next();
  const table = obj.text === 'table' ? c.st.table(fam, tTok.text) : getTable(c, fam, tTok, '');
  if (!table) throw enoent(tTok);
  if (obj.text === 'table') return void c.st.tables.splice(c.st.tables.indexOf(table), 1);
  const nameTok = ts.next();
  if (obj.text === 'chain') {
    const ch = getChain(table, nameTok);
    // The kernel refuses only a chain something still jumps to (its use count), not a full one.
    if (chainInUse(table, ch.name))
      throw new NftError('Could not process rule: Device or resource busy', nameTok.at, nameTok.len);
    table.chains.delete(ch.name);
  } else if (obj.text === 'rule') {
    const ch = getChain(table, nameTok);
    ts.expect('handle');
    const h = ts.next();
    const i = ch.rules.findIndex((r) => r.handle === Number(h.text));
    if (i < 0) throw enoent(h);
    ch.rules.splice(i, 1);
  } else if (obj.text === 'set' || obj.text === 'map') {
    if (!table.sets.delete(nameTok.text)) throw enoent(nameTok);
  } else if (obj.text === 'element') {
    const set = table.sets.get(nameTok.text);
    if (!set) throw enoent(nameTok);
    deleteElements(ts, set);
  } else throw new NftError(`syntax error, unexpected ${obj.text}`, obj.at, obj.len);
}

function flushCmd(c: Ctx, ts: Tokens): void {
  const obj = ts.next();
  if (obj.text === 'ruleset') {
    c.flushXt?.();
    return void (c.st.tables = []);
  }
  const table = getTable(c, family(ts), ts.next());
  if (obj.text === 'table') for (const ch of table.chains.values()) ch.rules = [];
  else if (obj.text === 'chain') getChain(table, ts.next()).rules = [];
  else if (obj.text === 'set' || obj.text === 'map') {
    const nameTok = ts.next();
    const set = table.sets.get(nameTok.text);
    if (!set) throw enoent(nameTok);
    set.elems = [];
    set.data = [];
  } else throw new NftError(`syntax error, unexpected ${obj.text}`, obj.at, obj.len);
}

function listCmd(c: Ctx, ts: Tokens): void {
  const obj = ts.next();
  const xt = c.xt ?? [];
  if (obj.text === 'ruleset') return void c.out.push(...nftRulesetLines(c.st), ...xt.flatMap((t) => t.lines));
  if (obj.text === 'tables')
    return void c.out.push(
      ...c.st.tables.map((t) => `table ${t.family} ${t.name}`),
      ...xt.map((t) => `table ip ${t.name}`),
    );
  const fam = family(ts);
  const tTok = ts.next();
  const table = c.st.table(fam, tTok.text);
  const xtTable = fam === 'ip' ? xt.find((t) => t.name === tTok.text) : undefined;
  if (!table && xtTable && obj.text === 'table') return void c.out.push(...xtTable.lines);
  if (!table) throw new NftError('No such file or directory', tTok.at, tTok.len);
  if (obj.text === 'table') return void c.out.push(...nftTableLines(table));
  const nameTok = ts.next();
  if (obj.text === 'chain') {
    const ch = getChain(table, nameTok);
    const only: NftTable = { ...table, sets: new Map(), chains: new Map([[ch.name, ch]]) };
    return void c.out.push(...nftTableLines(only));
  }
  if (obj.text === 'set' || obj.text === 'map') {
    const set = table.sets.get(nameTok.text);
    if (!set) throw new NftError('No such file or directory', nameTok.at, nameTok.len);
    const only: NftTable = { ...table, chains: new Map(), sets: new Map([[set.name, set]]) };
    return void c.out.push(...nftTableLines(only));
  }
  throw new NftError(`syntax error, unexpected ${obj.text}`, obj.at, obj.len);
}

/** One command (command-line form, or one top-level statement of a file). */
export function runStatement(c: Ctx, ts: Tokens): void {
  const verb = ts.next();
  switch (verb.text) {
    case 'add':
    case 'create':
      return addCmd(c, ts, 'add');
    case 'insert':
      return addCmd(c, ts, 'insert');
    case 'delete':
      return deleteCmd(c, ts);
    case 'flush':
      return flushCmd(c, ts);
    case 'list':
      return listCmd(c, ts);
    case 'table': {
      const t = addTable(c, family(ts), ts.next().text);
      if (ts.word() === '{') tableBody(c, ts, t);
      return;
    }
  }
  throw new NftError(
    `syntax error, unexpected ${verb.quoted ? 'quoted string' : verb.text}`,
    verb.at,
    verb.len,
  );
}

/** Every statement of the input, separated by newlines or semicolons. */
export function runAll(c: Ctx, ts: Tokens): void {
  for (skipSeps(ts); ts.peek(); skipSeps(ts)) {
    ts.release();
    runStatement(c, ts);
    if (!ts.atEnd() || ts.word() === '}') throw ts.unexpected();
  }
  for (const p of c.pending) {
    if (p.table.chains.has(p.tok.text)) continue;
    // chain_not_found suggests another chain of the table.
    const other = [...p.table.chains.keys()].find((n) => n !== p.from);
    if (!other) throw enoent(p.tok);
    const where = `table ${p.table.family} ‘${p.table.name}’`;
    throw new NftError(
      `No such file or directory; did you mean chain ‘${other}’ in ${where}?`,
      p.tok.at,
      p.tok.len,
    );
  }
}
