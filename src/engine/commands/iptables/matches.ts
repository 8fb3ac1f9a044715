/**
 * The match modules (libxt_tcp, libxt_udp, libxt_icmp, libxt_conntrack, libxt_mark, libxt_set, ...):
 * each module's options and how it reads them into its Match.
 */
import { parseIp } from '../../net/ipv4';
import { ICMP_TYPES, ICMPV6_TYPES, parsePort } from '../../kernel/netfilter/tables';
import type { AddrType, CtState, Match } from '../../kernel/netfilter/types';
import { param } from './errors';
import type { ParseContext, RuleSpec } from './spec';
import {
  ADDR_TYPES,
  CT_STATES,
  onlyOnce,
  parseAddr,
  parseIface,
  parseMarkMask,
  parsePortRange,
  parseTcpFlags,
  protoOf,
} from './values';

/** A match module: its options and how it reads them into its Match. */
export interface Module {
  opts: Record<string, string>;
  create: () => Match;
  parse: (m: Match, opt: string, inv: boolean, take: () => string, spec: RuleSpec, ctx: ParseContext) => void;
  final?: (m: Match, spec: RuleSpec) => void;
  /** Options that take no argument. */
  flags?: string[];
  /** Options that may be preceded by `!`. */
  invertible?: string[];
  /** Options that take two arguments. */
  twoArgs?: string[];
}

export const portOpts = {
  sport: 'sport',
  'source-port': 'sport',
  dport: 'dport',
  'destination-port': 'dport',
};
export const LONG_PORT: Record<string, string> = { sport: 'source-port', dport: 'destination-port' };

const PHYSDEV_OPTS = ['physdev-in', 'physdev-out', 'physdev-is-in', 'physdev-is-out', 'physdev-is-bridged'];
const PHYSDEV_KEY: Record<string, 'physdevIn' | 'physdevOut' | 'isIn' | 'isOut' | 'isBridged'> = {
  'physdev-in': 'physdevIn',
  'physdev-out': 'physdevOut',
  'physdev-is-in': 'isIn',
  'physdev-is-out': 'isOut',
  'physdev-is-bridged': 'isBridged',
};

export const MODULES: Record<string, Module> = {
  tcp: {
    opts: { ...portOpts, 'tcp-flags': 'tcp-flags', syn: 'syn' },
    flags: ['syn'],
    twoArgs: ['tcp-flags'],
    invertible: ['sport', 'dport', 'tcp-flags', 'syn'],
    create: () => ({ module: 'tcp' }),
    parse: (m, opt, inv, take) => {
      if (m.module !== 'tcp') return;
      if (opt === 'sport' || opt === 'dport') {
        if (m[opt]) throw param(`Only one \`--${LONG_PORT[opt]}' allowed`);
        m[opt] = Object.assign(parsePortRange(take(), 'tcp'), { neg: inv });
      } else if (opt === 'tcp-flags' || opt === 'syn') {
        if (m.tcpFlags) throw param(`Only one of \`--syn' or \`--tcp-flags' allowed`);
        m.tcpFlags =
          opt === 'syn'
            ? { mask: ['FIN', 'SYN', 'RST', 'ACK'], comp: ['SYN'], neg: inv }
            : { mask: parseTcpFlags(take()), comp: parseTcpFlags(take()), neg: inv };
      }
    },
  },
  udp: {
    opts: portOpts,
    invertible: ['sport', 'dport'],
    create: () => ({ module: 'udp' }),
    parse: (m, opt, inv, take) => {
      if (m.module !== 'udp' || (opt !== 'sport' && opt !== 'dport')) return;
      if (m[opt]) throw param(`Only one \`--${LONG_PORT[opt]}' allowed`);
      m[opt] = Object.assign(parsePortRange(take(), 'udp'), { neg: inv });
    },
  },
  icmp: {
    opts: { 'icmp-type': 'icmp-type' },
    invertible: ['icmp-type'],
    create: () => ({ module: 'icmp' }),
    parse: (m, _opt, inv, take) => {
      if (m.module !== 'icmp') return;
      m.icmpType = { ...icmpTypeArg(take(), ICMP_TYPES, 'ICMP', true), neg: inv };
    },
  },
  /** libip6t_icmp6: a name, a type, or type/code; saved as the number(s). */
  icmp6: {
    opts: { 'icmpv6-type': 'icmpv6-type' },
    invertible: ['icmpv6-type'],
    create: () => ({ module: 'icmp6' }),
    parse: (m, _opt, inv, take) => {
      if (m.module !== 'icmp6') return;
      m.icmpType = { ...icmpTypeArg(take(), ICMPV6_TYPES, 'ICMPv6', false), neg: inv };
    },
  },
  multiport: {
    opts: {
      sports: 'sports',
      'source-ports': 'sports',
      dports: 'dports',
      'destination-ports': 'dports',
      ports: 'ports',
    },
    invertible: ['sports', 'dports', 'ports'],
    create: () => ({ module: 'multiport', neg: false }),
    parse: (m, opt, inv, take, spec) => {
      if (m.module !== 'multiport') return;
      const longName: Record<string, string> = {
        sports: 'source-ports',
        dports: 'destination-ports',
        ports: 'ports',
      };
      for (const k of ['sports', 'dports', 'ports'] as const)
        if (m[k])
          throw param(
            `multiport: option "--${longName[opt]}" cannot be used together with "--${longName[k]}".\n`,
          );
      const proto = protoOf(spec) || 'tcp';
      const list = take()
        .split(',')
        .map((p) => parsePortRange(p, proto));
      if (list.length > 15) throw param('too many ports specified');
      m[opt as 'sports' | 'dports' | 'ports'] = list;
      m.neg = inv;
    },
    final: (m, spec) => {
      if (m.module !== 'multiport') return;
      if (!['tcp', 'udp', 'udplite', 'sctp', 'dccp'].includes(protoOf(spec)))
        throw param("multiport needs `-p tcp', `-p udp', `-p udplite', `-p sctp' or `-p dccp'");
      if (!m.sports && !m.dports && !m.ports) throw param('multiport: option "--ports" must be specified\n');
    },
  },
  addrtype: {
    opts: {
      'src-type': 'src-type',
      'dst-type': 'dst-type',
      'limit-iface-in': 'limit-iface-in',
      'limit-iface-out': 'limit-iface-out',
    },
    flags: ['limit-iface-in', 'limit-iface-out'],
    invertible: ['src-type', 'dst-type'],
    create: () => ({ module: 'addrtype' }),
    parse: (m, opt, inv, take) => {
      if (m.module !== 'addrtype') return;
      if (opt === 'src-type' || opt === 'dst-type') {
        const key = opt === 'src-type' ? 'srcType' : 'dstType';
        onlyOnce('addrtype', opt, !!m[key]);
        const types = take()
          .split(',')
          .map((t) => {
            const u = t.toUpperCase();
            if (!ADDR_TYPES.has(u)) throw param(`addrtype: bad type "${t}"`);
            return u as AddrType;
          });
        m[key] = { types, neg: inv };
      } else if (opt === 'limit-iface-in') m.limitIfaceIn = true;
      else m.limitIfaceOut = true;
    },
    final: (m) => {
      if (m.module === 'addrtype' && m.limitIfaceIn && m.limitIfaceOut)
        throw param('addrtype: you can\'t specify both "--limit-iface-in" and "--limit-iface-out"');
    },
  },
  conntrack: {
    opts: { ctstate: 'ctstate', ctorigdst: 'ctorigdst', ctorigdstport: 'ctorigdstport' },
    invertible: ['ctstate', 'ctorigdst', 'ctorigdstport'],
    create: () => ({ module: 'conntrack' }),
    parse: (m, opt, inv, take) => {
      if (m.module !== 'conntrack') return;
      if (opt === 'ctstate') {
        onlyOnce('conntrack', opt, !!m.ctstate);
        m.ctstate = { states: parseStates(take(), 'ctstate'), neg: inv };
      } else if (opt === 'ctorigdst') {
        onlyOnce('conntrack', opt, !!m.ctorigdst);
        m.ctorigdst = parseAddr(take(), inv);
      } else {
        onlyOnce('conntrack', opt, !!m.ctorigdstport);
        const s = take();
        const port = parsePort(s, 'tcp');
        if (port === null)
          throw param(`conntrack: bad value for option "--ctorigdstport", or out of range.\n`);
        m.ctorigdstport = { port, neg: inv };
      }
    },
    final: (m) => {
      if (m.module === 'conntrack' && !m.ctstate && !m.ctorigdst && !m.ctorigdstport)
        throw param('conntrack: At least one option is required');
    },
  },
  state: {
    opts: { state: 'state' },
    invertible: ['state'],
    create: () => ({ module: 'state', states: [], neg: false }),
    parse: (m, _opt, inv, take) => {
      if (m.module !== 'state') return;
      m.states = parseStates(take(), 'state');
      m.neg = inv;
    },
    final: (m) => {
      if (m.module === 'state' && m.states.length === 0)
        throw param('state: option "--state" must be specified\n');
    },
  },
  comment: {
    opts: { comment: 'comment' },
    create: () => ({ module: 'comment', comment: '\u0000' }),
    parse: (m, _opt, _inv, take) => {
      if (m.module !== 'comment') return;
      const c = take();
      if (c.length > 255) throw param('comment: option "--comment" value is too long (max 255)');
      m.comment = c;
    },
    final: (m) => {
      if (m.module === 'comment' && m.comment === '\u0000')
        throw param('comment: option "--comment" must be specified\n');
    },
  },
  mark: {
    opts: { mark: 'mark' },
    invertible: ['mark'],
    create: () => ({ module: 'mark', mark: -1, mask: 0xffffffff, neg: false }),
    parse: (m, _opt, inv, take) => {
      if (m.module !== 'mark') return;
      const v = parseMarkMask(take());
      if (!v) throw param('mark: bad integer value for option "--mark", or out of range.\n');
      m.mark = v.value;
      m.mask = v.mask ?? 0xffffffff;
      m.neg = inv;
    },
    final: (m) => {
      if (m.module === 'mark' && m.mark < 0) throw param('mark: option "--mark" must be specified\n');
    },
  },
  connmark: {
    opts: { mark: 'mark' },
    invertible: ['mark'],
    create: () => ({ module: 'connmark', mark: -1, mask: 0xffffffff, neg: false }),
    parse: (m, _opt, inv, take) => {
      if (m.module !== 'connmark') return;
      const v = parseMarkMask(take());
      if (!v) throw param('connmark: bad integer value for option "--mark", or out of range.\n');
      m.mark = v.value;
      m.mask = v.mask ?? 0xffffffff;
      m.neg = inv;
    },
    final: (m) => {
      if (m.module === 'connmark' && m.mark < 0) throw param('connmark: option "--mark" must be specified\n');
    },
  },
  statistic: {
    opts: { mode: 'mode', probability: 'probability', every: 'every', packet: 'packet' },
    invertible: ['probability', 'every'],
    create: () => ({ module: 'statistic', mode: 'random', probability: -1, neg: false }),
    parse: (m, opt, inv, take) => {
      if (m.module !== 'statistic') return;
      const draft = m as unknown as Record<string, unknown>;
      const v = take();
      if (opt === 'mode') {
        if (v !== 'random' && v !== 'nth') throw param(`statistic: Bad mode "${v}"`);
        draft.mode = v;
        draft.modeGiven = true;
      } else if (opt === 'probability') {
        const p = /^(\d+(\.\d*)?|\.\d+)$/.test(v) ? Number(v) : NaN;
        if (!(p >= 0 && p <= 1))
          throw param('statistic: bad value for option "--probability", or out of range (0-1).\n');
        // The kernel keeps the probability as a fraction of 2^31 (lround(0x80000000 * p)).
        draft.probability = Math.round(p * 0x80000000) / 0x80000000;
        draft.neg = inv;
      } else {
        const n = /^\d+$/.test(v) ? Number(v) : NaN;
        if (!(n >= 0 && n <= 0xffffffff) || (opt === 'every' && n === 0))
          throw param(
            `statistic: bad value for option "--${opt}", or out of range (${opt === 'every' ? 1 : 0}-4294967295).\n`,
          );
        draft[opt] = n;
        if (opt === 'every') draft.neg = inv;
      }
    },
    final: (m) => {
      if (m.module !== 'statistic') return;
      const d = m as unknown as Record<string, unknown>;
      if (d.modeGiven !== true) throw param('statistic: option "--mode" must be specified\n');
      if (d.every !== undefined && d.packet === undefined)
        throw param('statistic: option "--every" also requires "--packet".\n');
      if (d.mode === 'random') {
        if ((d.probability as number) >= 0 && d.every === undefined && d.packet === undefined) {
          delete d.modeGiven;
          return;
        }
        if ((d.probability as number) < 0)
          throw param('--probability must be specified when using random mode');
        throw param(`--${d.every !== undefined ? 'every' : 'packet'} can only be used in nth mode`);
      }
      if ((d.probability as number) >= 0) throw param('--probability can only be used in random mode');
      if (d.every === undefined) throw param('--every must be specified when using nth mode');
      if ((d.packet as number) > (d.every as number) - 1) throw param('the --packet p must be 0 <= p <= n-1');
      delete d.probability;
      delete d.modeGiven;
    },
  },
  set: {
    opts: { 'match-set': 'match-set' },
    invertible: ['match-set'],
    twoArgs: ['match-set'],
    create: () => ({ module: 'set', name: '', flags: [], neg: false }),
    parse: (m, _opt, inv, take, _spec, ctx) => {
      if (m.module !== 'set') return;
      const name = take();
      if (!ctx.ipsetExists(name)) throw param(`Set ${name} doesn't exist.\n`);
      const flagStr = take();
      const flags = flagStr.split(',');
      if (flags.length > 6 || flags.some((f) => f !== 'src' && f !== 'dst'))
        throw param(`You must specify (the comma separated list of) 'src' or 'dst'.`);
      m.name = name;
      m.flags = flags as ('src' | 'dst')[];
      m.neg = inv;
    },
    final: (m) => {
      if (m.module === 'set' && !m.name) throw param("You must specify `--match-set' with proper arguments");
    },
  },
  recent: {
    opts: {
      set: 'set',
      rcheck: 'rcheck',
      update: 'update',
      remove: 'remove',
      seconds: 'seconds',
      reap: 'reap',
      hitcount: 'hitcount',
      rttl: 'rttl',
      name: 'name',
      rsource: 'rsource',
      rdest: 'rdest',
      mask: 'mask',
    },
    flags: ['set', 'rcheck', 'update', 'remove', 'reap', 'rttl', 'rsource', 'rdest'],
    invertible: ['set', 'rcheck', 'update', 'remove'],
    create: () => ({
      module: 'recent',
      name: 'DEFAULT',
      cmd: 'set',
      neg: false,
      side: 'source',
      mask: 0xffffffff,
    }),
    parse: (m, opt, inv, take) => parseRecent(m, opt, inv, take),
    final: (m) => {
      if (m.module !== 'recent') return;
      const d = m as unknown as Record<string, unknown>;
      if (d.cmdGiven === undefined)
        throw param("recent: you must specify one of `--set', `--rcheck' `--update' or `--remove'");
      if (m.reap && !m.seconds) throw param('recent: option "--reap" also requires "--seconds".\n');
      delete d.cmdGiven;
    },
  },
  // libxt_physdev: every option may be inverted and given once.
  physdev: {
    opts: Object.fromEntries(PHYSDEV_OPTS.map((o) => [o, o])),
    flags: ['physdev-is-in', 'physdev-is-out', 'physdev-is-bridged'],
    invertible: PHYSDEV_OPTS,
    create: () => ({ module: 'physdev' }),
    parse: (m, opt, inv, take) => {
      if (m.module !== 'physdev') return;
      const key = PHYSDEV_KEY[opt]!;
      onlyOnce('physdev', opt, !!m[key]);
      if (key === 'physdevIn' || key === 'physdevOut') m[key] = parseIface(opt, take(), inv);
      else m[key] = { neg: inv };
    },
    final: (m) => {
      if (m.module === 'physdev' && !PHYSDEV_OPTS.some((o) => m[PHYSDEV_KEY[o]!]))
        throw param('PHYSDEV: no physdev option specified');
    },
  },
};

/** libxt_recent's options: one command (set, rcheck, update, remove), then its modifiers. */
function parseRecent(m: Match, opt: string, inv: boolean, take: () => string): void {
  if (m.module !== 'recent') return;
  const d = m as unknown as Record<string, unknown>;
  if (opt === 'set' || opt === 'rcheck' || opt === 'update' || opt === 'remove') {
    if (d.cmdGiven !== undefined)
      throw param(`recent: option "--${opt}" cannot be used together with "--${d.cmdGiven as string}".\n`);
    d.cmdGiven = opt;
    m.cmd = opt;
    m.neg = inv;
  } else if (opt === 'seconds' || opt === 'hitcount') {
    const v = take();
    const n = /^\d+$/.test(v) ? Number(v) : NaN;
    if (!(n >= 0 && n <= 0xffffffff))
      throw param(`recent: bad value for option "--${opt}", or out of range (0-4294967295).\n`);
    m[opt] = n;
  } else if (opt === 'reap') m.reap = true;
  else if (opt === 'rttl') m.rttl = true;
  else if (opt === 'rsource') m.side = 'source';
  else if (opt === 'rdest') m.side = 'dest';
  else if (opt === 'name') {
    const v = take();
    if (v.length > 199 || !/^[\w.-]+$/.test(v)) throw param(`Illegal name "${v}"`);
    m.name = v;
  } else {
    const v = take();
    const a = parseIp(v);
    if (a === null) throw param(`Host/network \`${v}' not found`);
    m.mask = a >>> 0;
  }
}

export function parseStates(s: string, mod: string): CtState[] {
  return s.split(',').map((x) => {
    if (!CT_STATES.has(x)) throw param(mod === 'ctstate' ? `Bad ctstate "${x}"` : `Bad state "${x}"`);
    return x as CtState;
  });
}

/**
 * libipt_icmp / libip6t_icmp6: a type by name, a number, or type/code; `any` (type 255) exists
 * for IPv4 only. Saved as the number(s).
 */
function icmpTypeArg(
  s: string,
  names: readonly (readonly [string, number, number, number])[],
  family: 'ICMP' | 'ICMPv6',
  any: boolean,
): { type: number; code: number | undefined; name: string } {
  const named = names.find(([n]) => n.toLowerCase() === s.toLowerCase());
  let type: number;
  let codeMin = 0;
  let codeMax = 0xff;
  if (named) [, type, codeMin, codeMax] = named;
  else {
    const mm = /^(\d+)(?:\/(\d+))?$/.exec(s);
    if (!mm || Number(mm[1]) > 255 || (mm[2] !== undefined && Number(mm[2]) > 255))
      throw param(`Unknown ${family} type \`${s}'`);
    type = Number(mm[1]);
    if (mm[2] !== undefined) codeMin = codeMax = Number(mm[2]);
  }
  const name = any && type === 0xff ? 'any' : codeMin === codeMax ? `${type}/${codeMin}` : `${type}`;
  return { type, code: codeMin === codeMax ? codeMin : undefined, name };
}
