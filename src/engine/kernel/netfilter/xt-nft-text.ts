/**
 * iptables-nft's rules as `nft list ruleset` prints them (nft 1.0.6 reading what iptables 1.8.9
 * wrote): iptables-nft compiles a rule into native expressions where it can (interfaces first,
 * then addresses, the protocol and each match in order, a counter, the target) and keeps an
 * xt expression (`xt match set`) where it cannot. The forms below are the ones measured against
 * the real tools in a scratch namespace (xt-nft-text.test.ts).
 */
import { formatIp } from '../../net/ipv4';
import { baseChainText } from './nft-text';
import type { NftHookName } from './nft-types';
import type { IptablesState } from './state';
import {
  BUILTIN_CHAINS,
  type AddrMatch,
  type CtState,
  type IfaceMatch,
  type Match,
  type PortRange,
  type Rule,
  type TableId,
  type Target,
} from './types';

const HOOK_NAMES: Record<string, NftHookName> = {
  PREROUTING: 'prerouting',
  INPUT: 'input',
  FORWARD: 'forward',
  OUTPUT: 'output',
  POSTROUTING: 'postrouting',
};

/** nf_hook priorities of the tables iptables-nft makes (nft_chain_builtin_init). */
const TABLE_PRIO: Record<TableId, number> = { raw: -300, mangle: -150, nat: 0, filter: 0 };

const pad8 = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
const hexn = (n: number): string => `0x${(n >>> 0).toString(16)}`;
const ne = (neg: boolean): string => (neg ? '!= ' : '');

function iface(key: string, m: IfaceMatch): string {
  const name = m.name.endsWith('+') ? `${m.name.slice(0, -1)}*` : m.name;
  return `${key} ${ne(m.neg)}"${name}"`;
}

function addr(key: string, a: AddrMatch): string {
  const text = a.len === 32 ? formatIp(a.addr) : `${formatIp(a.addr)}/${a.len}`;
  return `${key} ${ne(a.neg)}${text}`;
}

const range = (r: PortRange): string => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`);

/** nft's ct state symbols in the order it prints a combination. */
const CT_PRINT: [CtState, string][] = [
  ['INVALID', 'invalid'],
  ['NEW', 'new'],
  ['RELATED', 'related'],
  ['ESTABLISHED', 'established'],
  ['UNTRACKED', 'untracked'],
];

function ctState(states: CtState[], neg: boolean): string {
  const names = CT_PRINT.filter(([s]) => states.includes(s)).map(([, n]) => n);
  return `ct state ${neg ? '! ' : ''}${names.join(',')}`;
}

function markMatch(
  key: string,
  m: { mark: number; mask: number; neg: boolean },
  fmt: (n: number) => string,
): string {
  if (m.mask >>> 0 === 0xffffffff) return `${key} ${ne(m.neg)}${fmt(m.mark)}`;
  return `${key} & ${fmt(m.mask)} ${m.neg ? '!=' : '=='} ${fmt(m.mark)}`;
}

const TCP_FLAGS = ['fin', 'syn', 'rst', 'psh', 'ack', 'urg'];
const flags = (names: string[]): string =>
  TCP_FLAGS.filter((f) => names.some((n) => n.toLowerCase() === f)).join(',');

/** nft's icmp_type symbols (proto.c icmp_type_tbl). */
const NFT_ICMP_TYPES: Record<number, string> = {
  0: 'echo-reply',
  3: 'destination-unreachable',
  4: 'source-quench',
  5: 'redirect',
  8: 'echo-request',
  9: 'router-advertisement',
  10: 'router-solicitation',
  11: 'time-exceeded',
  12: 'parameter-problem',
  13: 'timestamp-request',
  14: 'timestamp-reply',
  15: 'info-request',
  16: 'info-reply',
  17: 'address-mask-request',
  18: 'address-mask-reply',
};

/** What a match becomes, and whether it is a tcp/udp payload test (which makes `meta l4proto` implied). */
function matchText(m: Match, proto: string): { text: string; payload?: boolean } {
  switch (m.module) {
    case 'tcp':
    case 'udp': {
      const parts: string[] = [];
      if (m.sport) parts.push(`${m.module} sport ${ne(m.sport.neg)}${range(m.sport)}`);
      if (m.dport) parts.push(`${m.module} dport ${ne(m.dport.neg)}${range(m.dport)}`);
      if (m.syn) parts.push(`tcp flags ${ne(m.syn.neg)}syn / fin,syn,rst,ack`);
      if (m.tcpFlags)
        parts.push(`tcp flags ${ne(m.tcpFlags.neg)}${flags(m.tcpFlags.comp)} / ${flags(m.tcpFlags.mask)}`);
      return { text: parts.join(' '), payload: parts.length > 0 };
    }
    case 'icmp': {
      if (!m.icmpType) return { text: '' };
      const name = NFT_ICMP_TYPES[m.icmpType.type];
      if (m.icmpType.code !== undefined || m.icmpType.neg || !name) return { text: 'xt match icmp' };
      return { text: `icmp type ${name}` };
    }
    case 'multiport': {
      const list = (rs: PortRange[]): string => `{ ${rs.map(range).join(', ')} }`;
      if (m.neg || m.ports) return { text: 'xt match multiport' };
      const parts: string[] = [];
      if (m.sports) parts.push(`${proto} sport ${list(m.sports)}`);
      if (m.dports) parts.push(`${proto} dport ${list(m.dports)}`);
      return { text: parts.join(' ') };
    }
    case 'conntrack':
      if (m.ctorigdst || m.ctorigdstport || !m.ctstate) return { text: 'xt match conntrack' };
      return { text: ctState(m.ctstate.states, m.ctstate.neg) };
    case 'state':
      return { text: ctState(m.states, m.neg) };
    // xt_comment is kept as a match nft prints as nothing: the rule shows an extra space.
    case 'comment':
      return { text: '' };
    case 'mark':
      return { text: markMatch('meta mark', m, pad8) };
    case 'connmark':
      return { text: markMatch('ct mark', m, hexn) };
    case 'addrtype': {
      if (m.limitIfaceIn || m.limitIfaceOut || (m.srcType && m.dstType)) return { text: 'xt match addrtype' };
      const t = m.srcType ?? m.dstType;
      if (!t || t.types.length !== 1) return { text: 'xt match addrtype' };
      return { text: `fib ${m.srcType ? 'saddr' : 'daddr'} type ${ne(t.neg)}${t.types[0]!.toLowerCase()}` };
    }
    default:
      return { text: `xt match ${m.module}` };
  }
}

const REJECT_TYPES: Record<string, string> = {
  'icmp-net-unreachable': 'net-unreachable',
  'icmp-host-unreachable': 'host-unreachable',
  'icmp-proto-unreachable': 'prot-unreachable',
  'icmp-net-prohibited': 'net-prohibited',
  'icmp-host-prohibited': 'host-prohibited',
  'icmp-admin-prohibited': 'admin-prohibited',
};

const LOG_LEVELS = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'];

function natTo(addrFrom: number, addrTo: number, ports?: PortRange): string {
  const a = addrFrom === addrTo ? formatIp(addrFrom) : `${formatIp(addrFrom)}-${formatIp(addrTo)}`;
  return `${a}${ports ? `:${range(ports)}` : ''}`;
}

function natFlags(t: { random?: boolean; randomFully?: boolean; persistent?: boolean }): string {
  const f = [t.random && 'random', t.randomFully && 'fully-random', t.persistent && 'persistent'].filter(
    Boolean,
  );
  return f.length ? ` ${f.join(',')}` : '';
}

function targetText(t: Target): string {
  switch (t.kind) {
    case 'ACCEPT':
    case 'DROP':
    case 'RETURN':
      return t.kind.toLowerCase();
    case 'CHAIN':
      return `${t.goto ? 'goto' : 'jump'} ${t.chain}`;
    case 'REJECT':
      if (t.with === 'tcp-reset') return 'reject with tcp reset';
      return REJECT_TYPES[t.with] ? `reject with icmp type ${REJECT_TYPES[t.with]}` : 'reject';
    case 'LOG': {
      const level = t.level !== undefined ? ` level ${LOG_LEVELS[Number(t.level)] ?? t.level}` : '';
      return `log${t.prefix !== undefined ? ` prefix "${t.prefix}"` : ''}${level}`;
    }
    case 'MARK':
      if (t.mask >>> 0 === 0xffffffff) return `meta mark set ${hexn(t.value)}`;
      return `meta mark set mark and ${hexn(~t.mask)} xor ${hexn(t.value)}`;
    case 'CONNMARK':
      if (t.mode === 'set' && t.ctmask >>> 0 === 0xffffffff) return `ct mark set ${hexn(t.ctmark)}`;
      if (t.mode === 'save' && (t.ctmask & t.nfmask) >>> 0 === 0xffffffff) return 'ct mark set mark';
      if (t.mode === 'restore' && (t.ctmask & t.nfmask) >>> 0 === 0xffffffff) return 'meta mark set ct mark';
      return 'xt target CONNMARK';
    case 'MASQUERADE':
      return `masquerade${t.toPorts ? ` to :${range(t.toPorts)}` : ''}${natFlags(t)}`;
    case 'SNAT':
      return `snat to ${natTo(t.to.addrFrom, t.to.addrTo, t.to.ports)}${natFlags(t)}`;
    case 'DNAT':
      return `dnat to ${natTo(t.to.addrFrom, t.to.addrTo, t.to.ports)}`;
    case 'REDIRECT':
      return `redirect${t.toPorts ? ` to :${range(t.toPorts)}` : ''}`;
  }
}

/** One rule as nft prints it (without the indentation). */
export function xtRuleNftText(r: Rule): string {
  const parts: string[] = [];
  if (r.in) parts.push(iface('iifname', r.in));
  if (r.out) parts.push(iface('oifname', r.out));
  if (r.src) parts.push(addr('ip saddr', r.src));
  if (r.dst) parts.push(addr('ip daddr', r.dst));
  const proto = r.proto && r.proto.name !== 'all' ? r.proto : undefined;
  const ms = r.matches.map((m) => matchText(m, proto?.name ?? 'tcp'));
  // nft drops `meta l4proto tcp` where the next expression reads the tcp header anyway.
  if (proto && (proto.neg || !ms[0]?.payload)) parts.push(`meta l4proto ${ne(proto.neg)}${proto.name}`);
  for (const m of ms) parts.push(m.text);
  parts.push(`counter packets ${r.counters.packets} bytes ${r.counters.bytes}`);
  if (r.target) parts.push(targetText(r.target));
  return parts.join(' ');
}

function chainHeader(table: TableId, chain: string, policy: string): string {
  const hook = HOOK_NAMES[chain]!;
  const type = table === 'nat' ? 'nat' : table === 'mangle' && chain === 'OUTPUT' ? 'route' : 'filter';
  const prio =
    table === 'nat' ? (chain === 'PREROUTING' || chain === 'OUTPUT' ? -100 : 100) : TABLE_PRIO[table];
  return baseChainText({ type, hook, priority: prio, policy: policy.toLowerCase() as 'accept' | 'drop' });
}

/**
 * The tables iptables-nft made, as `nft list ruleset` shows them: tables in the order their first
 * chain came, chains in creation order, blocks separated by a blank line.
 */
export function xtNftTables(st: IptablesState): { name: TableId; lines: string[] }[] {
  const order: TableId[] = [];
  for (const k of st.nftChains) {
    const tid = k.split(' ')[0] as TableId;
    if (!order.includes(tid)) order.push(tid);
  }
  return order.map((tid) => {
    const table = st.tables[tid];
    const lines = [`table ip ${tid} {`];
    for (const k of st.nftChains) {
      const [t, name] = k.split(' ') as [TableId, string];
      const c = t === tid ? table.chains.get(name) : undefined;
      if (!c) continue;
      if (lines.length > 1) lines.push('');
      lines.push(`\tchain ${name} {`);
      if (BUILTIN_CHAINS[tid].includes(name))
        lines.push(`\t\t${chainHeader(tid, name, c.policy ?? 'ACCEPT')}`);
      for (const r of c.rules) lines.push(`\t\t${xtRuleNftText(r)}`);
      lines.push('\t}');
    }
    lines.push('}');
    return { name: tid, lines };
  });
}
