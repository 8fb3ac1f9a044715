/**
 * iptables-restore: a whole rule set in the iptables-save format, applied atomically.
 * Every line is parsed and applied to drafts of the tables first; the live tables change
 * only when the whole input is valid. Errors read like iptables-restore 1.8.9's.
 *
 * A command line cannot carry a here-doc, so the command `iptables-restore` only points at
 * the scenario's `iptables-restore:` block, which the loader feeds to applyRestore.
 */
import { CommandError } from '../../kernel/errors';
import { attachNetfilter } from '../../kernel/netfilter/engine';
import type { Netns } from '../../kernel/netns';
import type { CommandContext, CommandResult } from '../types';
import { execOnTable, ipsetExistsIn } from './iptables';
import { IptError, parseIptablesArgs } from './parse-rule';
import { IptablesState } from '../../kernel/netfilter/state';
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
}

const TOOL = 'iptables-restore';
const TRY = `Try \`${TOOL} -h' or '${TOOL} --help' for more information.`;

/** iptables-restore's tokenizer: whitespace splits, "..." quotes (with \-escapes inside quotes). */
export function splitRestoreLine(line: string): string[] {
  // Without quotes a line is only its blank-separated words.
  if (!line.includes('"')) return line.split(/[ \t\n\r]+/).filter((w) => w !== '');
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

/** The error of a line, in iptables-restore's framing. */
function lineError(e: IptError, line: number): CommandError {
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

/** What one line of a table block did, to replay it when the commit fails. */
interface BlockOp {
  line: number;
  apply: (t: Table) => void;
  /** For rule lines: the chain written. */
  chain?: string;
  /** For rule lines: the target's kind, to say why the kernel refused it. */
  target?: string;
}

/**
 * The block's commit failed the kernel's check: replay it line by line from the table it
 * started from and report the first rule line after which the table fails, as the kernel
 * names the rule that broke the batch. Always throws.
 */
function blame(block: { base: Table; ops: BlockOp[] }, origin: string): never {
  const t = cloneTable(block.base);
  for (const op of block.ops) {
    op.apply(t);
    if (op.chain === undefined) continue;
    const errno = kernelCheck(t);
    if (errno) {
      const hint = targetHint(t.id, op.chain, op.target);
      const core = ` RULE_APPEND failed (${errno}): rule in chain ${op.chain}`;
      throw lineError(new IptError('versioned', hint ? `${core}\n${hint}` : core, 4), op.line);
    }
  }
  throw new CommandError(`${TOOL}: COMMIT failed (${kernelCheck(t) ?? 'unknown'}) for ${origin}`, 4);
}

function freshTable(id: TableId): Table {
  return new IptablesState().tables[id];
}

/**
 * Applies an iptables-save style text to ns (atomically). `origin` is written on every rule.
 * Throws CommandError with iptables-restore's message; nothing changes then.
 */
export function applyRestore(ns: Netns, text: string, origin: string, opts: RestoreOptions = {}): void {
  const state = ns.iptables ?? new IptablesState();
  const drafts = new Map<TableId, Table>();
  const order: TableId[] = [];
  /** Tables whose block declared a chain or ran a command (an empty block leaves the table pristine). */
  const written = new Set<TableId>();
  let current: Table | undefined;
  let currentId: TableId | undefined;
  /** The current block: its table as it was when the block opened, and what each line did. */
  let block: { base: Table; ops: BlockOp[] } | undefined;
  const lines = text.split('\n');
  let n = 0;
  for (const raw of lines) {
    n++;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('*')) {
      const name = line.slice(1).trim();
      if (!isTableId(name))
        throw new CommandError(
          `${TOOL} ${IPT_VERSION}: ${TOOL}: line ${n} table name '${name}' invalid\nError occurred at line: ${n}\n${TRY}`,
          2,
        );
      currentId = name;
      const prev = drafts.get(name);
      current = prev ?? (opts.noflush ? cloneTable(state.tables[name]) : freshTable(name));
      drafts.set(name, current);
      block = { base: prev || opts.noflush ? cloneTable(current) : freshTable(name), ops: [] };
      if (!order.includes(name)) order.push(name);
      continue;
    }
    if (line === 'COMMIT') {
      if (!current) throw new CommandError(`${TOOL}: line ${n} failed`, 1);
      // nf_tables resolves jumps when the batch is committed: a missing chain is reported here.
      for (const c of current.chains.values())
        for (const r of c.rules)
          if (r.target?.kind === 'CHAIN' && !current.chains.has(r.target.chain))
            throw lineError(new IptError('param', `Chain '${r.target.chain}' does not exist`, 2), n);
      // The kernel checks the committed table once; the line to blame is found only on failure.
      if (kernelCheck(current)) blame(block!, origin);
      current = undefined;
      block = undefined;
      currentId = undefined;
      continue;
    }
    if (!current || !currentId) throw new CommandError(`${TOOL}: line ${n} failed`, 1);
    written.add(currentId);
    if (line.startsWith(':')) {
      const m = /^:(\S+)\s+(\S+)(?:\s+\[(\d+):(\d+)\])?\s*$/.exec(line);
      if (!m) throw new CommandError(`${TOOL}: line ${n} failed`, 1);
      const [, name, policy, pk, bk] = m;
      // A user chain is declared with any policy word; a built-in chain keeps its policy on "-".
      if (!isBuiltin(currentId, name!)) {
        const declare = (t: Table): void => {
          const existing = t.chains.get(name!);
          if (existing) existing.rules = [];
          else t.chains.set(name!, { name: name!, rules: [], counters: { packets: 0, bytes: 0 } });
        };
        declare(current);
        block!.ops.push({ line: n, apply: declare });
        continue;
      }
      const c = current.chains.get(name!)!;
      if (policy === '-') continue;
      if (policy !== 'ACCEPT' && policy !== 'DROP')
        throw new CommandError(`${TOOL}: line ${n} failed: Bad policy name.`, 1);
      c.policy = policy;
      if (opts.counters) c.counters = { packets: Number(pk ?? 0), bytes: Number(bk ?? 0) };
      block!.ops.push({ line: n, apply: (t) => (t.chains.get(name!)!.policy = policy) });
      continue;
    }
    let words = splitRestoreLine(line);
    let counters: { packets: number; bytes: number } | undefined;
    const cm = /^\[(\d+):(\d+)\]$/.exec(words[0] ?? '');
    if (cm) {
      if (opts.counters) counters = { packets: Number(cm[1]), bytes: Number(cm[2]) };
      words = words.slice(1);
    }
    try {
      if (words.includes('-t') || words.includes('--table'))
        throw new IptError('param', 'The -t option cannot be used in iptables-restore.\n', 2);
      const p = parseIptablesArgs(words, { tool: TOOL, ipsetExists: ipsetExistsIn(ns) });
      p.table = currentId;
      if (p.table === 'nat' && (p.spec.target?.kind === 'DROP' || (p.command === 'P' && p.arg2 === 'DROP')))
        throw new IptError(
          'param',
          '\nThe "nat" table is not intended for filtering, the use of DROP is therefore inhibited.\n\n',
          2,
        );
      if (counters && !p.counters) p.counters = counters;
      if (!opts.counters) p.counters = undefined;
      execOnTable(current, p, origin, { deferJumpCheck: true, deferKernelCheck: true });
      block!.ops.push({
        line: n,
        apply: (t) => void execOnTable(t, p, origin, { deferJumpCheck: true, deferKernelCheck: true }),
        chain: p.chain ?? '',
        ...(p.spec.target ? { target: p.spec.target.kind } : {}),
      });
    } catch (e) {
      if (e instanceof IptError) throw lineError(e, n);
      throw e;
    }
  }
  if (current)
    throw new CommandError(`${TOOL}: COMMIT expected at line ${n + (text.endsWith('\n') ? 0 : 1)}`, 1);
  // All valid: make it live.
  attachNetfilter(ns, state);
  for (const id of order) {
    commitTable(state.tables[id], drafts.get(id)!);
    if (written.has(id) || opts.noflush) touchTable(state, id);
    else untouchTable(state, id);
  }
  if (order.length) ns.changed('iptables');
}

/**
 * `iptables-restore [-n|--noflush] [-c|--counters] [-w [secs]] [-W usecs]` with the rule set on
 * its standard input (a controller's batch, as kube-proxy feeds it). A line typed without
 * input has to point at the scenario's block instead.
 */
export function iptablesRestore(ctx: CommandContext, argv: string[]): CommandResult {
  if (ctx.stdin === undefined)
    throw new CommandError(
      "iptables-restore: reading rules from standard input is not supported on a command line; put the rules in the scenario's `iptables-restore:` block",
      1,
    );
  const opts: RestoreOptions = {};
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
  applyRestore(ctx.ns, ctx.stdin, ctx.origin, opts);
  return { output: '' };
}
