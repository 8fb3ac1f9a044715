/**
 * `nft` (nftables v1.0.6): one command from the arguments (`nft add rule inet filter input
 * tcp dport 22 accept`, `nft list ruleset`) or a file of them (`nft -f -` reads stdin). A run
 * is one transaction, as nft's batch is: it applies completely or, on the first error, not
 * at all. Errors are printed as nft prints them: the message, the input line, carets.
 */
import { attachNftables } from '../../kernel/netfilter/engine';
import { NftState } from '../../kernel/netfilter/nft-types';
import { hashSetElems } from '../../kernel/netfilter/nft-set-lookup';
import { CommandError } from '../../kernel/errors';
import type { CommandContext, CommandResult } from '../tool/types';
import { NftError, Tokens } from './lex';
import { runAll, type Ctx } from './ruleset';
import { IptablesState } from '../../kernel/netfilter/state';
import { TABLE_IDS, untouchTable } from '../../kernel/netfilter/tables';
import { xtNftTables } from '../../kernel/netfilter/xt-nft-text';

/** nft's error text: "[FILE:LINE:COL-COL: ]Error: MSG", the line, then carets under the place. */
function errorText(src: string, e: NftError, file?: string): string {
  const lineStart = src.lastIndexOf('\n', e.at - 1) + 1;
  const lineEnd = src.indexOf('\n', lineStart);
  const line = src.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
  const col = e.at - lineStart;
  const carets = `${' '.repeat(col)}${'^'.repeat(Math.max(1, e.len))}`;
  const lineNo = src.slice(0, lineStart).split('\n').length;
  const where = file ? `${file}:${lineNo}:${col + 1}-${col + Math.max(1, e.len)}: ` : '';
  return `${where}Error: ${e.message}\n${line}\n${carets}`;
}

/** `nft flush ruleset` deletes iptables-nft's tables too: they are nf_tables tables like any other. */
function flushIptablesNft(st: IptablesState): void {
  const fresh = new IptablesState();
  for (const id of TABLE_IDS) {
    st.tables[id].chains = fresh.tables[id].chains;
    untouchTable(st, id);
  }
  st.nftChains.clear();
}

function run(ctx: CommandContext, src: string, file?: string): CommandResult {
  const prev = ctx.ns.nftables;
  const st = prev ? prev.clone() : new NftState();
  let flushXt = false;
  const xt = ctx.ns.iptables;
  const c: Ctx = {
    st,
    origin: ctx.origin,
    out: [],
    pending: [],
    xt: xt ? xtNftTables(xt) : [],
    flushXt: () => {
      flushXt = true;
      c.xt = [];
    },
  };
  try {
    runAll(c, new Tokens(src));
  } catch (e) {
    if (e instanceof NftError) throw new CommandError(errorText(src, e, file), 1);
    throw e;
  }
  if (flushXt && xt) flushIptablesNft(xt);
  for (const t of st.tables) for (const set of t.sets.values()) hashSetElems(set.elems);
  attachNftables(ctx.ns, st);
  ctx.ns.changed('nftables');
  return { output: c.out.join('\n') };
}

export function nft(ctx: CommandContext, argv: string[]): CommandResult {
  const args = argv.slice(1);
  const f = args.indexOf('-f');
  if (f >= 0) {
    const file = args[f + 1];
    if (file === undefined) throw new CommandError("nft: option requires an argument -- 'f'", 1);
    if ((file === '-' || file === '/dev/stdin') && ctx.stdin !== undefined)
      return run(ctx, ctx.stdin, file === '-' ? '/dev/stdin' : file);
    throw new CommandError(
      `internal:0:0-0: Error: Could not open file "${file}": No such file or directory\n`,
      1,
    );
  }
  if (args.length === 0) return { output: '' };
  return run(ctx, args.join(' '));
}
