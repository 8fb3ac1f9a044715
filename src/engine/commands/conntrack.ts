/**
 * conntrack (conntrack-tools 1.4.7): `conntrack -L` lists the namespace's connection
 * tracking table in the tool's own row format, optionally filtered by protocol, original
 * addresses and ports, or NAT status; the count line it prints on stderr comes last.
 * `conntrack -F` empties the table.
 */
import { parseIp } from '../net/ipv4';
import { CommandError } from '../kernel/errors';
import { conntrackOf } from '../kernel/netfilter/engine';
import { formatEntry, type CtEntry } from '../kernel/netfilter/conntrack';
import type { CommandContext, CommandResult } from './types';

const V = 'conntrack v1.4.7 (conntrack-tools)';
const TRY = "Try `conntrack -h' or 'conntrack --help' for more information.";
const PROTOS: Record<string, number> = { tcp: 6, udp: 17, icmp: 1 };

function fail(text: string, status = 2): never {
  throw new CommandError(`${V}: ${text}\n${TRY}`, status);
}

function addr(opt: string, v: string | undefined): number {
  const a = v === undefined ? null : parseIp(v);
  if (a === null) fail(`Bad parameter \`${opt}'`);
  return a;
}

function portArg(opt: string, v: string | undefined): number {
  if (v === undefined || !/^\d+$/.test(v) || Number(v) > 65535) fail(`Bad parameter \`${opt}'`);
  return Number(v);
}

export function conntrack(ctx: CommandContext, argv: string[]): CommandResult {
  let list = false;
  let count = false;
  const want: ((e: CtEntry) => boolean)[] = [];
  let proto: number | undefined;
  for (let i = 1; i < argv.length; i++) {
    const w = argv[i]!;
    if (w === '-F' || w === '--flush') return flush(ctx, argv.slice(i + 1));
    else if (w === '-L' || w === '--dump') {
      list = true;
      if (argv[i + 1] === 'conntrack') i++;
    } else if (w === '-C' || w === '--count') count = true;
    else if (w === '-p' || w === '--proto' || w === '--protonum') {
      const v = argv[++i];
      const p = v === undefined ? undefined : (PROTOS[v] ?? (/^\d+$/.test(v) ? Number(v) : undefined));
      if (p === undefined) fail(`proto \`${v ?? ''}' not found`);
      proto = p;
      want.push((e) => e.orig.proto === p);
    } else if (w === '-s' || w === '--src' || w === '--orig-src') {
      const a = addr(w, argv[++i]);
      want.push((e) => e.orig.src === a);
    } else if (w === '-d' || w === '--dst' || w === '--orig-dst') {
      const a = addr(w, argv[++i]);
      want.push((e) => e.orig.dst === a);
    } else if ((w === '--sport' || w === '--orig-port-src') && proto !== undefined) {
      const p = portArg(w, argv[++i]);
      want.push((e) => e.orig.sport === p);
    } else if ((w === '--dport' || w === '--orig-port-dst') && proto !== undefined) {
      const p = portArg(w, argv[++i]);
      want.push((e) => e.orig.dport === p);
    } else if (w === '-n' || w === '--src-nat') want.push((e) => e.srcNat);
    else if (w === '-g' || w === '--dst-nat') want.push((e) => e.dstNat);
    else fail(`Bad parameter \`${w}'`);
  }
  if (!list && !count) fail('no command specified');
  const entries = (conntrackOf(ctx.ns)?.entries ?? []).filter((e) => want.every((f) => f(e)));
  if (count && !list) return { output: String(entries.length) };
  const rows = entries.map(formatEntry);
  return { output: [...rows, `${V}: ${rows.length} flow entries have been shown.`].join('\n') };
}

/** The long names conntrack-tools reports an option by when a command does not take it. */
const LONG: Record<string, string> = {
  '-p': '--protonum',
  '--proto': '--protonum',
  '-s': '--src',
  '--orig-src': '--src',
  '-d': '--dst',
  '--orig-dst': '--dst',
  '-n': '--src-nat',
  '-g': '--dst-nat',
};

/**
 * `conntrack -F [table]`: what conntrack-tools prints on stderr once the kernel has emptied
 * the table. Filters are not taken here (1.4.7 refuses them by their long name); the
 * expectation table exists but no scenario creates expectations, so it is always empty.
 */
function flush(ctx: CommandContext, rest: string[]): CommandResult {
  const [w, ...more] = rest;
  if (w === 'expect') return { output: `${V}: expectation table has been emptied.` };
  if (w !== undefined && w !== 'conntrack') {
    if (!w.startsWith('-')) fail(`unknown type \`${w}'`);
    const long = LONG[w] ?? (['--src-nat', '--dst-nat', '--src', '--dst'].includes(w) ? w : undefined);
    fail(long ? `Illegal option \`${long}' with this command` : `unknown option \`${w}'`);
  }
  if (more.length > 0) fail(`Bad parameter \`${more[0]!}'`);
  const ct = conntrackOf(ctx.ns);
  if (ct) {
    ct.flush();
    ctx.ns.changed('conntrack');
  }
  return { output: `${V}: connection tracking table has been emptied.` };
}
