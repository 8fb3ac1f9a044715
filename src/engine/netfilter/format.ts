/**
 * Rules and tables printed exactly as iptables 1.8.9 (nf_tables backend) prints them:
 * `iptables-save` / `iptables -S` (formatRule is the single source of truth for a rule's
 * text: the evaluator names the rows it traverses by it) and `iptables -L [-n] [-v] [-x]
 * [--line-numbers]` with its column layout and per-module wording.
 */
import { formatIp } from '../net/ipv4';
import type { IptablesState } from './state';
import {
  ICMP_TYPES,
  isBuiltin,
  orderedChains,
  protoNumber,
  referenceCount,
  serviceName,
  visibleTables,
} from './tables';
import type {
  AddrMatch,
  Chain,
  CtState,
  Match,
  NatRange,
  PortRange,
  Rule,
  Table,
  TableId,
  Target,
} from './types';

/** xtables_save_string: bare when only [A-Za-z0-9_-], else double-quoted with \" \\ \' escaped. */
export function saveString(value: string): string {
  if (/^[A-Za-z0-9_-]+$/.test(value)) return value;
  return `"${value.replace(/["\\']/g, (c) => `\\${c}`)}"`;
}

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;
const not = (neg: boolean): string => (neg ? ' !' : '');

function addrText(a: AddrMatch): string {
  return `${formatIp(a.addr)}/${a.len}`;
}

function portText(r: PortRange): string {
  return r.from === r.to ? `${r.from}` : `${r.from}:${r.to}`;
}

const CT_ORDER: CtState[] = ['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED', 'SNAT', 'DNAT'];
const stateList = (s: CtState[]): string => CT_ORDER.filter((x) => s.includes(x)).join(',');

const TCP_FLAG_BITS: [string, number][] = [
  ['FIN', 1],
  ['SYN', 2],
  ['RST', 4],
  ['PSH', 8],
  ['ACK', 16],
  ['URG', 32],
];
const flagNames = (f: string[]): string =>
  f.length
    ? TCP_FLAG_BITS.filter(([n]) => f.includes(n))
        .map(([n]) => n)
        .join(',')
    : 'NONE';
const flagBits = (f: string[]): number => TCP_FLAG_BITS.reduce((a, [n, b]) => (f.includes(n) ? a | b : a), 0);

/** A -m statistic probability as the kernel keeps it (a u32 fraction of 2^31) and prints it. */
export function probabilityText(p: number): string {
  return (Math.round(p * 0x80000000) / 0x80000000).toFixed(11);
}

function saveMatch(m: Match): string {
  switch (m.module) {
    case 'tcp':
    case 'udp': {
      let s = ` -m ${m.module}`;
      if (m.sport) s += `${not(m.sport.neg)} --sport ${portText(m.sport)}`;
      if (m.dport) s += `${not(m.dport.neg)} --dport ${portText(m.dport)}`;
      if (m.module === 'tcp' && m.tcpFlags)
        s += `${not(m.tcpFlags.neg)} --tcp-flags ${flagNames(m.tcpFlags.mask)} ${flagNames(m.tcpFlags.comp)}`;
      return s;
    }
    case 'icmp':
      return ` -m icmp${m.icmpType ? `${not(m.icmpType.neg)} --icmp-type ${m.icmpType.name}` : ''}`;
    case 'multiport': {
      const [opt, list] = m.sports
        ? ['sports', m.sports]
        : m.dports
          ? ['dports', m.dports]
          : ['ports', m.ports ?? []];
      return ` -m multiport${not(m.neg)} --${opt} ${list.map(portText).join(',')}`;
    }
    case 'addrtype': {
      let s = ' -m addrtype';
      if (m.srcType) s += `${not(m.srcType.neg)} --src-type ${m.srcType.types.join(',')}`;
      if (m.dstType) s += `${not(m.dstType.neg)} --dst-type ${m.dstType.types.join(',')}`;
      if (m.limitIfaceIn) s += ' --limit-iface-in';
      if (m.limitIfaceOut) s += ' --limit-iface-out';
      return s;
    }
    case 'conntrack': {
      let s = ' -m conntrack';
      if (m.ctstate) s += `${not(m.ctstate.neg)} --ctstate ${stateList(m.ctstate.states)}`;
      if (m.ctorigdst) s += `${not(m.ctorigdst.neg)} --ctorigdst ${hostOrNet(m.ctorigdst)}`;
      if (m.ctorigdstport) s += `${not(m.ctorigdstport.neg)} --ctorigdstport ${m.ctorigdstport.port}`;
      return s;
    }
    case 'state':
      return ` -m state${not(m.neg)} --state ${stateList(m.states)}`;
    case 'comment':
      return ` -m comment --comment ${saveString(m.comment)}`;
    case 'mark':
      return ` -m mark${not(m.neg)} --mark ${markText(m.mark, m.mask)}`;
    case 'statistic':
      return m.mode === 'random'
        ? ` -m statistic --mode random${not(m.neg)} --probability ${probabilityText(m.probability)}`
        : ` -m statistic --mode nth${not(m.neg)} --every ${m.every} --packet ${m.packet}`;
    case 'set':
      return ` -m set${not(m.neg)} --match-set ${m.name} ${m.flags.join(',')}`;
    case 'physdev': {
      let s = ' -m physdev';
      if (m.physdevIn) s += `${not(m.physdevIn.neg)} --physdev-in ${m.physdevIn.name}`;
      if (m.physdevOut) s += `${not(m.physdevOut.neg)} --physdev-out ${m.physdevOut.name}`;
      if (m.physdevIsBridged) s += ' --physdev-is-bridged';
      return s;
    }
  }
}

const markText = (v: number, mask: number): string =>
  mask >>> 0 === 0xffffffff ? hex(v) : `${hex(v)}/${hex(mask)}`;

function hostOrNet(a: AddrMatch): string {
  return a.len === 32 ? formatIp(a.addr) : `${formatIp(a.addr)}/${a.len}`;
}

function rangeText(r: PortRange, sep = '-'): string {
  return r.from === r.to ? `${r.from}` : `${r.from}${sep}${r.to}`;
}

export function natRangeText(r: NatRange): string {
  let s = '';
  if (r.addrFrom !== 0 || r.addrTo !== 0)
    s = r.addrFrom === r.addrTo ? formatIp(r.addrFrom) : `${formatIp(r.addrFrom)}-${formatIp(r.addrTo)}`;
  if (r.ports) s += `:${rangeText(r.ports)}`;
  return s;
}

function saveTarget(t: Target): string {
  switch (t.kind) {
    case 'CHAIN':
      return ` ${t.goto ? '-g' : '-j'} ${t.chain}`;
    case 'ACCEPT':
    case 'DROP':
    case 'RETURN':
      return ` -j ${t.kind}`;
    case 'REJECT':
      return ` -j REJECT --reject-with ${t.with}`;
    case 'LOG':
      return (
        ' -j LOG' +
        (t.prefix !== undefined ? ` --log-prefix ${saveString(t.prefix)}` : '') +
        (t.level !== undefined && t.level !== '4' ? ` --log-level ${t.level}` : '')
      );
    case 'MARK':
      return ` -j MARK --set-xmark ${hex(t.value)}/${hex(t.mask)}`;
    case 'MASQUERADE':
      return (
        ' -j MASQUERADE' +
        (t.toPorts ? ` --to-ports ${rangeText(t.toPorts)}` : '') +
        (t.random ? ' --random' : '') +
        (t.randomFully ? ' --random-fully' : '')
      );
    case 'SNAT':
      return (
        ` -j SNAT --to-source ${natRangeText(t.to)}` +
        (t.random ? ' --random' : '') +
        (t.randomFully ? ' --random-fully' : '') +
        (t.persistent ? ' --persistent' : '')
      );
    case 'DNAT':
      return ` -j DNAT --to-destination ${natRangeText(t.to)}`;
    case 'REDIRECT':
      return ' -j REDIRECT' + (t.toPorts ? ` --to-ports ${rangeText(t.toPorts)}` : '');
  }
}

/** The rule's options as iptables-save prints them after "-A CHAIN" (with a leading space; '' when empty). */
export function formatRuleSpec(r: Rule): string {
  let s = '';
  if (r.src) s += `${not(r.src.neg)} -s ${addrText(r.src)}`;
  if (r.dst) s += `${not(r.dst.neg)} -d ${addrText(r.dst)}`;
  if (r.in) s += `${not(r.in.neg)} -i ${r.in.name}`;
  if (r.out) s += `${not(r.out.neg)} -o ${r.out.name}`;
  if (r.proto) s += `${not(r.proto.neg)} -p ${r.proto.name}`;
  for (const m of r.matches) s += saveMatch(m);
  if (r.target) s += saveTarget(r.target);
  return s;
}

/**
 * One rule exactly as `iptables-save` and `iptables -S` print it: "-A CHAIN ...". The
 * evaluator names traversed rows by this text (`table` does not change the text).
 */
export function formatRule(_table: TableId | string, chain: string, rule: Rule): string {
  return `-A ${chain}${formatRuleSpec(rule)}`;
}

/** `iptables -t T -S [CHAIN [N]]` lines. */
export function listRules(table: Table, chain?: string, rulenum?: number): string[] {
  const chains = chain === undefined ? orderedChains(table) : [table.chains.get(chain)!];
  if (rulenum !== undefined) {
    const c = chains[0]!;
    const r = c.rules[rulenum - 1];
    return r ? [formatRule(table.id, c.name, r)] : [];
  }
  const out: string[] = [];
  for (const c of chains) out.push(c.policy ? `-P ${c.name} ${c.policy}` : `-N ${c.name}`);
  for (const c of chains) for (const r of c.rules) out.push(formatRule(table.id, c.name, r));
  return out;
}

export interface SaveOptions {
  /** `iptables-save -c`: "[p:b] " before every rule. */
  counters?: boolean;
  /** `iptables-save -t T`: only that table (printed even when pristine). */
  table?: TableId;
  /** The date of the header comments; omitted (no " on ...") when not given. */
  date?: string;
}

/** The tables iptables-save would print, in its order. */
function savedTables(state: IptablesState, opts: SaveOptions): TableId[] {
  return opts.table ? [opts.table] : visibleTables(state);
}

/** One table's block: "*T", ":CHAIN POLICY [p:b]" lines, the rules, "COMMIT". */
export function saveTable(table: Table, counters = false): string[] {
  const out = [`*${table.id}`];
  for (const c of orderedChains(table))
    out.push(`:${c.name} ${c.policy ?? '-'} [${c.counters.packets}:${c.counters.bytes}]`);
  for (const c of orderedChains(table))
    for (const r of c.rules)
      out.push(
        (counters ? `[${r.counters.packets}:${r.counters.bytes}] ` : '') + formatRule(table.id, c.name, r),
      );
  out.push('COMMIT');
  return out;
}

/** The full `iptables-save` text (each line ends with "\n"), for the tables that are not pristine. */
export function saveTables(state: IptablesState, opts: SaveOptions = {}): string {
  const on = opts.date ? ` on ${opts.date}` : '';
  const out: string[] = [];
  for (const id of savedTables(state, opts)) {
    out.push(`# Generated by iptables-save v1.8.9 (nf_tables)${on}`);
    // (no spread: a kube-proxy table has more rows than a call has room for arguments)
    for (const line of saveTable(state.tables[id], opts.counters)) out.push(line);
    out.push(`# Completed${on}`);
  }
  return out.map((l) => `${l}\n`).join('');
}

/**
 * The rows of the iptables panel: for each non-pristine table "*T" and then its
 * `iptables -t T -S` lines (-P, -N, -A); the -A rows are formatRule's text.
 */
export function tableRows(state: IptablesState): string[] {
  const out: string[] = [];
  for (const id of visibleTables(state)) {
    out.push(`*${id}`);
    for (const line of listRules(state.tables[id])) out.push(line);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// iptables -L

export interface ListOptions {
  numeric?: boolean;
  verbose?: boolean;
  exact?: boolean;
  lineNumbers?: boolean;
}

/** xtables_print_num: counters in the -L table (K/M/G/T unless -x). */
function countCell(n: number, exact: boolean): string {
  if (exact) return `${String(n).padStart(8)} `;
  if (n <= 99999) return `${String(n).padStart(5)} `;
  for (const unit of ['K', 'M', 'G', 'T']) {
    n = Math.floor((n + 500) / 1000);
    if (n <= 9999 || unit === 'T') return `${String(n).padStart(4)}${unit} `;
  }
  return '';
}

/** The same without padding (the policy line). */
function countText(n: number, exact: boolean): string {
  return countCell(n, exact).trim();
}

const NFT_LOG_LEVELS = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'];

function listPort(p: number, proto: string, numeric: boolean): string {
  return (!numeric && serviceName(p, proto)) || String(p);
}

function listPorts(
  name: string,
  r: (PortRange & { neg: boolean }) | undefined,
  proto: string,
  n: boolean,
): string {
  if (!r || (r.from === 0 && r.to === 0xffff && !r.neg)) return '';
  const inv = r.neg ? '!' : '';
  if (r.from === r.to) return ` ${name}:${inv}${listPort(r.from, proto, n)}`;
  return ` ${name}s:${inv}${listPort(r.from, proto, n)}:${listPort(r.to, proto, n)}`;
}

function listMatch(m: Match, rule: Rule, n: boolean): string {
  const proto = rule.proto?.name ?? 'tcp';
  switch (m.module) {
    case 'tcp':
    case 'udp': {
      let s = ` ${m.module}${listPorts('spt', m.sport, m.module, n)}${listPorts('dpt', m.dport, m.module, n)}`;
      if (m.module === 'tcp' && m.tcpFlags) {
        const f = m.tcpFlags;
        const hx = (b: number): string => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;
        s += ` flags:${f.neg ? '!' : ''}`;
        s += n
          ? `${hx(flagBits(f.mask))}/${hx(flagBits(f.comp))}`
          : `${flagNames(f.mask)}/${flagNames(f.comp)}`;
      }
      return s;
    }
    case 'icmp': {
      const t = m.icmpType;
      if (!t) return ' icmp';
      const cmin = t.code ?? 0;
      const cmax = t.code ?? 0xff;
      if (!n) {
        const e = ICMP_TYPES.find(([, ty, a, b]) => ty === t.type && a === cmin && b === cmax);
        if (e) return ` icmp ${t.neg ? '!' : ''}${e[0]}`;
      }
      let s = ` icmp${t.neg ? ' !' : ''}type ${t.type}`;
      if (cmin === cmax) s += ` code ${cmin}`;
      else if (cmin !== 0 || cmax !== 0xff) s += ` codes ${cmin}-${cmax}`;
      return s;
    }
    case 'multiport': {
      const [which, list] = m.sports
        ? ['sports', m.sports]
        : m.dports
          ? ['dports', m.dports]
          : ['ports', m.ports ?? []];
      const ports = list
        .map((r) =>
          r.from === r.to
            ? listPort(r.from, proto, n)
            : `${listPort(r.from, proto, n)}:${listPort(r.to, proto, n)}`,
        )
        .join(',');
      return ` multiport ${which} ${m.neg ? ' !' : ''}${ports}`;
    }
    case 'addrtype': {
      let s = ' ADDRTYPE match';
      if (m.srcType) s += ` src-type ${m.srcType.neg ? '!' : ''}${m.srcType.types.join(',')}`;
      if (m.dstType) s += ` dst-type ${m.dstType.neg ? '!' : ''}${m.dstType.types.join(',')}`;
      if (m.limitIfaceIn) s += ' limit-in';
      if (m.limitIfaceOut) s += ' limit-out';
      return s;
    }
    case 'conntrack': {
      let s = '';
      if (m.ctstate) s += `${not(m.ctstate.neg)} ctstate ${stateList(m.ctstate.states)}`;
      if (m.ctorigdst) s += `${not(m.ctorigdst.neg)} ctorigdst ${hostOrNet(m.ctorigdst)}`;
      if (m.ctorigdstport) s += `${not(m.ctorigdstport.neg)} ctorigdstport ${m.ctorigdstport.port}`;
      return s;
    }
    case 'state':
      return `${not(m.neg)} state ${stateList(m.states)}`;
    case 'comment':
      return ` /* ${m.comment} */`;
    case 'mark':
      return ` mark match${not(m.neg)} ${markText(m.mark, m.mask)}`;
    case 'statistic':
      return m.mode === 'random'
        ? ` statistic mode random${not(m.neg)} probability ${probabilityText(m.probability)}`
        : ` statistic mode nth${not(m.neg)} every ${m.every} packet ${m.packet}`;
    case 'set':
      return `${not(m.neg)} match-set ${m.name} ${m.flags.join(',')}`;
    case 'physdev': {
      let s = ' PHYSDEV match';
      if (m.physdevIn) s += `${not(m.physdevIn.neg)} --physdev-in ${m.physdevIn.name}`;
      if (m.physdevOut) s += `${not(m.physdevOut.neg)} --physdev-out ${m.physdevOut.name}`;
      if (m.physdevIsBridged) s += ' --physdev-is-bridged';
      return s;
    }
  }
}

function listTarget(t: Target, n: boolean): string {
  switch (t.kind) {
    case 'REJECT':
      return ` reject-with ${t.with}`;
    case 'LOG': {
      const level = Number(t.level ?? '4');
      let s = n ? ` LOG flags 0 level ${level}` : ` LOG level ${NFT_LOG_LEVELS[level] ?? level}`;
      if (t.prefix !== undefined) s += ` prefix "${t.prefix}"`;
      return s;
    }
    case 'MARK': {
      const { value: v, mask } = t;
      if (v === 0) return ` MARK and ${hex(~mask)}`;
      if (v === mask) return ` MARK or ${hex(v)}`;
      if (mask === 0) return ` MARK xor ${hex(v)}`;
      if (mask >>> 0 === 0xffffffff) return ` MARK set ${hex(v)}`;
      return ` MARK xset ${hex(v)}/${hex(mask)}`;
    }
    case 'MASQUERADE':
      return (
        (t.toPorts ? ` masq ports: ${rangeText(t.toPorts)}` : '') +
        (t.random ? ' random' : '') +
        (t.randomFully ? ' random-fully' : '')
      );
    case 'SNAT':
      return (
        ` to:${natRangeText(t.to)}` +
        (t.random ? ' random' : '') +
        (t.randomFully ? ' random-fully' : '') +
        (t.persistent ? ' persistent' : '')
      );
    case 'DNAT':
      return ` to:${natRangeText(t.to)}`;
    case 'REDIRECT':
      return t.toPorts ? ` redir ports ${rangeText(t.toPorts)}` : '';
    default:
      return '';
  }
}

function targetName(t: Target | undefined): string {
  if (!t) return '';
  return t.kind === 'CHAIN' ? t.chain : t.kind;
}

function listAddr(a: AddrMatch | undefined, n: boolean): string {
  const neg = a?.neg ? '!' : ' ';
  if (!a || a.len === 0) return `${neg}${(n ? '0.0.0.0/0' : 'anywhere').padEnd(19)} `;
  return `${neg}${(a.len === 32 ? formatIp(a.addr) : `${formatIp(a.addr)}/${a.len}`).padEnd(19)} `;
}

/** One `iptables -L` row. */
export function listRow(rule: Rule, num: number, opts: ListOptions): string {
  const n = !!opts.numeric;
  let s = '';
  if (opts.lineNumbers) s += `${String(num).padEnd(4)} `;
  if (opts.verbose)
    s += countCell(rule.counters.packets, !!opts.exact) + countCell(rule.counters.bytes, !!opts.exact);
  s += `${targetName(rule.target).padEnd(9)} `;
  s += rule.proto?.neg ? '!' : ' ';
  const proto = rule.proto?.name ?? 'all';
  s += `${(n ? String(protoNumber(proto)) : proto).padEnd(4)} `;
  s += '-- ';
  if (opts.verbose) {
    const iface = (i: Rule['in']): string => (i ? `${i.neg ? '!' : ''}${i.name}` : n ? '*' : 'any');
    s += ` ${iface(rule.in).padEnd(6)} `;
    s += `${iface(rule.out).padEnd(6)} `;
  }
  s += listAddr(rule.src, n);
  s += listAddr(rule.dst, n);
  if (rule.target?.kind === 'CHAIN' && rule.target.goto) s += '[goto] ';
  for (const m of rule.matches) s += listMatch(m, rule, n);
  if (rule.target) s += listTarget(rule.target, n);
  return s;
}

/** The "Chain X (...)" line and the column header of one chain. */
export function listHeader(table: Table, c: Chain, opts: ListOptions): string[] {
  let first = `Chain ${c.name}`;
  if (c.policy !== undefined && isBuiltin(table.id, c.name)) {
    first += ` (policy ${c.policy}`;
    if (opts.verbose)
      first += ` ${countText(c.counters.packets, !!opts.exact)} packets, ${countText(c.counters.bytes, !!opts.exact)} bytes`;
    first += ')';
  } else first += ` (${referenceCount(table, c.name)} references)`;
  let h = '';
  if (opts.lineNumbers) h += `${'num'.padEnd(4)} `;
  if (opts.verbose) h += opts.exact ? `${'pkts'.padStart(8)} ${'bytes'.padStart(10)} ` : ' pkts bytes ';
  h += `${'target'.padEnd(9)} `;
  h += ' prot opt';
  if (opts.verbose) h += ` ${'in'.padEnd(6)} ${'out'.padEnd(6)} `;
  h += ` ${'source'.padEnd(19)} `;
  h += ` ${'destination'.padEnd(19)} `;
  return [first, h];
}

/** `iptables -t T -L [CHAIN] [-n] [-v] [-x] [--line-numbers]` (lines, chains separated by a blank line). */
export function listTable(
  table: Table,
  chain: string | undefined,
  opts: ListOptions,
  rulenum?: number,
): string[] {
  const chains = chain === undefined ? orderedChains(table) : [table.chains.get(chain)!];
  const out: string[] = [];
  chains.forEach((c, k) => {
    if (k > 0) out.push('');
    if (rulenum !== undefined) {
      const r = c.rules[rulenum - 1];
      if (r) out.push(listRow(r, rulenum, opts));
      return;
    }
    out.push(...listHeader(table, c, opts));
    c.rules.forEach((r, idx) => out.push(listRow(r, idx + 1, opts)));
  });
  return out;
}
