/**
 * The targets (libxt_standard, libipt_REJECT, libxt_LOG, libipt_SNAT/DNAT/MASQUERADE/REDIRECT,
 * libxt_MARK, ...): each target's options and how they become its Target.
 */
import { parseIp } from '../../net/ipv4';
import type { NatRange, PortRange, Target } from '../../kernel/netfilter/types';
import { param } from './errors';
import type { RuleSpec } from './spec';
import { parseMarkMask, protoOf } from './values';

export const REJECT_TYPES: Record<string, string> = {
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

export const LOG_LEVELS = ['emerg', 'alert', 'crit', 'error', 'warning', 'notice', 'info', 'debug'];
export const LOG_ALIASES: Record<string, number> = { panic: 0, err: 3, warn: 4 };

/** A target's options, parsed into a draft that `finish` turns into the Target. */
export interface TargetDef {
  opts: string[];
  flags?: string[];
  parse: (d: Record<string, unknown>, opt: string, take: () => string, spec: RuleSpec) => void;
  finish: (d: Record<string, unknown>, spec: RuleSpec) => Target;
}

export function portsNeedProto(spec: RuleSpec): void {
  if (!['tcp', 'udp', 'sctp', 'dccp'].includes(protoOf(spec)))
    throw param('Need TCP, UDP, SCTP or DCCP with port specification');
}

/** "P" or "P-P2" for --to-ports. */
export function parseToPorts(s: string, mod: string): PortRange {
  const m = /^(\d+)(?:[-:](\d+))?$/.exec(s);
  const from = m ? Number(m[1]) : NaN;
  const to = m?.[2] !== undefined ? Number(m[2]) : from;
  if (!m || from > 65535 || to > 65535 || from > to || (from === 0 && mod !== 'REDIRECT'))
    throw param(`Port "${s}" not valid\n`);
  return { from, to };
}

/** "A[-B][:P[-P2]]" for --to-source / --to-destination (":P" keeps the address). */
export function parseNatRange(s: string, mod: string): NatRange {
  const colon = s.indexOf(':');
  const addrPart = colon < 0 ? s : s.slice(0, colon);
  const range: NatRange = { addrFrom: 0, addrTo: 0 };
  if (addrPart !== '') {
    const [a, b, extra] = addrPart.split('-');
    const from = parseIp(a!);
    const to = b === undefined ? from : parseIp(b);
    if (from === null || extra !== undefined) throw param(`Bad IP address "${a}"`);
    if (to === null) throw param(`Bad IP address "${b}"`);
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

export const TARGETS: Record<string, TargetDef> = {
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
