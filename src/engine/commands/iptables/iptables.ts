/**
 * The `iptables` command (also `iptables-nft`, `iptables-legacy`) and `iptables-save`.
 * A command is applied to a copy of the table, checked as the kernel checks a committed
 * rule set, and only then made live: an error changes nothing.
 */
import { CommandError } from '../../kernel/errors';
import { registerXtHooks } from '../../kernel/netfilter/engine';
import type { Netns } from '../../kernel/netns';
import type { CommandContext, CommandResult } from '../tool/types';
import { listRules, listTable, saveTables } from './format';
import { formatRuleSpec } from '../../kernel/netfilter/xt-text';
import {
  checkChainName,
  expandSpec,
  IptError,
  param,
  parseIptablesArgs,
  type IptCommand,
  type ParsedArgs,
} from './parse-rule';
import type { RuleSpec } from './spec';
import { IptablesState, type XtBackend } from '../../kernel/netfilter/state';
import {
  IPT_VERSION,
  isBuiltin,
  isTableId,
  targetHint,
  orderedChains,
  referenceCount,
  ruleCheck,
  TableTx,
  touchTable,
} from '../../kernel/netfilter/tables';
import type { Chain, Rule, Table, TableId } from '../../kernel/netfilter/types';

const plain = (core: string, status = 1): IptError => new IptError('plain', core, status);
const NO_CHAIN = 'No chain/target/match by that name.';
const BAD_RULE = 'Bad rule (does a matching rule exist in that chain?).';

/** An IptError in the iptables command's own framing. */
export function iptablesError(e: IptError, tool = 'iptables'): CommandError {
  const tryLine = `Try \`${tool} -h' or '${tool} --help' for more information.`;
  switch (e.kind) {
    case 'param':
      return new CommandError(`${tool} ${IPT_VERSION}: ${e.core}\n${tryLine}`, e.status);
    case 'bare':
      return new CommandError(`${e.core}\n${tryLine}`, e.status);
    case 'plain':
      return new CommandError(`${tool.replace(/-restore$/, '')}: ${e.core}`, e.status);
    case 'versioned':
      return new CommandError(`${tool} ${IPT_VERSION}: ${e.core}`, e.status);
  }
}

function kernelError(op: string, errno: string, chain: string, hint?: string): IptError {
  const core = ` ${op} failed (${errno}): rule in chain ${chain}`;
  return new IptError('versioned', hint ? `${core}\n${hint}` : core, 4);
}

export interface ExecResult {
  output: string;
  /** Whether the table was written (so it shows in iptables-save). */
  wrote: boolean;
}

export interface ExecOptions {
  /** iptables-restore checks that a jump's chain exists at COMMIT. */
  deferJumpCheck?: boolean;
  /** iptables-restore checks the whole table once, at COMMIT, instead of each rule as it goes. */
  deferKernelCheck?: boolean;
  /** Writes to a live table go through a transaction (copy-on-write per chain, rolled back on error). */
  tx?: TableTx;
  /** ip6tables lists its tables with IPv6 columns. */
  family?: 'ipv4' | 'ipv6';
  /** Which kernel front end checks the rule (x_tables and nft_compat differ on hook masks). */
  backend?: XtBackend;
}

/** One command's run: the table, the parsed line and the helpers every command shares. */
class TableOp {
  constructor(
    readonly t: Table,
    readonly p: ParsedArgs,
    readonly origin: string,
    readonly opts: ExecOptions,
  ) {}

  get tx(): TableTx | undefined {
    return this.opts.tx;
  }

  chain(name = this.p.chain): Chain {
    const c = name === undefined ? undefined : this.t.chains.get(name);
    if (!c) throw plain(NO_CHAIN);
    return c;
  }

  /** The chain, ready to be written. */
  writable(c: Chain): Chain {
    return this.tx ? this.tx.own(c) : c;
  }

  /** The chain named on the line, or every chain when none is. */
  chainsNamed(): Chain[] {
    return this.p.chain === undefined ? orderedChains(this.t) : [this.chain()];
  }

  checkJump(): void {
    const target = this.p.spec.target;
    if (!this.opts.deferJumpCheck && target?.kind === 'CHAIN' && !this.t.chains.has(target.chain))
      throw param(`Chain '${target.chain}' does not exist`);
  }

  rules(): Rule[] {
    return expandSpec(this.p.spec, this.origin, this.p.counters);
  }

  /** The kernel's check of what a write added, unless iptables-restore defers it to COMMIT. */
  checked(op: string, chain: string, added: Rule[]): void {
    if (this.opts.deferKernelCheck) return;
    const errno = ruleCheck(this.t, chain, added, this.opts.backend);
    if (errno) throw kernelError(op, errno, chain, targetHint(this.t.id, chain, this.p.spec.target?.kind));
  }
}

const WROTE: Readonly<ExecResult> = Object.freeze({ output: '', wrote: true });

/** The index of the first rule that prints as `r` does (-D and -C compare rules this way). */
function findRule(c: Chain, r: Rule): number {
  const spec = formatRuleSpec(r);
  return c.rules.findIndex((x) => formatRuleSpec(x) === spec);
}

function appendRule(op: TableOp): ExecResult {
  op.checkJump();
  const c = op.writable(op.chain());
  const rs = op.rules();
  for (const r of rs) c.rules.push(r);
  op.checked('RULE_APPEND', c.name, rs);
  return WROTE;
}

function insertRule(op: TableOp): ExecResult {
  op.checkJump();
  const n = op.p.rulenum ?? 1;
  if (n > op.chain().rules.length + 1) throw plain('Index of insertion too big.');
  const c = op.writable(op.chain());
  const rs = op.rules();
  c.rules.splice(n - 1, 0, ...rs);
  op.checked('RULE_INSERT', c.name, rs);
  return WROTE;
}

function replaceRule(op: TableOp): ExecResult {
  op.checkJump();
  op.chain();
  const n = op.p.rulenum!;
  const rs = op.rules();
  if (rs.length !== 1) throw param('multiple source or destination IP addresses not allowed');
  if (n > op.chain().rules.length) throw plain('Index of replacement too big.');
  const c = op.writable(op.chain());
  c.rules[n - 1] = rs[0]!;
  op.checked('RULE_REPLACE', c.name, rs);
  return WROTE;
}

function deleteRule(op: TableOp): ExecResult {
  const n = op.p.rulenum;
  if (n !== undefined) {
    if (n > op.chain().rules.length) throw plain('Index of deletion too big.');
    op.writable(op.chain()).rules.splice(n - 1, 1);
    return WROTE;
  }
  op.chain();
  op.checkJump();
  const c = op.writable(op.chain());
  for (const r of op.rules()) {
    const k = findRule(c, r);
    if (k < 0) throw plain(BAD_RULE);
    c.rules.splice(k, 1);
  }
  return WROTE;
}

function checkRule(op: TableOp): ExecResult {
  const c = op.chain();
  op.checkJump();
  for (const r of op.rules()) if (findRule(c, r) < 0) throw plain(BAD_RULE);
  return { output: '', wrote: false };
}

function newChain(op: TableOp): ExecResult {
  const name = op.p.chain!;
  checkChainName(name);
  if (op.t.chains.has(name)) throw plain('Chain already exists.');
  const c: Chain = { name, rules: [], counters: { packets: 0, bytes: 0 } };
  if (op.tx) op.tx.add(c);
  else op.t.chains.set(name, c);
  return WROTE;
}

function deleteChains(op: TableOp): ExecResult {
  const t = op.t;
  const busy = (c: Chain): boolean =>
    isBuiltin(t.id, c.name) || c.rules.length > 0 || referenceCount(t, c.name) > 0;
  const victims =
    op.p.chain === undefined ? orderedChains(t).filter((c) => !isBuiltin(t.id, c.name)) : [op.chain()];
  for (const c of victims)
    if (busy(c))
      throw new IptError('versioned', ` CHAIN_DEL failed (Device or resource busy): chain ${c.name}`, 4);
  for (const c of victims) {
    if (op.tx) op.tx.remove(c);
    else t.chains.delete(c.name);
  }
  return WROTE;
}

function flushChains(op: TableOp): ExecResult {
  for (const c of op.chainsNamed()) op.writable(c).rules = [];
  return WROTE;
}

function zeroChains(op: TableOp): ExecResult {
  zero(
    op.chainsNamed().map((c) => op.writable(c)),
    op.p.rulenum,
  );
  return WROTE;
}

/** -E: the chain renamed, and every jump to it with it. */
function renameChain(op: TableOp): ExecResult {
  const t = op.t;
  const to = op.p.arg2!;
  if (t.chains.has(to)) throw plain('File exists.');
  const from = op.p.chain!;
  const old = t.chains.get(from);
  if (!old || isBuiltin(t.id, from)) throw plain(NO_CHAIN);
  const chains = new Map<string, Chain>();
  for (const [name, c] of t.chains) {
    const rules = c.rules.map((r) =>
      r.target?.kind === 'CHAIN' && r.target.chain === from
        ? { ...r, target: { ...r.target, chain: to } }
        : r,
    );
    const renamed = { ...c, name: name === from ? to : name, rules };
    chains.set(renamed.name, renamed);
  }
  if (op.tx) op.tx.replaceAll(chains);
  else t.chains = chains;
  return WROTE;
}

function setPolicy(op: TableOp): ExecResult {
  const c = op.t.chains.get(op.p.chain!);
  if (!c || !isBuiltin(op.t.id, c.name)) throw plain('Bad built-in chain name.');
  const policy = op.p.arg2!;
  if (policy !== 'ACCEPT' && policy !== 'DROP')
    throw plain("Bad policy name. Run `dmesg' for more information.");
  op.writable(c).policy = policy;
  return WROTE;
}

/** -L and -S (with -Z, the counters are zeroed after they are printed). */
function listChains(op: TableOp): ExecResult {
  const { t, p } = op;
  const chainName = p.chain;
  if (chainName !== undefined && !t.chains.has(chainName))
    throw new IptError(
      'versioned',
      `chain \`${chainName}' in table \`${t.id}' is incompatible, use 'nft' tool.`,
      1,
    );
  const lines =
    p.command === 'S'
      ? listRules(t, chainName, p.rulenum)
      : listTable(
          t,
          chainName,
          {
            numeric: p.numeric,
            verbose: p.verbose,
            exact: p.exact,
            lineNumbers: p.lineNumbers,
            family: op.opts.family,
          },
          p.rulenum,
        );
  if (p.zero) zero(op.chainsNamed().map((c) => op.writable(c)));
  return { output: lines.join('\n'), wrote: p.zero };
}

const COMMANDS: Record<IptCommand, (op: TableOp) => ExecResult> = {
  A: appendRule,
  I: insertRule,
  R: replaceRule,
  D: deleteRule,
  C: checkRule,
  N: newChain,
  X: deleteChains,
  F: flushChains,
  Z: zeroChains,
  E: renameChain,
  P: setPolicy,
  L: listChains,
  S: listChains,
};

/**
 * `-A chain spec` on a draft whose jumps and kernel checks wait for COMMIT (iptables-restore's
 * usual line): the rules go to the end of the chain, nothing else is looked at.
 */
export function appendToDraft(
  t: Table,
  chain: string | undefined,
  spec: RuleSpec,
  origin: string,
  counters: { packets: number; bytes: number } | undefined,
): void {
  const c = chain === undefined ? undefined : t.chains.get(chain);
  if (!c) throw plain(NO_CHAIN);
  for (const r of expandSpec(spec, origin, counters)) c.rules.push(r);
}

/**
 * Runs one parsed command against `t`: a private draft (iptables-restore's), or the live
 * table through `opts.tx`. Throws IptError. A rule added, inserted or replaced is checked as
 * the kernel checks a committed rule set, but only for what it changes (ruleCheck).
 */
export function execOnTable(t: Table, p: ParsedArgs, origin: string, opts: ExecOptions = {}): ExecResult {
  const cmd = p.command!;
  // iptables-restore's usual line: an append to its private draft, checked at COMMIT.
  if (cmd === 'A' && !opts.tx && opts.deferJumpCheck && opts.deferKernelCheck) {
    appendToDraft(t, p.chain, p.spec, origin, p.counters);
    return WROTE;
  }
  return COMMANDS[cmd](new TableOp(t, p, origin, opts));
}

function zero(cs: Chain[], rulenum?: number): void {
  for (const c of cs) {
    if (rulenum !== undefined) {
      const r = c.rules[rulenum - 1];
      if (r) c.rules[rulenum - 1] = { ...r, counters: { packets: 0, bytes: 0 } };
      continue;
    }
    c.counters = { packets: 0, bytes: 0 };
    c.rules = c.rules.map((r) =>
      r.counters.packets || r.counters.bytes ? { ...r, counters: { packets: 0, bytes: 0 } } : r,
    );
  }
}

/** Whether a set of that name exists in the namespace (for -m set). */
export function ipsetExistsIn(ns: Netns): (name: string) => boolean {
  return (name) => ns.iptables?.ipsets.has(name) ?? false;
}

/**
 * The rule set a command name reaches: iptables-legacy's x_tables or nf_tables (iptables-nft,
 * and plain `iptables`, which is iptables-nft on Debian 12).
 */
export function xtStateFor(
  ns: Netns,
  cmd: string | undefined,
  family: 'ipv4' | 'ipv6' = 'ipv4',
): IptablesState {
  const name = cmd?.replace(/^.*\//, '') ?? '';
  if (family === 'ipv6')
    return name.startsWith('ip6tables-legacy')
      ? (ns.ip6tablesLegacy ?? new IptablesState('legacy'))
      : (ns.ip6tables ?? new IptablesState());
  if (name.startsWith('iptables-legacy')) return ns.iptablesLegacy ?? new IptablesState('legacy');
  return ns.iptables ?? new IptablesState();
}

/** iptables-legacy says "(legacy)" where iptables-nft says "(nf_tables)" after its version. */
export function legacyWords(e: CommandError, st: IptablesState): CommandError {
  if (st.backend !== 'legacy') return e;
  // libiptc's commit fails with the kernel's errno alone (measured: EINVAL from a match's
  // checkentry prints this line and exits 1); the model's hint lines stay below it.
  const kernel = /^(\S+) [^:]+: {2}RULE_\w+ failed \(Invalid argument\): rule in chain \S+/.exec(e.message);
  if (kernel)
    return new CommandError(
      `${kernel[1]}: Invalid argument. Run \`dmesg' for more information.${e.message.slice(kernel[0].length)}`,
      1,
    );
  return new CommandError(e.message.replaceAll(IPT_VERSION, 'v1.8.9 (legacy)'), e.status);
}

/** `iptables ...` in ctx.ns. */
export function iptables(ctx: CommandContext, argv: string[]): CommandResult {
  return xtables(ctx, argv, 'ipv4');
}

/** `ip6tables ...` in ctx.ns: the same front end, NFPROTO_IPV6's tables. */
export function ip6tables(ctx: CommandContext, argv: string[]): CommandResult {
  return xtables(ctx, argv, 'ipv6');
}

function xtables(ctx: CommandContext, argv: string[], family: 'ipv4' | 'ipv6'): CommandResult {
  const v6 = family === 'ipv6';
  const tool = v6 ? 'ip6tables' : 'iptables';
  // ip6tables-legacy and ip6tables-nft each have their rule set, as iptables' two do.
  const state = xtStateFor(ctx.ns, argv[0], family);
  try {
    const p = parseIptablesArgs(argv.slice(1), { tool, ipsetExists: ipsetExistsIn(ctx.ns), family });
    if (!isTableId(p.table))
      throw new IptError(
        'versioned',
        `table '${p.table}' does not exist\nPerhaps iptables or your kernel needs to be upgraded.`,
        3,
      );
    const tx = new TableTx(state.tables[p.table]);
    let res: ExecResult;
    try {
      res = execOnTable(tx.table, p, ctx.origin, { tx, family, backend: state.backend });
    } catch (e) {
      tx.rollback();
      throw e;
    }
    if (res.wrote) {
      touchTable(state, p.table);
      registerXtHooks(ctx.ns, state, p.table, family);
      ctx.ns.changed(v6 ? 'ip6tables' : 'iptables');
    }
    return { output: res.output };
  } catch (e) {
    if (e instanceof IptError) throw legacyWords(iptablesError(e, tool), state);
    throw e;
  }
}

/** `iptables-save [-c] [-t TABLE]`. */
export function iptablesSave(ctx: CommandContext, argv: string[]): CommandResult {
  return xtablesSave(ctx, argv, 'ipv4');
}

/** `ip6tables-save [-c] [-t TABLE]`. */
export function ip6tablesSave(ctx: CommandContext, argv: string[]): CommandResult {
  return xtablesSave(ctx, argv, 'ipv6');
}

function xtablesSave(ctx: CommandContext, argv: string[], family: 'ipv4' | 'ipv6'): CommandResult {
  const tool = family === 'ipv6' ? 'ip6tables-save' : 'iptables-save';
  let counters = false;
  let table: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-c' || a === '--counters') counters = true;
    else if (a === '-t' || a === '--table') {
      table = argv[++i];
      if (table === undefined)
        throw new CommandError(`${tool} ${IPT_VERSION}: option "${a}" requires an argument`, 1);
    } else if (a.startsWith('--table=')) table = a.slice(8);
    else
      throw new CommandError(
        `${tool} ${IPT_VERSION}: unknown option "${a}"\nTry \`${tool} -h' for more information.`,
        1,
      );
  }
  if (table !== undefined && !isTableId(table))
    throw new CommandError(`${tool} ${IPT_VERSION}: Cannot initialize: Invalid argument`, 1);
  const state = xtStateFor(ctx.ns, argv[0], family);
  const asNft = tool.replace(/-save$/, '-nft-save');
  const generator =
    state.backend === 'legacy'
      ? `${family === 'ipv6' ? 'ip6tables' : 'iptables'}-save v1.8.9`
      : `${argv[0] === asNft ? asNft : tool} ${IPT_VERSION}`;
  const text = saveTables(state, { counters, table: table as TableId | undefined, generator });
  return { output: text.replace(/\n$/, '') };
}
