/**
 * iptables-restore: a whole rule set in the iptables-save format, applied atomically.
 * Every line is parsed and applied to drafts of the tables first; the live tables change
 * only when the whole input is valid. Errors read like iptables-restore 1.8.9's.
 *
 * A command line cannot carry a here-doc, so the command `iptables-restore` only points at
 * the scenario's `iptables-restore:` block, which the loader feeds to applyRestore.
 */
import { CommandError } from '../kernel/errors';
import { attachNetfilter } from './engine';
import type { Netns } from '../kernel/netns';
import type { CommandContext, CommandResult } from '../commands/types';
import { execOnTable, ipsetExistsIn } from './iptables-cmd';
import { IptError, parseIptablesArgs } from './parse-rule';
import { IptablesState } from './state';
import {
  cloneTable,
  commitTable,
  IPT_VERSION,
  isBuiltin,
  isTableId,
  kernelCheck,
  touchTable,
  untouchTable,
} from './tables';
import type { Table, TableId } from './types';

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
      current = drafts.get(name) ?? (opts.noflush ? cloneTable(state.tables[name]) : freshTable(name));
      drafts.set(name, current);
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
      current = undefined;
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
        const existing = current.chains.get(name!);
        if (existing) existing.rules = [];
        else current.chains.set(name!, { name: name!, rules: [], counters: { packets: 0, bytes: 0 } });
        continue;
      }
      const c = current.chains.get(name!)!;
      if (policy === '-') continue;
      if (policy !== 'ACCEPT' && policy !== 'DROP')
        throw new CommandError(`${TOOL}: line ${n} failed: Bad policy name.`, 1);
      c.policy = policy;
      if (opts.counters) c.counters = { packets: Number(pk ?? 0), bytes: Number(bk ?? 0) };
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
      execOnTable(current, p, origin, { deferJumpCheck: true });
      const errno = kernelCheck(current);
      if (errno)
        throw new IptError('versioned', ` RULE_APPEND failed (${errno}): rule in chain ${p.chain}`, 4);
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

/** The `iptables-restore` command line: the rule set has to come from the scenario's block. */
export function iptablesRestore(_ctx: CommandContext, _argv: string[]): CommandResult {
  throw new CommandError(
    "iptables-restore: reading rules from standard input is not supported on a command line; put the rules in the scenario's `iptables-restore:` block",
    1,
  );
}
