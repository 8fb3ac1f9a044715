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
import { canonicalProto, TARGET_NAMES } from '../../kernel/netfilter/tables';
import type { Match, Rule } from '../../kernel/netfilter/types';
import { IptError, param } from './errors';
import type { IptCommand, ParseContext, ParsedArgs, RuleSpec } from './spec';
import { MODULES, type Module } from './matches';
import { TARGETS, type TargetDef } from './targets';
import { TARGETS6 } from './targets6';
import { parseAddr, parseAddr6, parseIface } from './values';

export { IptError, param } from './errors';
export type { IptErrorKind } from './errors';
export type { IptCommand, ParseContext, ParsedArgs, RuleSpec } from './spec';
export { isKnownTarget } from './targets';
export { parseAddr } from './values';

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

/** The chain name rules of -N (iptables' own checks, before the kernel's). */
export function checkChainName(name: string): void {
  if (name.startsWith('-')) throw param("chain name not allowed to start with `-'");
  if (TARGET_NAMES.has(name)) throw param('chain name may not clash with target name');
  if (name.length >= 29) throw param(`chain name \`${name}' too long (must be under 29 chars)`);
  if (/[\s]/.test(name) || name === '') throw param(`Invalid chain name \`${name}'`);
}

/** A match module of the tool's family: icmp is IPv4's (libipt_icmp), icmp6 IPv6's. */
function familyModule(name: string, ctx: ParseContext): Module | undefined {
  const v6 = ctx.family === 'ipv6';
  if ((name === 'icmp' && v6) || (name === 'icmp6' && !v6)) return undefined;
  return MODULES[name];
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
        p.spec[key] = v
          .split(',')
          .map((a) => (ctx.family === 'ipv6' ? parseAddr6(a, inv) : parseAddr(a, inv)));
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
        if (c === 'j') targetDef = (ctx.family === 'ipv6' ? TARGETS6 : TARGETS)[v];
        return;
      }
      case 'm': {
        noInvert(flag);
        const v = requireArg(flag, attached);
        const mod = familyModule(v, ctx);
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
    // ip6tables names the ipv6-icmp protocol's match icmp6 (xtables_find_match).
    const implicit = proto?.name === 'ipv6-icmp' ? 'icmp6' : proto?.name;
    const mod = implicit && !proto!.neg ? familyModule(implicit, ctx) : undefined;
    if (mod && implicit && ['tcp', 'udp', 'icmp', 'icmp6'].includes(implicit)) {
      if (mod.opts[opt] !== undefined && !loaded.some((l) => l.name === implicit)) {
        const m = mod.create();
        loaded.push({ mod, name: implicit, m, seen: new Set() });
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
