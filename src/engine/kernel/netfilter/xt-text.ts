/**
 * An xtables rule's canonical text, exactly as iptables 1.8.9 (nf_tables backend) prints it in
 * `iptables-save` / `iptables -S`. The kernel holds a rule as data; the Trace names the rows the
 * evaluator traverses by this text (the single source of truth), and the iptables tools print it.
 */
import { formatIp } from '../../net/ipv4';
import { formatIp6 } from '../../net/ipv6';
import type { AddrMatch, CtState, Match, NatRange, PortRange, Rule, TableId, Target } from './types';

/** xtables_save_string: bare when only [A-Za-z0-9_-], else double-quoted with \" \\ \' escaped. */
export function saveString(value: string): string {
  if (/^[A-Za-z0-9_-]+$/.test(value)) return value;
  return `"${value.replace(/["\\']/g, (c) => `\\${c}`)}"`;
}

export const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;
export const not = (neg: boolean): string => (neg ? ' !' : '');

/** libxt_physdev's save order, which `-L` prints too: is-in, in, is-out, out, is-bridged. */
export function physdevText(m: Extract<Match, { module: 'physdev' }>): string {
  let s = '';
  if (m.isIn) s += `${not(m.isIn.neg)} --physdev-is-in`;
  if (m.physdevIn) s += `${not(m.physdevIn.neg)} --physdev-in ${m.physdevIn.name}`;
  if (m.isOut) s += `${not(m.isOut.neg)} --physdev-is-out`;
  if (m.physdevOut) s += `${not(m.physdevOut.neg)} --physdev-out ${m.physdevOut.name}`;
  if (m.isBridged) s += `${not(m.isBridged.neg)} --physdev-is-bridged`;
  return s;
}

function addrText(a: AddrMatch): string {
  return `${a.addr6 !== undefined ? formatIp6(a.addr6) : formatIp(a.addr)}/${a.len}`;
}

function portText(r: PortRange): string {
  return r.from === r.to ? `${r.from}` : `${r.from}:${r.to}`;
}

const CT_ORDER: CtState[] = ['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED', 'SNAT', 'DNAT'];
export const stateList = (s: CtState[]): string => CT_ORDER.filter((x) => s.includes(x)).join(',');

const TCP_FLAG_BITS: [string, number][] = [
  ['FIN', 1],
  ['SYN', 2],
  ['RST', 4],
  ['PSH', 8],
  ['ACK', 16],
  ['URG', 32],
];
export const flagNames = (f: string[]): string =>
  f.length
    ? TCP_FLAG_BITS.filter(([n]) => f.includes(n))
        .map(([n]) => n)
        .join(',')
    : 'NONE';
export const flagBits = (f: string[]): number =>
  TCP_FLAG_BITS.reduce((a, [n, b]) => (f.includes(n) ? a | b : a), 0);

/** recent_save / recent_print: the options a -m recent rule was given, in the module's order. */
export function recentOpts(m: Extract<Match, { module: 'recent' }>, dash: '--' | ''): string {
  if (dash === '--')
    return (
      (m.seconds ? ` --seconds ${m.seconds}` : '') +
      (m.reap ? ' --reap' : '') +
      (m.hitcount ? ` --hitcount ${m.hitcount}` : '') +
      (m.rttl ? ' --rttl' : '')
    );
  return (
    (m.seconds ? ` seconds: ${m.seconds}` : '') +
    (m.reap ? ' reap' : '') +
    (m.hitcount ? ` hit_count: ${m.hitcount}` : '') +
    (m.rttl ? ' TTL-Match' : '')
  );
}

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
    case 'icmp6':
      return ` -m icmp6${m.icmpType ? `${not(m.icmpType.neg)} --icmpv6-type ${m.icmpType.name}` : ''}`;
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
    case 'connmark':
      return ` -m connmark${not(m.neg)} --mark ${markText(m.mark, m.mask)}`;
    case 'statistic':
      return m.mode === 'random'
        ? ` -m statistic --mode random${not(m.neg)} --probability ${probabilityText(m.probability)}`
        : ` -m statistic --mode nth${not(m.neg)} --every ${m.every} --packet ${m.packet}`;
    case 'set':
      return ` -m set${not(m.neg)} --match-set ${m.name} ${m.flags.join(',')}`;
    case 'recent':
      return ` -m recent${m.neg ? ' !' : ''} --${m.cmd}${recentOpts(m, '--')} --name ${m.name} --mask ${formatIp(m.mask)} --${m.side === 'source' ? 'rsource' : 'rdest'}`;
    case 'physdev':
      return ` -m physdev${physdevText(m)}`;
  }
}

export const markText = (v: number, mask: number): string =>
  mask >>> 0 === 0xffffffff ? hex(v) : `${hex(v)}/${hex(mask)}`;

export function hostOrNet(a: AddrMatch): string {
  if (a.addr6 !== undefined) return a.len === 128 ? formatIp6(a.addr6) : `${formatIp6(a.addr6)}/${a.len}`;
  return a.len === 32 ? formatIp(a.addr) : `${formatIp(a.addr)}/${a.len}`;
}

export function rangeText(r: PortRange, sep = '-'): string {
  return r.from === r.to ? `${r.from}` : `${r.from}${sep}${r.to}`;
}

export function natRangeText(r: NatRange): string {
  if (r.addr6From !== undefined) {
    // libxt_NAT's IPv6 printer brackets the address only when a port follows.
    const a = formatIp6(r.addr6From);
    const b = r.addr6To !== undefined && r.addr6To !== r.addr6From ? `-${formatIp6(r.addr6To)}` : '';
    return r.ports ? `[${a}${b}]:${rangeText(r.ports)}` : `${a}${b}`;
  }
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
    case 'CONNMARK':
      return t.mode === 'set'
        ? ` -j CONNMARK --set-xmark ${hex(t.ctmark)}/${hex(t.ctmask)}`
        : ` -j CONNMARK --${t.mode}-mark --nfmask ${hex(t.nfmask)} --ctmask ${hex(t.ctmask)}`;
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

/**
 * Texts already printed, by rule: a rule is never changed once made (a written rule is a new
 * object; only its counters move, and they are not in the text), and the walk of a packet and
 * the Trace's tables print the same 10,000 KUBE-SERVICES rules.
 */
const specs = new WeakMap<Rule, string>();

/** The rule's options as iptables-save prints them after "-A CHAIN" (with a leading space; '' when empty). */
export function formatRuleSpec(r: Rule): string {
  let s = specs.get(r);
  if (s === undefined) specs.set(r, (s = ruleSpecText(r)));
  return s;
}

/** The text of `r` if it was printed already (undefined: never printed, so no walk named it). */
export function printedSpec(r: Rule): string | undefined {
  return specs.get(r);
}

function ruleSpecText(r: Rule): string {
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
