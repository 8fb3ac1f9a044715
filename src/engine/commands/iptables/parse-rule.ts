/**
 * The iptables command line, parsed the way iptables 1.8.9 (nf_tables backend) parses it:
 * getopt-style options in any order (`-nvL`, `! -s`, `--dport` after `-p tcp` loading the
 * implicit tcp match), match modules (`-m`) and targets (`-j`) with their own options, and
 * the same refusals with the same words. The result is a command plus the rules it names
 * (a `-s a,b` list expands to one rule per address, as iptables does).
 *
 * Errors are IptError values (the message core plus its kind); the iptables command and
 * iptables-restore wrap them in their own framing.
 */
import { maskOf, parseIp } from '../../net/ipv4';
import { canonicalProto, ICMP_TYPES, parsePort, TARGET_NAMES } from '../../kernel/netfilter/tables';
import { UserError } from '../../util/errors';
import type {
  AddrMatch,
  AddrType,
  CtState,
  IfaceMatch,
  Match,
  NatRange,
  PortRange,
  Rule,
  Target,
} from '../../kernel/netfilter/types';

/**
 * How a message is framed:
 * - param: "TOOL v1.8.9 (nf_tables): CORE\nTry `TOOL -h' ..." (exit 2, PARAMETER_PROBLEM);
 * - bare: "CORE\nTry `TOOL -h' ..." (exit 2, e.g. "Bad argument `x'");
 * - plain: "iptables: CORE" (exit 1, the libiptc/nft error strings);
 * - versioned: "TOOL v1.8.9 (nf_tables): CORE" with its own status (kernel errors, -t bogus).
 */
export type IptErrorKind = 'param' | 'bare' | 'plain' | 'versioned';

export class IptError extends UserError {
  constructor(
    readonly kind: IptErrorKind,
    readonly core: string,
    readonly status: number,
  ) {
    super('command', core);
    this.name = 'IptError';
  }
}

export const param = (core: string): IptError => new IptError('param', core, 2);

export type IptCommand = 'A' | 'C' | 'D' | 'I' | 'R' | 'L' | 'S' | 'F' | 'Z' | 'N' | 'X' | 'E' | 'P';

/** One rule as written, before -s/-d lists are expanded and chains are checked. */
export interface RuleSpec {
  srcs?: AddrMatch[];
  dsts?: AddrMatch[];
  in?: IfaceMatch;
  out?: IfaceMatch;
  proto?: { name: string; neg: boolean };
  matches: Match[];
  target?: Target;
}

export interface ParsedArgs {
  command?: IptCommand;
  /** -Z given together with -L. */
  zero: boolean;
  chain?: string;
  rulenum?: number;
  /** -E's new name or -P's policy. */
  arg2?: string;
  table: string;
  tableGiven: boolean;
  numeric: boolean;
  verbose: boolean;
  exact: boolean;
  lineNumbers: boolean;
  spec: RuleSpec;
  /** Counters given with -c P B (iptables-restore's `[p:b]` becomes this too). */
  counters?: { packets: number; bytes: number };
}

export interface ParseContext {
  /** "iptables" or "iptables-restore" (only used in a few messages). */
  tool: string;
  /** Whether an ipset exists, for `-m set --match-set` ("Set x doesn't exist."). */
  ipsetExists: (name: string) => boolean;
}

const COMMAND_LETTERS = new Set<string>(['A', 'C', 'D', 'I', 'R', 'L', 'S', 'F', 'Z', 'N', 'X', 'E', 'P']);

const LONG: Record<string, string> = {
  append: 'A',
  check: 'C',
  delete: 'D',
  insert: 'I',
  replace: 'R',
  list: 'L',
  'list-rules': 'S',
  flush: 'F',
  zero: 'Z',
  'new-chain': 'N',
  new: 'N',
  'delete-chain': 'X',
  'rename-chain': 'E',
  policy: 'P',
  source: 's',
  src: 's',
  destination: 'd',
  dst: 'd',
  protocol: 'p',
  'in-interface': 'i',
  'out-interface': 'o',
  jump: 'j',
  goto: 'g',
  match: 'm',
  numeric: 'n',
  verbose: 'v',
  exact: 'x',
  table: 't',
  wait: 'w',
  'wait-interval': 'W',
  'set-counters': 'c',
  'line-numbers': 'line',
};

/** Short options that take an argument (getopt "A:C:D:R:I:N:E:P:o:p:s:d:j:i:t:m:g:c:"). */
const WITH_ARG = new Set([
  'A',
  'C',
  'D',
  'R',
  'I',
  'N',
  'E',
  'P',
  'o',
  'p',
  's',
  'd',
  'j',
  'i',
  't',
  'm',
  'g',
  'c',
]);

/** Which generic options each command accepts (iptables' commands_v_options). */
const ILLEGAL: Record<string, string[]> = {
  A: ['n', 'x', 'line'],
  I: ['n', 'x', 'line'],
  R: ['n', 'x', 'line'],
  D: ['n', 'x', 'line'],
  C: ['n', 'x', 'line'],
  Dnum: ['n', 's', 'd', 'p', 'j', 'x', 'i', 'o', 'line'],
  L: ['s', 'd', 'p', 'j', 'i', 'o'],
  F: ['n', 's', 'd', 'p', 'j', 'x', 'i', 'o', 'line'],
  Z: ['n', 's', 'd', 'p', 'j', 'x', 'i', 'o', 'line'],
  N: ['n', 's', 'd', 'p', 'j', 'x', 'i', 'o', 'line'],
  X: ['n', 's', 'd', 'p', 'j', 'x', 'i', 'o', 'line'],
  P: ['n', 's', 'd', 'p', 'j', 'x', 'i', 'o', 'line'],
  E: ['n', 's', 'd', 'p', 'j', 'x', 'i', 'o', 'line'],
  S: ['n', 's', 'd', 'p', 'j', 'x', 'i', 'o', 'line'],
};

const OPT_NAME: Record<string, string> = { line: '--line-numbers' };

/** "10.0.0.1", "10.0.0.0/8", "10.0.0.0/255.0.0.0" -> AddrMatch (host bits cleared, like iptables). */
export function parseAddr(s: string, neg: boolean): AddrMatch {
  const slash = s.indexOf('/');
  const host = slash < 0 ? s : s.slice(0, slash);
  let len = 32;
  if (slash >= 0) {
    const m = s.slice(slash + 1);
    if (/^\d+$/.test(m) && Number(m) <= 32) len = Number(m);
    else {
      const dotted = parseIp(m);
      const l = dotted === null ? -1 : contiguousLen(dotted);
      if (l < 0) throw param(`invalid mask \`${m}' specified`);
      len = l;
    }
  }
  const addr = parseIp(host);
  if (addr === null) throw param(`host/network \`${host}' not found`);
  return { addr: (addr & maskOf(len)) >>> 0, len, neg };
}

function contiguousLen(mask: number): number {
  for (let len = 0; len <= 32; len++) if (maskOf(len) === mask >>> 0) return len;
  return -1;
}

function parseIface(flag: string, s: string, neg: boolean): IfaceMatch {
  if (s.length > 15) throw param(`interface name \`${s}' must be shorter than IFNAMSIZ (15)`);
  void flag;
  return { name: s, neg };
}

/** A "80", "1000:2000", ":1024", "1024:" port or range (tcp/udp --sport/--dport). */
function parsePortRange(s: string, proto: string): PortRange {
  const colon = s.indexOf(':');
  const one = (p: string, dflt: number): number => {
    if (p === '') return dflt;
    const n = parsePort(p, proto);
    if (n === null) throw param(`invalid port/service \`${p}' specified`);
    return n;
  };
  if (colon < 0) {
    const n = one(s, -1);
    if (n < 0) throw param(`invalid port/service \`${s}' specified`);
    return { from: n, to: n };
  }
  const from = one(s.slice(0, colon), 0);
  const to = one(s.slice(colon + 1), 65535);
  if (from > to) throw param('invalid portrange (min > max)');
  return { from, to };
}

function parseUint(s: string): number | null {
  if (/^0x[0-9a-f]+$/i.test(s)) return parseInt(s.slice(2), 16);
  if (/^0[0-7]*$/.test(s)) return parseInt(s, 8);
  if (/^[1-9]\d*$/.test(s)) return Number(s);
  return null;
}

/** "V[/M]" marks; null when malformed or out of 32-bit range. */
function parseMarkMask(s: string): { value: number; mask?: number } | null {
  const [v, m, extra] = s.split('/');
  if (extra !== undefined) return null;
  const value = parseUint(v!);
  if (value === null || value > 0xffffffff) return null;
  if (m === undefined) return { value };
  const mask = parseUint(m);
  if (mask === null || mask > 0xffffffff) return null;
  return { value, mask };
}

const CT_STATES = new Set<string>(['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED', 'SNAT', 'DNAT']);
const ADDR_TYPES = new Set<string>([
  'UNSPEC',
  'UNICAST',
  'LOCAL',
  'BROADCAST',
  'ANYCAST',
  'MULTICAST',
  'BLACKHOLE',
  'UNREACHABLE',
  'PROHIBIT',
  'THROW',
  'NAT',
  'XRESOLVE',
]);
const TCP_FLAGS = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG'];

function parseTcpFlags(s: string): string[] {
  const out = new Set<string>();
  for (const f of s.split(',')) {
    const u = f.toUpperCase();
    if (u === 'ALL') TCP_FLAGS.forEach((x) => out.add(x));
    else if (u === 'NONE') continue;
    else if (TCP_FLAGS.includes(u)) out.add(u);
    else throw param(`Unknown TCP flag \`${f}'`);
  }
  return TCP_FLAGS.filter((x) => out.has(x));
}

/** A match module: its options and how it reads them into its Match. */
interface Module {
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

const portOpts = {
  sport: 'sport',
  'source-port': 'sport',
  dport: 'dport',
  'destination-port': 'dport',
};
const LONG_PORT: Record<string, string> = { sport: 'source-port', dport: 'destination-port' };

function protoOf(spec: RuleSpec): string {
  return spec.proto && !spec.proto.neg ? spec.proto.name : '';
}

function onlyOnce(mod: string, opt: string, present: boolean): void {
  if (present) throw param(`${mod}: option "--${opt}" can only be used once.\n`);
}

const MODULES: Record<string, Module> = {
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
      const s = take();
      const named = ICMP_TYPES.find(([n]) => n.toLowerCase() === s.toLowerCase());
      let type: number;
      let codeMin = 0;
      let codeMax = 0xff;
      if (named) [, type, codeMin, codeMax] = named;
      else {
        const mm = /^(\d+)(?:\/(\d+))?$/.exec(s);
        if (!mm || Number(mm[1]) > 255 || (mm[2] !== undefined && Number(mm[2]) > 255))
          throw param(`Unknown ICMP type \`${s}'`);
        type = Number(mm[1]);
        if (mm[2] !== undefined) codeMin = codeMax = Number(mm[2]);
      }
      const name = type === 0xff ? 'any' : codeMin === codeMax ? `${type}/${codeMin}` : `${type}`;
      m.icmpType = { type, code: codeMin === codeMax ? codeMin : undefined, name, neg: inv };
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
  physdev: {
    opts: {
      'physdev-is-bridged': 'physdev-is-bridged',
      'physdev-in': 'physdev-in',
      'physdev-out': 'physdev-out',
    },
    flags: ['physdev-is-bridged'],
    invertible: ['physdev-in', 'physdev-out'],
    create: () => ({ module: 'physdev' }),
    parse: (m, opt, inv, take) => {
      if (m.module !== 'physdev') return;
      if (opt === 'physdev-is-bridged') m.physdevIsBridged = true;
      else if (opt === 'physdev-in') m.physdevIn = parseIface('physdev-in', take(), inv);
      else m.physdevOut = parseIface('physdev-out', take(), inv);
    },
    final: (m) => {
      if (m.module === 'physdev' && !m.physdevIsBridged && !m.physdevIn && !m.physdevOut)
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

function parseStates(s: string, mod: string): CtState[] {
  return s.split(',').map((x) => {
    if (!CT_STATES.has(x)) throw param(mod === 'ctstate' ? `Bad ctstate "${x}"` : `Bad state "${x}"`);
    return x as CtState;
  });
}

const REJECT_TYPES: Record<string, string> = {
  'icmp-net-unreachable': 'icmp-net-unreachable',
  'net-unreach': 'icmp-net-unreachable',
  'icmp-host-unreachable': 'icmp-host-unreachable',
  'host-unreach': 'icmp-host-unreachable',
  'icmp-port-unreachable': 'icmp-port-unreachable',
  'port-unreach': 'icmp-port-unreachable',
  'icmp-proto-unreachable': 'icmp-proto-unreachable',
  'proto-unreach': 'icmp-proto-unreachable',
  'icmp-net-prohibited': 'icmp-net-prohibited',
  'net-prohib': 'icmp-net-prohibited',
  'icmp-host-prohibited': 'icmp-host-prohibited',
  'host-prohib': 'icmp-host-prohibited',
  'icmp-admin-prohibited': 'icmp-admin-prohibited',
  'admin-prohib': 'icmp-admin-prohibited',
  'tcp-reset': 'tcp-reset',
  'tcp-rst': 'tcp-reset',
};

const LOG_LEVELS = ['emerg', 'alert', 'crit', 'error', 'warning', 'notice', 'info', 'debug'];
const LOG_ALIASES: Record<string, number> = { panic: 0, err: 3, warn: 4 };

/** A target's options, parsed into a draft that `finish` turns into the Target. */
interface TargetDef {
  opts: string[];
  flags?: string[];
  parse: (d: Record<string, unknown>, opt: string, take: () => string, spec: RuleSpec) => void;
  finish: (d: Record<string, unknown>, spec: RuleSpec) => Target;
}

function portsNeedProto(spec: RuleSpec): void {
  if (!['tcp', 'udp', 'sctp', 'dccp'].includes(protoOf(spec)))
    throw param('Need TCP, UDP, SCTP or DCCP with port specification');
}

/** "P" or "P-P2" for --to-ports. */
function parseToPorts(s: string, mod: string): PortRange {
  const m = /^(\d+)(?:[-:](\d+))?$/.exec(s);
  const from = m ? Number(m[1]) : NaN;
  const to = m?.[2] !== undefined ? Number(m[2]) : from;
  if (!m || from > 65535 || to > 65535 || from > to || (from === 0 && mod !== 'REDIRECT'))
    throw param(`Port "${s}" not valid\n`);
  return { from, to };
}

/** "A[-B][:P[-P2]]" for --to-source / --to-destination (":P" keeps the address). */
function parseNatRange(s: string, mod: string): NatRange {
  const colon = s.indexOf(':');
  const addrPart = colon < 0 ? s : s.slice(0, colon);
  const range: NatRange = { addrFrom: 0, addrTo: 0 };
  if (addrPart !== '') {
    const [a, b, extra] = addrPart.split('-');
    const from = parseIp(a!);
    const to = b === undefined ? from : parseIp(b);
    if (from === null || extra !== undefined) throw param(`Bad IP address "${a}"\n`);
    if (to === null) throw param(`Bad IP address "${b}"\n`);
    range.addrFrom = from;
    range.addrTo = to;
  }
  if (colon >= 0) {
    const p = s.slice(colon + 1);
    const m = /^(\d+)(?:-(\d+))?$/.exec(p);
    const from = m ? Number(m[1]) : NaN;
    const to = m?.[2] !== undefined ? Number(m[2]) : from;
    if (!m || from === 0 || from > 65535 || to > 65535) throw param(`Port "${p}" not valid\n`);
    if (to < from) throw param(`Invalid port range "${p}"\n`);
    range.ports = { from, to };
  }
  void mod;
  return range;
}

const TARGETS: Record<string, TargetDef> = {
  ACCEPT: { opts: [], finish: () => ({ kind: 'ACCEPT' }), parse: () => {} },
  DROP: { opts: [], finish: () => ({ kind: 'DROP' }), parse: () => {} },
  RETURN: { opts: [], finish: () => ({ kind: 'RETURN' }), parse: () => {} },
  REJECT: {
    opts: ['reject-with'],
    parse: (d, _opt, take) => {
      const v = take();
      const t = REJECT_TYPES[v];
      if (!t) throw param(`unknown reject type "${v}"`);
      d.with = t;
    },
    finish: (d) => ({ kind: 'REJECT', with: (d.with as string | undefined) ?? 'icmp-port-unreachable' }),
  },
  LOG: {
    opts: ['log-prefix', 'log-level'],
    parse: (d, opt, take) => {
      const v = take();
      if (opt === 'log-prefix') {
        if (v === '') throw param('LOG: No prefix specified');
        d.prefix = v.slice(0, 29);
      } else {
        let n: number | undefined;
        if (/^\d+$/.test(v)) n = Number(v) <= 7 ? Number(v) : undefined;
        else n = LOG_LEVELS.indexOf(v) >= 0 ? LOG_LEVELS.indexOf(v) : LOG_ALIASES[v];
        if (n === undefined) throw param(`log level "${v}" unknown\n`);
        d.level = String(n);
      }
    },
    finish: (d) => {
      const t: Target = { kind: 'LOG' };
      if (d.prefix !== undefined) t.prefix = d.prefix as string;
      if (d.level !== undefined && d.level !== '4') t.level = d.level as string;
      return t;
    },
  },
  MARK: {
    opts: ['set-xmark', 'set-mark', 'and-mark', 'or-mark', 'xor-mark'],
    parse: (d, opt, take) => {
      if (d.value !== undefined)
        throw param('MARK: --set-xmark/--{and,or,xor,set}-mark options are mutually exclusive');
      const v = parseMarkMask(take());
      const bad = (): never => {
        throw param(`MARK: bad integer value for option "--${opt}", or out of range.\n`);
      };
      if (!v) return bad();
      if ((opt === 'and-mark' || opt === 'or-mark' || opt === 'xor-mark') && v.mask !== undefined)
        return bad();
      switch (opt) {
        case 'set-xmark':
          d.value = v.value;
          d.mask = v.mask ?? 0xffffffff;
          break;
        case 'set-mark':
          d.value = v.value;
          d.mask = v.mask === undefined ? 0xffffffff : (v.value | v.mask) >>> 0;
          break;
        case 'and-mark':
          d.value = 0;
          d.mask = ~v.value >>> 0;
          break;
        case 'or-mark':
          d.value = v.value;
          d.mask = v.value;
          break;
        default:
          d.value = v.value;
          d.mask = 0;
      }
    },
    finish: (d) => {
      if (d.value === undefined)
        throw param('MARK: One of the --set-xmark, --{and,or,xor,set}-mark options is required');
      return { kind: 'MARK', value: d.value as number, mask: d.mask as number, op: 'set-xmark' };
    },
  },
  CONNMARK: {
    opts: [
      'set-xmark',
      'set-mark',
      'and-mark',
      'or-mark',
      'xor-mark',
      'save-mark',
      'restore-mark',
      'mask',
      'nfmask',
      'ctmask',
    ],
    flags: [],
    parse: (d, opt, take) => {
      const bad = (o: string): never => {
        throw param(`CONNMARK: bad integer value for option "--${o}", or out of range.\n`);
      };
      if (opt === 'save-mark' || opt === 'restore-mark') {
        if (d.mode !== undefined)
          throw param(`CONNMARK: option "--${String(d.opt)}" cannot be used together with "--${opt}".\n`);
        d.mode = opt === 'save-mark' ? 'save' : 'restore';
        d.opt = opt;
        return;
      }
      if (opt === 'mask' || opt === 'nfmask' || opt === 'ctmask') {
        const v = parseMarkMask(take());
        if (!v || v.mask !== undefined) return bad(opt);
        if (opt !== 'ctmask') d.nfmask = v.value;
        if (opt !== 'nfmask') d.ctmask = v.value;
        return;
      }
      if (d.mode !== undefined)
        throw param(`CONNMARK: option "--${String(d.opt)}" cannot be used together with "--${opt}".\n`);
      const v = parseMarkMask(take());
      if (!v) return bad(opt);
      if (opt !== 'set-xmark' && opt !== 'set-mark' && v.mask !== undefined) return bad(opt);
      d.mode = 'set';
      d.opt = opt;
      // The same arithmetic as MARK's: a mark and the bits it replaces.
      if (opt === 'set-xmark') [d.ctmark, d.ctmask] = [v.value, v.mask ?? 0xffffffff];
      else if (opt === 'set-mark')
        [d.ctmark, d.ctmask] = [v.value, v.mask === undefined ? 0xffffffff : (v.value | v.mask) >>> 0];
      else if (opt === 'and-mark') [d.ctmark, d.ctmask] = [0, ~v.value >>> 0];
      else if (opt === 'or-mark') [d.ctmark, d.ctmask] = [v.value, v.value];
      else [d.ctmark, d.ctmask] = [v.value, 0];
    },
    finish: (d) => {
      if (d.mode === undefined) throw param('CONNMARK target: No operation specified');
      const mode = d.mode as 'set' | 'save' | 'restore';
      if (mode === 'set')
        return { kind: 'CONNMARK', mode, ctmark: d.ctmark as number, ctmask: d.ctmask as number, nfmask: 0 };
      return {
        kind: 'CONNMARK',
        mode,
        ctmark: 0,
        ctmask: (d.ctmask as number | undefined) ?? 0xffffffff,
        nfmask: (d.nfmask as number | undefined) ?? 0xffffffff,
      };
    },
  },
  MASQUERADE: {
    opts: ['to-ports', 'random', 'random-fully'],
    flags: ['random', 'random-fully'],
    parse: (d, opt, take, spec) => {
      if (opt === 'to-ports') {
        portsNeedProto(spec);
        d.toPorts = parseToPorts(take(), 'MASQUERADE');
      } else d[opt] = true;
    },
    finish: (d) => {
      const t: Target = { kind: 'MASQUERADE' };
      if (d.toPorts) t.toPorts = d.toPorts as PortRange;
      if (d.random) t.random = true;
      if (d['random-fully']) t.randomFully = true;
      return t;
    },
  },
  SNAT: {
    opts: ['to-source', 'random', 'random-fully', 'persistent'],
    flags: ['random', 'random-fully', 'persistent'],
    parse: (d, opt, take, spec) => {
      if (opt === 'to-source') {
        if (d.to) throw param('SNAT: option "--to-source" can only be used once.\n');
        const r = parseNatRange(take(), 'SNAT');
        if (r.ports) portsNeedProto(spec);
        d.to = r;
      } else d[opt] = true;
    },
    finish: (d) => {
      if (!d.to) throw param('SNAT: option "--to-source" must be specified\n');
      const t: Target = { kind: 'SNAT', to: d.to as NatRange };
      if (d.random) t.random = true;
      if (d['random-fully']) t.randomFully = true;
      if (d.persistent) t.persistent = true;
      return t;
    },
  },
  DNAT: {
    opts: ['to-destination'],
    parse: (d, _opt, take, spec) => {
      if (d.to) throw param('DNAT: option "--to-destination" can only be used once.\n');
      const r = parseNatRange(take(), 'DNAT');
      if (r.ports) portsNeedProto(spec);
      d.to = r;
    },
    finish: (d) => {
      if (!d.to) throw param('DNAT: option "--to-destination" must be specified\n');
      return { kind: 'DNAT', to: d.to as NatRange };
    },
  },
  REDIRECT: {
    opts: ['to-ports', 'random'],
    flags: ['random'],
    parse: (d, opt, take, spec) => {
      if (opt === 'to-ports') {
        portsNeedProto(spec);
        d.toPorts = parseToPorts(take(), 'REDIRECT');
      } else d.random = true;
    },
    finish: (d) => {
      const t: Target = { kind: 'REDIRECT' };
      if (d.toPorts) t.toPorts = d.toPorts as PortRange;
      return t;
    },
  },
};

/** Whether `name` is a target iptables knows (not a chain). */
export function isKnownTarget(name: string): boolean {
  return name in TARGETS;
}

/** The chain name rules of -N (iptables' own checks, before the kernel's). */
export function checkChainName(name: string): void {
  if (name.startsWith('-')) throw param("chain name not allowed to start with `-'");
  if (TARGET_NAMES.has(name)) throw param('chain name may not clash with target name');
  if (name.length >= 29) throw param(`chain name \`${name}' too long (must be under 29 chars)`);
  if (/[\s]/.test(name) || name === '') throw param(`Invalid chain name \`${name}'`);
}

/** Parses an iptables argv (without the program name). */
export function parseIptablesArgs(argv: string[], ctx: ParseContext): ParsedArgs {
  const p: ParsedArgs = {
    zero: false,
    table: 'filter',
    tableGiven: false,
    numeric: false,
    verbose: false,
    exact: false,
    lineNumbers: false,
    spec: { matches: [] },
  };
  const used = new Set<string>();
  let jump: string | undefined;
  let goto = false;
  let targetDef: TargetDef | undefined;
  const targetDraft: Record<string, unknown> = {};
  const targetSeen = new Set<string>();
  /** Match instances with the module that parses them (latest first when searching). */
  const loaded: { mod: Module; name: string; m: Match; seen: Set<string> }[] = [];
  let i = 0;
  let inv = false;
  const peekPositional = (): string | undefined => {
    const w = argv[i];
    return w !== undefined && !w.startsWith('-') && w !== '!' ? w : undefined;
  };
  const requireArg = (flag: string, attached: string | undefined): string => {
    if (attached !== undefined && attached !== '') return attached;
    const w = argv[i];
    if (w === undefined) throw param(`option "${flag}" requires an argument`);
    i++;
    return w;
  };
  const setCommand = (c: IptCommand): void => {
    if (p.command !== undefined) {
      if ((p.command === 'L' && c === 'Z') || (p.command === 'Z' && c === 'L')) {
        p.command = 'L';
        p.zero = true;
        return;
      }
      throw param(`Cannot use -${c} with -${p.command}`);
    }
    p.command = c;
  };
  const noInvert = (flag: string): void => {
    if (inv) throw param(`cannot have ! before ${flag}`);
  };
  const ruleNumber = (s: string): number => {
    if (!/^\d+$/.test(s) || Number(s) < 1) throw param(`Invalid rule number \`${s}'`);
    return Number(s);
  };

  const handleShort = (c: string, attached: string | undefined): void => {
    const flag = c === 'line' ? '--line-numbers' : `-${c}`;
    if (COMMAND_LETTERS.has(c)) noInvert(flag);
    switch (c) {
      case 'A':
      case 'C':
      case 'N':
        setCommand(c);
        p.chain = requireArg(flag, attached);
        return;
      case 'D':
      case 'I':
        setCommand(c);
        p.chain = requireArg(flag, attached);
        if (peekPositional() !== undefined) p.rulenum = ruleNumber(argv[i++]!);
        return;
      case 'R': {
        setCommand(c);
        p.chain = requireArg(flag, attached);
        const n = peekPositional();
        if (n === undefined) throw param('-R requires a rule number');
        i++;
        p.rulenum = ruleNumber(n);
        return;
      }
      case 'E':
        setCommand(c);
        p.chain = requireArg(flag, attached);
        if (peekPositional() === undefined) throw param('-E requires old-chain-name and new-chain-name');
        p.arg2 = argv[i++];
        return;
      case 'P':
        setCommand(c);
        p.chain = requireArg(flag, attached);
        if (peekPositional() === undefined) throw param('-P requires a chain and a policy');
        p.arg2 = argv[i++];
        return;
      case 'L':
      case 'S':
      case 'F':
      case 'Z':
      case 'X': {
        setCommand(c);
        const chain = attached || peekPositional();
        if (chain !== undefined) {
          if (!attached) i++;
          if (c === 'Z' && p.command === 'L' && p.chain !== undefined) return;
          p.chain = chain;
          if ((c === 'S' || c === 'Z' || c === 'L') && peekPositional() !== undefined)
            p.rulenum = ruleNumber(argv[i++]!);
        }
        return;
      }
      case 't': {
        noInvert(flag);
        if (p.tableGiven) throw param('multiple -t flags not allowed');
        p.table = requireArg(flag, attached);
        p.tableGiven = true;
        return;
      }
      case 'n':
        noInvert(flag);
        p.numeric = true;
        used.add('n');
        return;
      case 'v':
        p.verbose = true;
        return;
      case 'x':
        p.exact = true;
        used.add('x');
        return;
      case 'line':
        p.lineNumbers = true;
        used.add('line');
        return;
      case 'w':
      case 'W':
        if (attached === undefined && argv[i] !== undefined && /^\d+$/.test(argv[i]!)) i++;
        return;
      case 'c': {
        const pk = requireArg(flag, attached);
        const bk = argv[i++];
        if (bk === undefined || !/^\d+$/.test(pk) || !/^\d+$/.test(bk))
          throw param('-c requires packet and byte counter');
        p.counters = { packets: Number(pk), bytes: Number(bk) };
        return;
      }
      case 's':
      case 'd': {
        const v = requireArg(flag, attached);
        const key = c === 's' ? 'srcs' : 'dsts';
        if (p.spec[key]) throw param(`multiple -${c} flags not allowed`);
        p.spec[key] = v.split(',').map((a) => parseAddr(a, inv));
        used.add(c);
        return;
      }
      case 'i':
      case 'o': {
        const v = requireArg(flag, attached);
        const key = c === 'i' ? 'in' : 'out';
        if (p.spec[key]) throw param(`multiple -${c} flags not allowed`);
        p.spec[key] = parseIface(flag, v, inv);
        used.add(c);
        return;
      }
      case 'p': {
        const v = requireArg(flag, attached);
        if (p.spec.proto) throw param('multiple -p flags not allowed');
        const name = canonicalProto(v);
        if (name === null) throw param(`unknown protocol "${v}" specified`);
        if (name === 'all' && !inv) {
          p.spec.proto = undefined;
          used.add('p');
          return;
        }
        p.spec.proto = { name, neg: inv };
        used.add('p');
        return;
      }
      case 'j':
      case 'g': {
        noInvert(flag);
        const v = requireArg(flag, attached);
        if (jump !== undefined) throw param(`multiple -${c} flags not allowed`);
        jump = v;
        goto = c === 'g';
        used.add('j');
        if (c === 'j') targetDef = TARGETS[v];
        return;
      }
      case 'm': {
        noInvert(flag);
        const v = requireArg(flag, attached);
        const mod = MODULES[v];
        if (!mod) throw param(`Couldn't load match \`${v}':No such file or directory\n`);
        // The nf_tables backend keeps one tcp/udp match per rule: later -m tcp options merge into it.
        const existing = (v === 'tcp' || v === 'udp') && loaded.find((l) => l.name === v);
        if (!existing) {
          const m = mod.create();
          loaded.push({ mod, name: v, m, seen: new Set() });
          p.spec.matches.push(m);
        }
        return;
      }
      default:
        throw param(`unknown option "-${c}"`);
    }
  };

  const handleExtension = (opt: string, attached: string | undefined): boolean => {
    const take = (): string => {
      if (attached !== undefined) {
        const v = attached;
        attached = undefined;
        return v;
      }
      const w = argv[i];
      if (w === undefined) throw param(`option "--${opt}" requires an argument`);
      i++;
      return w;
    };
    if (targetDef && targetDef.opts.includes(opt)) {
      if (inv) throw param(`${jump}: option "--${opt}" cannot be inverted.\n`);
      if (targetSeen.has(opt) && !(targetDef.flags ?? []).includes(opt))
        throw param(`${jump}: option "--${opt}" can only be used once.\n`);
      targetSeen.add(opt);
      targetDef.parse(targetDraft, opt, take, p.spec);
      return true;
    }
    const tryLoaded = (): boolean => {
      for (let k = loaded.length - 1; k >= 0; k--) {
        const l = loaded[k]!;
        const canon = l.mod.opts[opt];
        if (canon === undefined) continue;
        if (inv && !(l.mod.invertible ?? []).includes(canon))
          throw param(`${l.name}: option "--${opt}" cannot be inverted.\n`);
        l.mod.parse(l.m, canon, inv, take, p.spec, ctx);
        l.seen.add(canon);
        return true;
      }
      return false;
    };
    if (tryLoaded()) return true;
    // The implicit protocol match: `-p tcp --dport 80` loads -m tcp.
    const proto = p.spec.proto;
    if (proto && !proto.neg && (proto.name === 'tcp' || proto.name === 'udp' || proto.name === 'icmp')) {
      const mod = MODULES[proto.name]!;
      if (mod.opts[opt] !== undefined && !loaded.some((l) => l.name === proto.name)) {
        const m = mod.create();
        loaded.push({ mod, name: proto.name, m, seen: new Set() });
        p.spec.matches.push(m);
        return tryLoaded();
      }
    }
    return false;
  };

  while (i < argv.length) {
    const w = argv[i++]!;
    if (w === '!') {
      if (inv) throw param("multiple `!' flags not allowed");
      inv = true;
      continue;
    }
    if (w.startsWith('--') && w.length > 2) {
      const eq = w.indexOf('=');
      const name = eq < 0 ? w.slice(2) : w.slice(2, eq);
      const attached = eq < 0 ? undefined : w.slice(eq + 1);
      const short = LONG[name];
      if (short !== undefined) {
        handleShort(short, attached);
        inv = false;
        continue;
      }
      if (handleExtension(name, attached)) {
        inv = false;
        continue;
      }
      throw param(`unknown option "${w}"`);
    }
    if (w.startsWith('-') && w.length > 1) {
      // A cluster of short options (-nvL); an option with an argument takes the rest of the word.
      for (let k = 1; k < w.length; k++) {
        const c = w[k]!;
        if (WITH_ARG.has(c) || 'LSFZX'.includes(c)) {
          const rest = w.slice(k + 1);
          handleShort(c, rest === '' ? undefined : rest);
          break;
        }
        handleShort(c, undefined);
      }
      inv = false;
      continue;
    }
    throw new IptError('bare', `Bad argument \`${w}'`, 2);
  }

  for (const l of loaded) l.mod.final?.(l.m, p.spec);
  if (jump !== undefined) {
    if (targetDef) p.spec.target = targetDef.finish(targetDraft, p.spec);
    else p.spec.target = { kind: 'CHAIN', chain: jump, goto };
    if (goto && targetDef) p.spec.target = { kind: 'CHAIN', chain: jump, goto };
  }

  if (p.command === undefined) throw param('no command specified');
  const key = p.command === 'D' && p.rulenum !== undefined ? 'Dnum' : p.command;
  for (const o of ILLEGAL[key] ?? [])
    if (used.has(o)) throw param(`Illegal option \`${OPT_NAME[o] ?? `-${o}`}' with this command`);
  if (['A', 'I', 'R', 'C', 'D'].includes(p.command) && p.chain !== undefined) {
    const ch = p.chain;
    if ((ch === 'PREROUTING' || ch === 'INPUT') && p.spec.out) throw param(`Can't use -o with ${ch}\n`);
    if ((ch === 'POSTROUTING' || ch === 'OUTPUT') && p.spec.in) throw param(`Can't use -i with ${ch}\n`);
  }
  if (p.table === 'nat' && (p.spec.target?.kind === 'DROP' || (p.command === 'P' && p.arg2 === 'DROP')))
    throw param(
      '\nThe "nat" table is not intended for filtering, the use of DROP is therefore inhibited.\n\n',
    );
  return p;
}

/** The rules a spec stands for: one per source x destination of `-s a,b -d c,d`. */
export function expandSpec(
  spec: RuleSpec,
  origin: string,
  counters?: { packets: number; bytes: number },
): Rule[] {
  const srcs = spec.srcs ?? [undefined];
  const dsts = spec.dsts ?? [undefined];
  const out: Rule[] = [];
  for (const src of srcs)
    for (const dst of dsts) {
      const r: Rule = {
        matches: spec.matches,
        counters: counters ? { ...counters } : { packets: 0, bytes: 0 },
        origin,
      };
      if (src && !(src.len === 0 && !src.neg)) r.src = src;
      if (dst && !(dst.len === 0 && !dst.neg)) r.dst = dst;
      if (spec.in) r.in = spec.in;
      if (spec.out) r.out = spec.out;
      if (spec.proto) r.proto = spec.proto;
      if (spec.target) r.target = spec.target;
      out.push(r);
    }
  return out;
}
