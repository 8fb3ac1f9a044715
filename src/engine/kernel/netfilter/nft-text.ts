/**
 * An nf_tables ruleset's text exactly as nft 1.0 prints it in `nft list ruleset`: the kernel
 * holds expressions, and nft decodes them back into its language (dropping the protocol
 * dependencies it added, naming standard priorities). The Trace names traversed nft rules by
 * this text too, as it names iptables rules by iptables-save's.
 */
import type {
  NftKey,
  NftBaseChain,
  NftChain,
  NftElem,
  NftExpr,
  NftFamily,
  NftFib,
  NftField,
  NftMapRhs,
  NftRhs,
  NftRule,
  NftSet,
  NftState,
  NftTable,
  NftVerdict,
} from './nft-types';

const FIELD_TEXT: Partial<Record<NftField, string>> = {
  'meta iifname': 'iifname',
  'meta oifname': 'oifname',
  'meta iif': 'iif',
  'meta oif': 'oif',
};

/** The protocol an expression's header belongs to (its implicit dependency). */
export function fieldProto(field: NftField): string | undefined {
  const head = field.split(' ')[0]!;
  if (head === 'icmpv6') return 'ipv6-icmp';
  return head === 'tcp' || head === 'udp' || head === 'icmp' ? head : undefined;
}

export const fieldText = (f: NftField): string => FIELD_TEXT[f] ?? f;

export function verdictText(v: NftVerdict): string {
  return v.kind === 'jump' || v.kind === 'goto' ? `${v.kind} ${v.chain}` : v.kind;
}

const elemsText = (xs: string[]): string => `{ ${xs.join(', ')} }`;

/** An element as nft lists it: its key, then its comment if it has one. */
const elemText = (e: NftElem): string =>
  e.comment !== undefined ? `${e.text} comment "${e.comment}"` : e.text;

function rhsText(r: NftRhs): string {
  if (r.kind === 'value') return r.elem.text;
  if (r.kind === 'ref') return `@${r.name}`;
  return elemsText(r.elems.map(elemText));
}

const dataText = (d: NftElem | NftVerdict): string => ('text' in d ? d.text : verdictText(d));

function mapText(r: NftMapRhs): string {
  if (r.kind === 'ref') return `@${r.name}`;
  return elemsText(r.elems.map((e) => `${elemText(e.key)} : ${dataText(e.data)}`));
}

/** A key as written: a field, a concatenation of fields, or a number generator. */
function keyText(field: NftField, key?: NftKey): string {
  if (key?.kind === 'concat') return key.fields.map(fieldText).join(' . ');
  if (key?.kind === 'numgen')
    return `numgen ${key.mode} mod ${key.mod}${key.offset ? ` offset ${key.offset}` : ''}`;
  return fieldText(field);
}

const BITOP_TEXT = { or: '|', xor: '^', and: '&' } as const;

/** nft's time format (time_print): 10800 seconds is "3h". */
export function durationText(secs: number): string {
  const parts: [number, string][] = [
    [Math.floor(secs / 86400), 'd'],
    [Math.floor((secs % 86400) / 3600), 'h'],
    [Math.floor((secs % 3600) / 60), 'm'],
    [secs % 60, 's'],
  ];
  return (
    parts
      .filter(([n]) => n > 0)
      .map(([n, u]) => `${n}${u}`)
      .join('') || '0s'
  );
}

const hex32 = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

function natText(e: Extract<NftExpr, { op: 'snat' | 'dnat' }>, family: NftFamily): string {
  const t = e.to;
  const head = family === 'inet' ? `${e.op} ${t.ip6 ? 'ip6' : 'ip'} to` : `${e.op} to`;
  if (t.map) return `${head} ${fieldText(t.map.field)} map ${mapText(t.map.rhs)}`;
  // An IPv6 address before a port goes in brackets (nft_nat's print of NFPROTO_IPV6).
  const addr = t.addr?.a6 && t.port ? `[${t.addr.text}]` : (t.addr?.text ?? '');
  return `${head} ${addr}${t.port ? `:${t.port.text}` : ''}`;
}

function rejectText(e: Extract<NftExpr, { op: 'reject' }>, family: NftFamily): string {
  const w = e.with;
  if (!w) return 'reject';
  if (w.kind === 'tcp reset') return 'reject with tcp reset';
  // port-unreachable is the default for ip (icmp), ip6 (icmpv6) and inet (icmpx): not printed.
  const own = family === 'inet' ? 'icmpx' : family === 'ip6' ? 'icmpv6' : 'icmp';
  if (w.type === 'port-unreachable' && w.kind === own) return 'reject';
  return `reject with ${w.kind} ${w.type}`;
}

/** fib_expr_print: the flags in nft's order (saddr, daddr, mark, iif, oif) joined by ' . '. */
function fibText(f: NftFib): string {
  return `fib ${[f.key, ...f.flags].join(' . ')} ${f.result}`;
}

export function exprText(e: NftExpr, family: NftFamily): string {
  switch (e.op) {
    case 'cmp': {
      // A masked comparison is printed with its operator even when it is ==.
      const mask = e.mask !== undefined ? ` & ${hex32(e.mask)} ${e.neg ? '!=' : '=='}` : '';
      const op = mask ? '' : e.neg ? '!= ' : '';
      return `${keyText(e.field, e.key)}${mask} ${op}${rhsText(e.rhs)}`;
    }
    case 'fib':
      return `${fibText(e.fib)} ${e.neg ? '!= ' : ''}${rhsText(e.rhs)}`;
    case 'counter':
      return `counter packets ${e.packets} bytes ${e.bytes}`;
    case 'verdict':
      return verdictText(e.verdict);
    case 'vmap':
      return `${keyText(e.field, e.key)} vmap ${mapText(e.rhs)}`;
    case 'reject':
      return rejectText(e, family);
    case 'snat':
    case 'dnat':
      return natText(e, family);
    case 'masquerade':
    case 'redirect': {
      const flags = e.op === 'masquerade' && e.fullyRandom ? ' fully-random' : '';
      return `${e.port ? `${e.op} to :${e.port.text}` : e.op}${flags}`;
    }
    case 'set':
      return e.bitop
        ? `${e.key} set ${e.bitop.from} ${BITOP_TEXT[e.bitop.op]} ${hex32(e.value)}`
        : `${e.key} set ${hex32(e.value)}`;
    case 'update':
      return `update @${e.set} { ${fieldText(e.field)} }`;
    case 'log':
      return e.prefix !== undefined ? `log prefix "${e.prefix}"` : 'log';
  }
}

/**
 * A protocol match nft added itself (or that says no more than the next expression's own
 * dependency): `ip protocol tcp` before `tcp dport` in an ip table, `meta l4proto tcp` in any.
 */
function isDependency(e: NftExpr, next: NftExpr | undefined, family: NftFamily): boolean {
  if (e.op !== 'cmp' || e.neg || e.rhs.kind !== 'value' || e.key) return false;
  if (e.field !== 'meta l4proto' && !(e.field === 'ip protocol' && family === 'ip')) return false;
  const proto = next && (next.op === 'cmp' || next.op === 'vmap') ? fieldProto(next.field) : undefined;
  return proto !== undefined && proto === e.rhs.elem.text;
}

/** One rule as `nft list ruleset` prints it. */
export function nftRuleText(family: NftFamily, r: NftRule): string {
  const parts: string[] = [];
  r.exprs.forEach((e, i) => {
    if (!isDependency(e, r.exprs[i + 1], family)) parts.push(exprText(e, family));
  });
  if (r.comment !== undefined) parts.push(`comment "${r.comment}"`);
  return parts.join(' ');
}

/** Standard priorities, in nft's lookup order (std_prios), and the hooks where each name applies. */
const STD_PRIOS: [string, number, string[] | undefined][] = [
  ['raw', -300, undefined],
  ['mangle', -150, undefined],
  ['dstnat', -100, ['prerouting']],
  ['filter', 0, undefined],
  ['security', 50, undefined],
  ['srcnat', 100, ['postrouting']],
];

/** prio2str: the first standard priority within 10 names it ("filter + 5"), if it applies to the hook. */
export function priorityText(prio: number, hook: string): string {
  for (const [name, value, hooks] of STD_PRIOS) {
    if (Math.abs(prio - value) > 10) continue;
    if (hooks && !hooks.includes(hook)) break;
    const off = prio - value;
    return off > 0 ? `${name} + ${off}` : off < 0 ? `${name} - ${-off}` : name;
  }
  return String(prio);
}

export function baseChainText(b: NftBaseChain): string {
  return `type ${b.type} hook ${b.hook} priority ${priorityText(b.priority, b.hook)}; policy ${b.policy};`;
}

/**
 * calculate_delimiter: a named set's elements wrap after so many per line, by key type
 * (numbers five, addresses and ct flags two, anything else, concatenations too, one).
 */
const PER_LINE: Partial<Record<NftSet['keyType'], number>> = {
  inet_service: 5,
  inet_proto: 5,
  mark: 5,
  integer: 5,
  ipv4_addr: 2,
  ct_state: 2,
  ct_status: 2,
};

/** A set or map block, as `nft list table` prints it. */
export function setLines(s: NftSet): string[] {
  const out = [`\t${s.map ? 'map' : 'set'} ${s.name} {`];
  const key = (s.keyTypes ?? [s.keyType]).join(' . ');
  out.push(`\t\ttype ${key}${s.map ? ` : ${s.dataType}` : ''}`);
  // A set the packet path adds to gets nft's default size for dynamic sets.
  if (s.flags.includes('dynamic')) out.push('\t\tsize 65535');
  if (s.flags.length) out.push(`\t\tflags ${s.flags.join(',')}`);
  if (s.timeout !== undefined) out.push(`\t\ttimeout ${durationText(s.timeout)}`);
  if (s.comment !== undefined) out.push(`\t\tcomment "${s.comment}"`);
  if (s.elems.length) {
    const xs = s.elems.map((e, i) => (s.map ? `${elemText(e)} : ${dataText(s.data[i]!)}` : elemText(e)));
    const every = s.keyTypes ? 1 : (PER_LINE[s.keyType] ?? 1);
    const body = xs.map((x, i) => (i === 0 ? '' : i % every === 0 ? ',\n\t\t\t     ' : ', ') + x).join('');
    out.push(...`\t\telements = { ${body} }`.split('\n'));
  }
  out.push('\t}');
  return out;
}

/** How many lines setLines(s) gives, without printing the elements. */
export function setLineCount(s: NftSet): number {
  let n = 3 + (s.flags.includes('dynamic') ? 1 : 0) + (s.flags.length ? 1 : 0);
  n += (s.timeout !== undefined ? 1 : 0) + (s.comment !== undefined ? 1 : 0);
  const every = s.keyTypes ? 1 : (PER_LINE[s.keyType] ?? 1);
  return n + Math.ceil(s.elems.length / every);
}

/** A chain block, as `nft list table` prints it; `origins` receives each line's provenance. */
export function chainLines(t: NftTable, c: NftChain, origins?: string[]): string[] {
  const out = [`\tchain ${c.name} {`];
  if (c.comment !== undefined) out.push(`\t\tcomment "${c.comment}"`);
  if (c.base) out.push(`\t\t${baseChainText(c.base)}`);
  const head = out.length;
  for (const r of c.rules) out.push(`\t\t${nftRuleText(t.family, r)}`);
  out.push('\t}');
  origins?.push(
    ...out.map((_, i) => (i >= head && i < out.length - 1 ? (c.rules[i - head]?.origin ?? '') : '')),
  );
  return out;
}

/** `nft list table FAMILY NAME`: sets and maps first, then chains, blocks separated by a blank line. */
export function nftTableLines(t: NftTable, origins?: string[]): string[] {
  const out = [`table ${t.family} ${t.name} {`];
  origins?.push('');
  if (t.comment !== undefined) {
    out.push(`\tcomment "${t.comment}"`);
    origins?.push('');
  }
  const top = out.length;
  const blank = (): void => {
    if (out.length === top) return;
    out.push('');
    origins?.push('');
  };
  for (const set of t.sets.values()) {
    blank();
    const ls = setLines(set);
    out.push(...ls);
    origins?.push(...ls.map(() => ''));
  }
  for (const c of t.chains.values()) {
    blank();
    out.push(...chainLines(t, c, origins));
  }
  out.push('}');
  origins?.push('');
  return out;
}

/** `nft list ruleset`; `origins` receives each line's provenance (a rule's, else ''). */
export function nftRulesetLines(st: NftState, origins?: string[]): string[] {
  return st.tables.flatMap((t) => nftTableLines(t, origins));
}
