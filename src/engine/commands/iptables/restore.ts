/**
 * iptables-restore: a whole rule set in the iptables-save format, applied atomically.
 * Every line is parsed and applied to drafts of the tables first; the live tables change
 * only when the whole input is valid. Errors read like iptables-restore 1.8.9's.
 *
 * A command line cannot carry a here-doc, so the command `iptables-restore` only points at
 * the scenario's `iptables-restore:` block, which the loader feeds to applyRestore.
 */
import { CommandError } from '../../kernel/errors';
import { attachNetfilter, registerXtHooks } from '../../kernel/netfilter/engine';
import type { Netns } from '../../kernel/netns';
import type { CommandContext, CommandResult } from '../tool/types';
import { appendToDraft, execOnTable, ipsetExistsIn, legacyWords, xtStateFor } from './iptables';
import { IptError, parseIptablesArgs, type ParsedArgs } from './parse-rule';
import { rememberedLine, rememberParse } from './line-memo';
import { IptablesState, type XtBackend } from '../../kernel/netfilter/state';
import {
  cloneTable,
  commitTable,
  IPT_VERSION,
  isBuiltin,
  isTableId,
  kernelCheck,
  targetHint,
  touchTable,
  untouchTable,
} from '../../kernel/netfilter/tables';
import type { Table, TableId } from '../../kernel/netfilter/types';

export interface RestoreOptions {
  /** --noflush: add to the tables instead of replacing them. */
  noflush?: boolean;
  /** -c / --counters: load the `[p:b]` counters of chains and rules (otherwise they start at 0). */
  counters?: boolean;
  /** ip6tables-restore: NFPROTO_IPV6's tables, IPv6 addresses in the rules. */
  family?: 'ipv4' | 'ipv6';
  /**
   * The kernel front end that checks the commit, when not the rule set's own: the model keeps
   * one IPv6 rule set for ip6tables-legacy and -nft, so the command name says which.
   */
  backend?: XtBackend;
}

const toolOf = (family: 'ipv4' | 'ipv6' | undefined): string =>
  family === 'ipv6' ? 'ip6tables-restore' : 'iptables-restore';
const tryOf = (tool: string): string => `Try \`${tool} -h' or '${tool} --help' for more information.`;

const isBlank = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;
const QUOTE = 34;

/**
 * iptables-restore's tokenizer (add_param_to_argv): whitespace splits, "..." quotes (with
 * \-escapes inside quotes). Words are cut out of the line by position; only a quoted part
 * holding a backslash, or a quote left open, takes the character-by-character reading.
 */
export function splitRestoreLine(line: string): string[] {
  const out: string[] = [];
  const n = line.length;
  let cur = '';
  let have = false;
  let k = 0;
  while (k < n) {
    const c = line.charCodeAt(k);
    if (isBlank(c)) {
      if (have) out.push(cur);
      cur = '';
      have = false;
      k++;
    } else if (c === QUOTE) {
      const close = line.indexOf('"', k + 1);
      if (close < 0) return splitEscaped(line);
      const inner = line.slice(k + 1, close);
      if (inner.includes('\\')) return splitEscaped(line);
      // A closing quote ends the word, with whatever stood before the opening one.
      out.push(cur + inner);
      cur = '';
      have = false;
      k = close + 1;
    } else {
      let j = k + 1;
      while (j < n && !isBlank(line.charCodeAt(j)) && line.charCodeAt(j) !== QUOTE) j++;
      cur += line.slice(k, j);
      have = true;
      k = j;
    }
  }
  if (have) out.push(cur);
  return out;
}

/** The same tokenizer read character by character, for escapes inside quotes. */
function splitEscaped(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let have = false;
  let quote = false;
  let escaped = false;
  for (const ch of line) {
    if (quote) {
      if (escaped) {
        cur += ch;
        escaped = false;
      } else if (ch === '\\') escaped = true;
      else if (ch === '"') {
        quote = false;
        out.push(cur);
        cur = '';
        have = false;
      } else cur += ch;
      continue;
    }
    if (ch === '"') {
      quote = true;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      if (have) out.push(cur);
      cur = '';
      have = false;
      continue;
    }
    cur += ch;
    have = true;
  }
  if (have) out.push(cur);
  return out;
}

/** The error of a line, in iptables-restore's (or ip6tables-restore's) framing. */
function lineError(e: IptError, line: number, TOOL: string): CommandError {
  const TRY = tryOf(TOOL);
  switch (e.kind) {
    case 'param':
      return new CommandError(
        `${TOOL} ${IPT_VERSION}: ${e.core}\nError occurred at line: ${line}\n${TRY}`,
        2,
      );
    case 'bare':
      return new CommandError(`${e.core}\nError occurred at line: ${line}\n${TRY}`, 2);
    case 'plain':
      return new CommandError(`${TOOL}: line ${line} failed: ${e.core}`, 1);
    case 'versioned':
      // Kernel errors (" RULE_APPEND failed (...)") come back on COMMIT, with the line of the rule.
      if (e.core.startsWith(' '))
        return new CommandError(`${TOOL} ${IPT_VERSION}: \nline ${line}:${e.core}`, e.status);
      return new CommandError(`${TOOL} ${IPT_VERSION}: ${e.core}`, e.status);
  }
}

/** What a block's lines need besides the draft: the namespace, the origin written on rules, -c. */
interface LineContext {
  tool: string;
  family: 'ipv4' | 'ipv6';
  origin: string;
  counters: boolean;
  ipsetExists: (name: string) => boolean;
  /** Which kernel front end checks the committed table (their hook masks differ). */
  backend: XtBackend;
}

/** What a command line wrote: its chain and its target's kind say why the kernel refused it. */
type Wrote = Pick<ParsedArgs, 'chain' | 'spec'>;

/**
 * Applies one line of a table block to the draft `t`: a chain declaration, a built-in
 * chain's policy, or a command. Returns, for a command, its parse; throws CommandError.
 */
function applyLine(t: Table, line: string, n: number, c: LineContext): Wrote | undefined {
  if (line.startsWith(':')) {
    const m = /^:(\S+)\s+(\S+)(?:\s+\[(\d+):(\d+)\])?\s*$/.exec(line);
    if (!m) throw new CommandError(`${c.tool}: line ${n} failed`, 1);
    const [, name, policy, pk, bk] = m;
    // A user chain is declared with any policy word; a built-in chain keeps its policy on "-".
    if (!isBuiltin(t.id, name!)) {
      const existing = t.chains.get(name!);
      if (existing) existing.rules = [];
      else t.chains.set(name!, { name: name!, rules: [], counters: { packets: 0, bytes: 0 } });
      return undefined;
    }
    const chain = t.chains.get(name!)!;
    if (policy === '-') return undefined;
    if (policy !== 'ACCEPT' && policy !== 'DROP')
      throw new CommandError(`${c.tool}: line ${n} failed: Bad policy name.`, 1);
    chain.policy = policy;
    if (c.counters) chain.counters = { packets: Number(pk ?? 0), bytes: Number(bk ?? 0) };
    return undefined;
  }
  try {
    // A line without `[p:b]` counters in front may have been parsed before (line-memo.ts).
    const known = line.charCodeAt(0) === 91 ? undefined : rememberedLine(c.family, line);
    if (known?.command === 'A' && !(t.id === 'nat' && known.spec.target?.kind === 'DROP')) {
      // The usual line: appended as it was parsed, without a copy of the parse.
      appendToDraft(t, known.chain, known.spec, c.origin, c.counters ? known.counters : undefined);
      return known;
    }
    const { p, counters } = known ? { p: { ...known }, counters: undefined } : parseLine(line, c);
    p.table = t.id;
    if (p.table === 'nat' && (p.spec.target?.kind === 'DROP' || (p.command === 'P' && p.arg2 === 'DROP')))
      throw new IptError(
        'param',
        '\nThe "nat" table is not intended for filtering, the use of DROP is therefore inhibited.\n\n',
        2,
      );
    if (counters && !p.counters) p.counters = counters;
    if (!c.counters) p.counters = undefined;
    execOnTable(t, p, c.origin, { deferJumpCheck: true, deferKernelCheck: true, family: c.family });
    return p;
  } catch (e) {
    if (e instanceof IptError) throw lineError(e, n, c.tool);
    throw e;
  }
}

/** Splits and parses a command line (its `[p:b]` counters apart); remembers the parse when it may. */
function parseLine(
  line: string,
  c: LineContext,
): { p: ParsedArgs; counters: { packets: number; bytes: number } | undefined } {
  let words = splitRestoreLine(line);
  let counters: { packets: number; bytes: number } | undefined;
  const cm = /^\[(\d+):(\d+)\]$/.exec(words[0] ?? '');
  if (cm) {
    if (c.counters) counters = { packets: Number(cm[1]), bytes: Number(cm[2]) };
    words = words.slice(1);
  }
  if (words.includes('-t') || words.includes('--table'))
    throw new IptError('param', 'The -t option cannot be used in iptables-restore.\n', 2);
  let askedSets = false;
  const ipsetExists = (name: string): boolean => {
    askedSets = true;
    return c.ipsetExists(name);
  };
  const p = parseIptablesArgs(words, { tool: c.tool, ipsetExists, family: c.family });
  if (cm || askedSets) return { p, counters };
  rememberParse(c.family, line, p);
  return { p: { ...p }, counters };
}

/** A table block: the table as it was when the block opened, and where its lines start. */
interface Block {
  base: Table;
  /** Index in the input's lines of the first line after "*table". */
  start: number;
}

/**
 * The block's commit failed the kernel's check: apply its lines again, from the table it
 * started from, and report the first rule line after which the table fails, as the kernel
 * names the rule that broke the batch. Only a failing batch pays for this. Always throws.
 */
function blame(block: Block, lines: string[], end: number, c: LineContext): never {
  const t = cloneTable(block.base);
  for (let k = block.start; k < end; k++) {
    const line = lines[k]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const wrote = applyLine(t, line, k + 1, c);
    if (!wrote) continue;
    const errno = kernelCheck(t, c.backend);
    if (errno) {
      const chain = wrote.chain ?? '';
      const hint = targetHint(t.id, chain, wrote.spec.target?.kind);
      const core = ` RULE_APPEND failed (${errno}): rule in chain ${chain}`;
      throw lineError(new IptError('versioned', hint ? `${core}\n${hint}` : core, 4), k + 1, c.tool);
    }
  }
  throw new CommandError(
    `${c.tool}: COMMIT failed (${kernelCheck(t, c.backend) ?? 'unknown'}) for ${c.origin}`,
    4,
  );
}

/**
 * iptables-legacy-restore hands the whole table to the kernel at COMMIT (libiptc's TC_COMMIT,
 * checked by translate_table with x_tables' hook masks), and ios_main says only which line
 * that was, exit 1; the reason goes to the kernel log, not to the terminal.
 */
function legacyCommitFailed(n: number, c: LineContext): never {
  throw new CommandError(`${c.tool}: line ${n} failed`, 1);
}

function freshTable(id: TableId): Table {
  return new IptablesState().tables[id];
}

/**
 * Applies an iptables-save style text to ns (atomically). `origin` is written on every rule.
 * Throws CommandError with iptables-restore's message; nothing changes then.
 */
export function applyRestore(
  ns: Netns,
  text: string,
  origin: string,
  opts: RestoreOptions = {},
  state: IptablesState = (opts.family === 'ipv6' ? ns.ip6tables : ns.iptables) ?? new IptablesState(),
): void {
  const family = opts.family ?? 'ipv4';
  const TOOL = toolOf(family);
  const TRY = tryOf(TOOL);
  const drafts = new Map<TableId, Table>();
  const order: TableId[] = [];
  /** Tables whose block declared a chain or ran a command (an empty block leaves the table pristine). */
  const written = new Set<TableId>();
  const c: LineContext = {
    tool: TOOL,
    family,
    origin,
    counters: opts.counters === true,
    ipsetExists: ipsetExistsIn(ns),
    backend: opts.backend ?? state.backend,
  };
  let current: Table | undefined;
  let block: Block | undefined;
  const lines = text.split('\n');
  for (let k = 0; k < lines.length; k++) {
    const n = k + 1;
    const line = lines[k]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('*')) {
      const name = line.slice(1).trim();
      if (!isTableId(name))
        throw new CommandError(
          `${TOOL} ${IPT_VERSION}: ${TOOL}: line ${n} table name '${name}' invalid\nError occurred at line: ${n}\n${TRY}`,
          2,
        );
      const prev = drafts.get(name);
      current = prev ?? (opts.noflush ? cloneTable(state.tables[name]) : freshTable(name));
      drafts.set(name, current);
      block = { base: prev || opts.noflush ? cloneTable(current) : freshTable(name), start: n };
      if (!order.includes(name)) order.push(name);
      continue;
    }
    if (line === 'COMMIT') {
      if (!current) throw new CommandError(`${TOOL}: line ${n} failed`, 1);
      // nf_tables resolves jumps when the batch is committed: a missing chain is reported here.
      for (const ch of current.chains.values())
        for (const r of ch.rules)
          if (r.target?.kind === 'CHAIN' && !current.chains.has(r.target.chain))
            throw lineError(new IptError('param', `Chain '${r.target.chain}' does not exist`, 2), n, TOOL);
      // The kernel checks the committed table once; the line to blame is found only on failure.
      if (kernelCheck(current, c.backend)) {
        if (c.backend === 'legacy') legacyCommitFailed(n, c);
        blame(block!, lines, k, c);
      }
      current = undefined;
      block = undefined;
      continue;
    }
    if (!current) throw new CommandError(`${TOOL}: line ${n} failed`, 1);
    if (!written.has(current.id)) written.add(current.id);
    applyLine(current, line, n, c);
  }
  if (current)
    throw new CommandError(
      `${TOOL}: COMMIT expected at line ${lines.length + (text.endsWith('\n') ? 0 : 1)}`,
      1,
    );
  // All valid: make it live.
  attachNetfilter(ns, state, family);
  for (const id of order) {
    commitTable(state.tables[id], drafts.get(id)!);
    if (written.has(id) || opts.noflush) touchTable(state, id);
    else untouchTable(state, id);
    registerXtHooks(ns, state, id, family);
  }
  if (order.length) ns.changed(family === 'ipv6' ? 'ip6tables' : 'iptables');
}

/**
 * `iptables-restore [-n|--noflush] [-c|--counters] [-w [secs]] [-W usecs]` with the rule set on
 * its standard input (a controller's batch, as kube-proxy feeds it). A line typed without
 * input has to point at the scenario's block instead.
 */
export function iptablesRestore(ctx: CommandContext, argv: string[]): CommandResult {
  return xtablesRestore(ctx, argv, 'ipv4');
}

/** `ip6tables-restore`: the same input format for the IPv6 tables (kube-proxy's IPv6 proxier). */
export function ip6tablesRestore(ctx: CommandContext, argv: string[]): CommandResult {
  return xtablesRestore(ctx, argv, 'ipv6');
}

function xtablesRestore(ctx: CommandContext, argv: string[], family: 'ipv4' | 'ipv6'): CommandResult {
  const TOOL = toolOf(family);
  const TRY = tryOf(TOOL);
  if (ctx.stdin === undefined)
    throw new CommandError(
      `${TOOL}: reading rules from standard input is not supported on a command line; put the rules in the scenario's \`iptables-restore:\` block`,
      1,
    );
  const opts: RestoreOptions = { family, ...(argv[0]?.includes('-legacy') ? { backend: 'legacy' } : {}) };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-n' || a === '--noflush') opts.noflush = true;
    else if (a === '-c' || a === '--counters') opts.counters = true;
    else if (a === '-w' || a === '--wait') {
      if (/^\d+$/.test(argv[i + 1] ?? '')) i++;
    } else if (a === '-W' || a === '--wait-interval') i++;
    else if (a.startsWith('--')) throw new CommandError(`${TOOL}: unrecognized option '${a}'\n${TRY}`, 1);
    else throw new CommandError(`${TOOL}: invalid option -- '${a.slice(1)}'\n${TRY}`, 1);
  }
  const state = xtStateFor(ctx.ns, argv[0], family);
  try {
    applyRestore(ctx.ns, ctx.stdin, ctx.origin, opts, state);
  } catch (e) {
    if (e instanceof CommandError) throw legacyWords(e, state);
    throw e;
  }
  return { output: '' };
}
