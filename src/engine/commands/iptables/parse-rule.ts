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

/** A loaded match instance with the module that parses it (latest first when searching). */
interface LoadedMatch {
  mod: Module;
  name: string;
  m: Match;
}

const RULE_COMMANDS = new Set(['A', 'I', 'R', 'C', 'D']);
const IMPLICIT_MATCHES = new Set(['tcp', 'udp', 'icmp', 'icmp6']);

/**
 * One parse of an iptables argv, in iptables' phases: the words one by one (commands, generic
 * options, rule options, then the options of the loaded matches and target), the rule's
 * finish (each match's final check, the target), and the checks of the whole command.
 */
class ArgParser {
  readonly p: ParsedArgs = {
    zero: false,
    table: 'filter',
    tableGiven: false,
    numeric: false,
    verbose: false,
    exact: false,
    lineNumbers: false,
    spec: { matches: [] },
  };
  /** Generic options given, for the command's illegal-option check. */
  private readonly used = new Set<string>();
  private jump: string | undefined;
  private goto = false;
  private targetDef: TargetDef | undefined;
  private readonly targetDraft: Record<string, unknown> = {};
  private readonly targetSeen = new Set<string>();
  private readonly loaded: LoadedMatch[] = [];
  private i = 0;
  private inv = false;
  /** The `--opt=value` value an extension option has not taken yet, and that option's name. */
  private attached: string | undefined;
  private extOpt = '';
  /** The argument reader handed to the match and target parsers (one per parse). */
  private readonly take = (): string => this.takeExtArg();

  constructor(
    private readonly argv: string[],
    private readonly ctx: ParseContext,
  ) {}

  /** Phase 1: every word, in order. */
  words(): this {
    const argv = this.argv;
    while (this.i < argv.length) {
      const w = argv[this.i++]!;
      if (w === '!') {
        if (this.inv) throw param("multiple `!' flags not allowed");
        this.inv = true;
        continue;
      }
      if (w.startsWith('--') && w.length > 2) this.longOption(w);
      else if (w.startsWith('-') && w.length > 1) this.shortCluster(w);
      else throw new IptError('bare', `Bad argument \`${w}'`, 2);
      this.inv = false;
    }
    return this;
  }

  private longOption(w: string): void {
    const eq = w.indexOf('=');
    const name = eq < 0 ? w.slice(2) : w.slice(2, eq);
    const attached = eq < 0 ? undefined : w.slice(eq + 1);
    const short = LONG[name];
    if (short !== undefined) this.option(short, attached);
    else if (!this.extension(name, attached)) throw param(`unknown option "${w}"`);
  }

  /** A cluster of short options (-nvL); an option with an argument takes the rest of the word. */
  private shortCluster(w: string): void {
    for (let k = 1; k < w.length; k++) {
      const c = w[k]!;
      if (WITH_ARG.has(c) || 'LSFZX'.includes(c)) {
        const rest = w.slice(k + 1);
        this.option(c, rest === '' ? undefined : rest);
        return;
      }
      this.option(c, undefined);
    }
  }

  private option(c: string, attached: string | undefined): void {
    if (COMMAND_LETTERS.has(c)) this.command(c as IptCommand, attached);
    else if (!this.ruleOption(c, attached)) this.generic(c, attached);
  }

  private peekPositional(): string | undefined {
    const w = this.argv[this.i];
    return w !== undefined && !w.startsWith('-') && w !== '!' ? w : undefined;
  }

  private requireArg(flag: string, attached: string | undefined): string {
    if (attached !== undefined && attached !== '') return attached;
    const w = this.argv[this.i];
    if (w === undefined) throw param(`option "${flag}" requires an argument`);
    this.i++;
    return w;
  }

  private noInvert(flag: string): void {
    if (this.inv) throw param(`cannot have ! before ${flag}`);
  }

  private ruleNumber(s: string): number {
    if (!/^\d+$/.test(s) || Number(s) < 1) throw param(`Invalid rule number \`${s}'`);
    return Number(s);
  }

  private setCommand(c: IptCommand): void {
    const p = this.p;
    if (p.command !== undefined) {
      if ((p.command === 'L' && c === 'Z') || (p.command === 'Z' && c === 'L')) {
        p.command = 'L';
        p.zero = true;
        return;
      }
      throw param(`Cannot use -${c} with -${p.command}`);
    }
    p.command = c;
  }

  /** -A -C -N -D -I -R -E -P -L -S -F -Z -X: the command, its chain and positional arguments. */
  private command(c: IptCommand, attached: string | undefined): void {
    const p = this.p;
    const flag = `-${c}`;
    this.noInvert(flag);
    this.setCommand(c);
    switch (c) {
      case 'A':
      case 'C':
      case 'N':
        p.chain = this.requireArg(flag, attached);
        return;
      case 'D':
      case 'I':
        p.chain = this.requireArg(flag, attached);
        if (this.peekPositional() !== undefined) p.rulenum = this.ruleNumber(this.argv[this.i++]!);
        return;
      case 'R': {
        p.chain = this.requireArg(flag, attached);
        const n = this.peekPositional();
        if (n === undefined) throw param('-R requires a rule number');
        this.i++;
        p.rulenum = this.ruleNumber(n);
        return;
      }
      case 'E':
      case 'P':
        p.chain = this.requireArg(flag, attached);
        if (this.peekPositional() === undefined)
          throw param(
            c === 'E' ? '-E requires old-chain-name and new-chain-name' : '-P requires a chain and a policy',
          );
        p.arg2 = this.argv[this.i++];
        return;
      default:
        this.listCommand(c, attached);
    }
  }

  /** -L -S -F -Z -X: an optional chain, and for -L -S -Z an optional rule number. */
  private listCommand(c: IptCommand, attached: string | undefined): void {
    const p = this.p;
    const chain = attached || this.peekPositional();
    if (chain === undefined) return;
    if (!attached) this.i++;
    if (c === 'Z' && p.command === 'L' && p.chain !== undefined) return;
    p.chain = chain;
    if ((c === 'S' || c === 'Z' || c === 'L') && this.peekPositional() !== undefined)
      p.rulenum = this.ruleNumber(this.argv[this.i++]!);
  }

  /** -t -n -v -x --line-numbers -w -W -c: options of the command, not of the rule. */
  private generic(c: string, attached: string | undefined): void {
    const p = this.p;
    const flag = c === 'line' ? '--line-numbers' : `-${c}`;
    switch (c) {
      case 't':
        this.noInvert(flag);
        if (p.tableGiven) throw param('multiple -t flags not allowed');
        p.table = this.requireArg(flag, attached);
        p.tableGiven = true;
        return;
      case 'n':
        this.noInvert(flag);
        p.numeric = true;
        this.used.add('n');
        return;
      case 'v':
        p.verbose = true;
        return;
      case 'x':
        p.exact = true;
        this.used.add('x');
        return;
      case 'line':
        p.lineNumbers = true;
        this.used.add('line');
        return;
      case 'w':
      case 'W':
        if (attached === undefined && this.argv[this.i] !== undefined && /^\d+$/.test(this.argv[this.i]!))
          this.i++;
        return;
      case 'c': {
        const pk = this.requireArg(flag, attached);
        const bk = this.argv[this.i++];
        if (bk === undefined || !/^\d+$/.test(pk) || !/^\d+$/.test(bk))
          throw param('-c requires packet and byte counter');
        p.counters = { packets: Number(pk), bytes: Number(bk) };
        return;
      }
      default:
        throw param(`unknown option "-${c}"`);
    }
  }

  /** -s -d -i -o -p -j -g -m: the rule's own fields. False for any other letter. */
  private ruleOption(c: string, attached: string | undefined): boolean {
    const spec = this.p.spec;
    const flag = `-${c}`;
    switch (c) {
      case 's':
      case 'd': {
        const v = this.requireArg(flag, attached);
        const key = c === 's' ? 'srcs' : 'dsts';
        if (spec[key]) throw param(`multiple -${c} flags not allowed`);
        const v6 = this.ctx.family === 'ipv6';
        const inv = this.inv;
        spec[key] = v.split(',').map((a) => (v6 ? parseAddr6(a, inv) : parseAddr(a, inv)));
        break;
      }
      case 'i':
      case 'o': {
        const v = this.requireArg(flag, attached);
        const key = c === 'i' ? 'in' : 'out';
        if (spec[key]) throw param(`multiple -${c} flags not allowed`);
        spec[key] = parseIface(flag, v, this.inv);
        break;
      }
      case 'p':
        this.protocol(this.requireArg(flag, attached));
        break;
      case 'j':
      case 'g':
        this.target(c, this.requireArg(flag, attached));
        return true;
      case 'm':
        this.noInvert(flag);
        this.loadMatch(this.requireArg(flag, attached));
        return true;
      default:
        return false;
    }
    this.used.add(c);
    return true;
  }

  private protocol(v: string): void {
    const spec = this.p.spec;
    if (spec.proto) throw param('multiple -p flags not allowed');
    const name = canonicalProto(v);
    if (name === null) throw param(`unknown protocol "${v}" specified`);
    spec.proto = name === 'all' && !this.inv ? undefined : { name, neg: this.inv };
  }

  private target(c: 'j' | 'g', v: string): void {
    this.noInvert(`-${c}`);
    if (this.jump !== undefined) throw param(`multiple -${c} flags not allowed`);
    this.jump = v;
    this.goto = c === 'g';
    this.used.add('j');
    if (c === 'j') this.targetDef = (this.ctx.family === 'ipv6' ? TARGETS6 : TARGETS)[v];
  }

  private loadMatch(v: string): void {
    const mod = familyModule(v, this.ctx);
    if (!mod) throw param(`Couldn't load match \`${v}':No such file or directory\n`);
    // The nf_tables backend keeps one tcp/udp match per rule: later -m tcp options merge into it.
    if ((v === 'tcp' || v === 'udp') && this.loaded.some((l) => l.name === v)) return;
    this.addMatch(mod, v);
  }

  private addMatch(mod: Module, name: string): void {
    const m = mod.create();
    this.loaded.push({ mod, name, m });
    this.p.spec.matches.push(m);
  }

  /** The next argument of an extension option: its `=value`, else the next word. */
  private takeExtArg(): string {
    if (this.attached !== undefined) {
      const v = this.attached;
      this.attached = undefined;
      return v;
    }
    const w = this.argv[this.i];
    if (w === undefined) throw param(`option "--${this.extOpt}" requires an argument`);
    this.i++;
    return w;
  }

  /** An option of the target, of a loaded match, or of the protocol's implicit match. */
  private extension(opt: string, attached: string | undefined): boolean {
    this.attached = attached;
    this.extOpt = opt;
    const def = this.targetDef;
    if (def && def.opts.includes(opt)) {
      if (this.inv) throw param(`${this.jump}: option "--${opt}" cannot be inverted.\n`);
      if (this.targetSeen.has(opt) && !(def.flags ?? []).includes(opt))
        throw param(`${this.jump}: option "--${opt}" can only be used once.\n`);
      this.targetSeen.add(opt);
      def.parse(this.targetDraft, opt, this.take, this.p.spec);
      return true;
    }
    if (this.matchOption(opt)) return true;
    // The implicit protocol match: `-p tcp --dport 80` loads -m tcp.
    const proto = this.p.spec.proto;
    // ip6tables names the ipv6-icmp protocol's match icmp6 (xtables_find_match).
    const implicit = proto?.name === 'ipv6-icmp' ? 'icmp6' : proto?.name;
    if (!implicit || proto!.neg || !IMPLICIT_MATCHES.has(implicit)) return false;
    const mod = familyModule(implicit, this.ctx);
    if (!mod || mod.opts[opt] === undefined || this.loaded.some((l) => l.name === implicit)) return false;
    this.addMatch(mod, implicit);
    return this.matchOption(opt);
  }

  /** `opt` read by the latest loaded match that knows it. */
  private matchOption(opt: string): boolean {
    for (let k = this.loaded.length - 1; k >= 0; k--) {
      const l = this.loaded[k]!;
      const canon = l.mod.opts[opt];
      if (canon === undefined) continue;
      if (this.inv && !(l.mod.invertible ?? []).includes(canon))
        throw param(`${l.name}: option "--${opt}" cannot be inverted.\n`);
      l.mod.parse(l.m, canon, this.inv, this.take, this.p.spec, this.ctx);
      return true;
    }
    return false;
  }

  /** Phase 2: each match's final check, then the target (a chain when no target module has the name). */
  finishRule(): this {
    const spec = this.p.spec;
    for (const l of this.loaded) l.mod.final?.(l.m, spec);
    const jump = this.jump;
    if (jump === undefined) return this;
    spec.target =
      this.targetDef && !this.goto
        ? this.targetDef.finish(this.targetDraft, spec)
        : { kind: 'CHAIN', chain: jump, goto: this.goto };
    return this;
  }

  /** Phase 3: what the whole command line may not combine. */
  checkCommand(): ParsedArgs {
    const p = this.p;
    if (p.command === undefined) throw param('no command specified');
    const key = p.command === 'D' && p.rulenum !== undefined ? 'Dnum' : p.command;
    for (const o of ILLEGAL[key] ?? [])
      if (this.used.has(o)) throw param(`Illegal option \`${OPT_NAME[o] ?? `-${o}`}' with this command`);
    if (RULE_COMMANDS.has(p.command) && p.chain !== undefined) {
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
}

/** Parses an iptables argv (without the program name). */
export function parseIptablesArgs(argv: string[], ctx: ParseContext): ParsedArgs {
  return new ArgParser(argv, ctx).words().finishRule().checkCommand();
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
  // Every rule gets every field, unset ones undefined: rules of one shape keep the walks over
  // 100,000 of them (the commit's checks, a packet's path) on one hidden class.
  for (const src of srcs)
    for (const dst of dsts)
      out.push({
        src: src && !(src.len === 0 && !src.neg) ? src : undefined,
        dst: dst && !(dst.len === 0 && !dst.neg) ? dst : undefined,
        in: spec.in,
        out: spec.out,
        proto: spec.proto,
        matches: spec.matches,
        target: spec.target,
        counters: counters ? { ...counters } : { packets: 0, bytes: 0 },
        origin,
      });
  return out;
}
