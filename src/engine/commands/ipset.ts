/**
 * `ipset` (v7.17): create, add, del, test, flush, destroy, list. Sets live per namespace in
 * IptablesState.ipsets (the kernel's ip_set module, kernel/netfilter/ipset.ts); members are
 * kept as the canonical strings `ipset list` prints, in insertion order.
 */
import { CommandError } from '../kernel/errors';
import { attachNetfilter } from '../kernel/netfilter/engine';
import type { Netns } from '../kernel/netns';
import type { CommandContext, CommandResult } from './types';
import { formatIp, maskOf, parseIp } from '../net/ipv4';
import { DIMS, memberMatches } from '../kernel/netfilter/ipset';
import { IptablesState, type IpSet, type IpSetType } from '../kernel/netfilter/state';
import { parsePort, TABLE_IDS } from '../kernel/netfilter/tables';

const V = 'ipset v7.17: ';
const TRY = "Try `ipset help' for more information.";

const fail = (msg: string, status = 1): CommandError => new CommandError(`${V}${msg}`, status);
const usage = (msg: string): CommandError => new CommandError(`${V}${msg}\n${TRY}`, 2);

const REVISION: Record<IpSetType, number> = {
  'hash:ip': 6,
  'hash:net': 7,
  'hash:ip,port': 7,
  'hash:ip,port,ip': 5,
  'hash:ip,port,net': 7,
  'bitmap:port': 3,
};

function badIp(s: string): CommandError {
  return fail(`Syntax error: cannot parse ${s}: resolving to IPv4 address failed`);
}

function ipText(s: string): string {
  const n = parseIp(s);
  if (n === null) throw badIp(s);
  return formatIp(n);
}

function netText(s: string): string {
  const [a, l, extra] = s.split('/');
  const n = parseIp(a!);
  if (n === null || extra !== undefined) throw badIp(s);
  if (l === undefined) return formatIp(n);
  const len = /^\d+$/.test(l) ? Number(l) : NaN;
  if (!(len >= 1 && len <= 32)) throw fail(`Syntax error: '${l}' is out of range 1-32`);
  const net = formatIp((n & maskOf(len)) >>> 0);
  return len === 32 ? net : `${net}/${len}`;
}

function portText(s: string, set: IpSet): string {
  let proto = 'tcp';
  let p = s;
  const colon = s.indexOf(':');
  if (colon >= 0) {
    proto = s.slice(0, colon);
    p = s.slice(colon + 1);
    if (!['tcp', 'udp', 'sctp', 'udplite'].includes(proto))
      throw fail(`Syntax error: cannot parse '${proto}' as a protocol`);
  }
  const port = parsePort(p, proto);
  if (port === null) throw fail(`Syntax error: cannot parse '${p}' as a ${proto} port`);
  if (set.type === 'bitmap:port') return String(port);
  return `${proto}:${port}`;
}

/** Canonical member strings for an `add`/`del`/`test` argument (hash:ip expands CIDRs and ranges). */
function parseMember(set: IpSet, s: string): string[] {
  const dims = DIMS[set.type];
  const parts = s.split(',');
  if (parts.length !== dims.length) throw fail(`Syntax error: Second element is missing from ${s}.`);
  if (set.type === 'hash:ip') {
    const p = parts[0]!;
    const range = p.includes('/') ? cidrRange(p) : p.includes('-') ? dashRange(p) : undefined;
    if (range) {
      const out: string[] = [];
      if (range[1] - range[0] >= (set.maxelem ?? 65536)) throw fail('Hash is full, cannot add more elements');
      for (let a = range[0]; a <= range[1]; a++) out.push(formatIp(a));
      return out;
    }
  }
  return [
    dims
      .map((d, i) => {
        const p = parts[i]!;
        if (d === 'ip') return ipText(p);
        if (d === 'net') return netText(p);
        const t = portText(p, set);
        if (set.type === 'bitmap:port' && set.range) {
          const n = Number(t);
          if (n < set.range.from || n > set.range.to) throw fail('Element is out of the range of the set');
        }
        return t;
      })
      .join(','),
  ];
}

function cidrRange(s: string): [number, number] {
  const [a, l] = s.split('/');
  const n = parseIp(a!);
  const len = /^\d+$/.test(l ?? '') ? Number(l) : NaN;
  if (n === null) throw badIp(s);
  if (!(len >= 1 && len <= 32)) throw fail(`Syntax error: '${l}' is out of range 1-32`);
  const net = (n & maskOf(len)) >>> 0;
  return [net, (net | ~maskOf(len)) >>> 0];
}

function dashRange(s: string): [number, number] {
  const [a, b] = s.split('-');
  const x = parseIp(a!);
  const y = parseIp(b!);
  if (x === null) throw badIp(a!);
  if (y === null) throw badIp(b!);
  return x <= y ? [x, y] : [y, x];
}

/** Number of iptables rules (all tables) that use the set: `References:` of ipset list. */
function references(ns: Netns, name: string): number {
  const st = ns.iptables;
  if (!st) return 0;
  let n = 0;
  for (const id of TABLE_IDS)
    for (const c of st.tables[id].chains.values())
      for (const r of c.rules) for (const m of r.matches) if (m.module === 'set' && m.name === name) n++;
  return n;
}

/** A stable stand-in for the kernel's random initval (FNV-1a of the name). */
function initval(name: string): string {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619) >>> 0;
  return `0x${h.toString(16).padStart(8, '0')}`;
}

/** Approximation of "Size in memory" (the kernel's figure depends on its allocator). */
function sizeInMemory(set: IpSet): number {
  const n = set.members.size;
  if (set.type === 'bitmap:port')
    return 200 + Math.ceil(((set.range?.to ?? 0) - (set.range?.from ?? 0) + 1) / 8);
  const base = set.type === 'hash:ip' ? 216 : set.type === 'hash:net' ? 264 : 232;
  return base + 40 * n + (set.comment ? 112 * n : 0);
}

function listSet(ns: Netns, set: IpSet, terse: boolean): string[] {
  let header: string;
  if (set.type === 'bitmap:port') header = `range ${set.range!.from}-${set.range!.to}`;
  else header = `family inet hashsize ${set.hashsize ?? 1024} maxelem ${set.maxelem ?? 65536}`;
  if (set.timeout !== undefined) header += ` timeout ${set.timeout}`;
  if (set.comment) header += ' comment';
  if (set.type !== 'bitmap:port') header += ` bucketsize 12 initval ${initval(set.name)}`;
  const out = [
    `Name: ${set.name}`,
    `Type: ${set.type}`,
    `Revision: ${REVISION[set.type]}`,
    `Header: ${header}`,
    `Size in memory: ${sizeInMemory(set)}`,
    `References: ${references(ns, set.name)}`,
    `Number of entries: ${set.members.size}`,
    'Members:',
  ];
  if (!terse) for (const m of set.members) out.push(m + (set.extras?.get(m) ?? ''));
  return out;
}

function getSet(ns: Netns, name: string | undefined): IpSet {
  const s = name === undefined ? undefined : ns.iptables?.ipsets.get(name);
  if (!s) throw fail('The set with the given name does not exist');
  return s;
}

const COMMANDS: Record<string, string> = {
  create: 'create',
  n: 'create',
  '-N': 'create',
  add: 'add',
  a: 'add',
  '-A': 'add',
  del: 'del',
  '-D': 'del',
  test: 'test',
  '-T': 'test',
  flush: 'flush',
  '-F': 'flush',
  destroy: 'destroy',
  x: 'destroy',
  '-X': 'destroy',
  list: 'list',
  '-L': 'list',
};

/**
 * `ipset restore [-exist]`: one ipset command a line on stdin (kube-proxy's batch), applied
 * in order up to the first failure, which ipset names by its line as ipset.c's restore does
 * (lines before it stay applied: the kernel has no transaction for sets).
 */
function ipsetRestore(ctx: CommandContext, exist: boolean): CommandResult {
  if (ctx.stdin === undefined) throw fail('restore reads its commands from standard input; none was given');
  const lines = ctx.stdin.split('\n');
  const inner: CommandContext = { world: ctx.world, machine: ctx.machine, ns: ctx.ns, origin: ctx.origin };
  for (let k = 0; k < lines.length; k++) {
    const words = lines[k]!.trim()
      .split(/\s+/)
      .filter((w) => w !== '');
    if (words.length === 0 || words[0]!.startsWith('#')) continue;
    if (words[0] === 'COMMIT') continue;
    try {
      if (words[0] === 'restore' || words[0] === '-R')
        throw usage('No command specified: unknown argument restore');
      ipset(inner, ['ipset', ...words, ...(exist ? ['-exist'] : [])]);
    } catch (e) {
      if (!(e instanceof CommandError)) throw e;
      const core = e.message.replace(V, '').replace(`\n${TRY}`, '');
      throw new CommandError(`${V}Error in line ${k + 1}: ${core}`, 1);
    }
  }
  return { output: '' };
}

/** One ipset command line: its words after the command, the flags and the state it writes. */
interface IpsetRun {
  ctx: CommandContext;
  ns: Netns;
  state: IptablesState;
  cmd: string;
  rest: string[];
  /** -exist / -!: no error for a set or element that already is (or is not) there. */
  exist: boolean;
  listFlags: Set<string>;
  /** Makes the state live in the namespace and tells the world it changed. */
  commit: () => void;
}

const LIST_FLAGS = new Set(['-n', '-name', '-t', '-terse', '-o', '-q', '-quiet']);

/** `create NAME TYPE [options]`'s options, into the new set (ipset's create parser). */
function createOptions(set: IpSet, opts: string[]): void {
  const type = set.type;
  for (let i = 0; i < opts.length; i++) {
    const o = opts[i]!;
    const val = (): string => {
      const v = opts[++i];
      if (v === undefined) throw usage(`Missing mandatory argument of option \`${o}'`);
      return v;
    };
    const num = (): number => {
      const v = val();
      if (!/^\d+$/.test(v)) throw fail(`Syntax error: '${v}' is invalid as number`);
      return Number(v);
    };
    if (o === 'family') {
      const f = val();
      if (f !== 'inet') throw fail(`Syntax error: unknown family ${f}: only inet is supported here`);
    } else if (o === 'hashsize' && type !== 'bitmap:port') set.hashsize = num();
    else if (o === 'maxelem' && type !== 'bitmap:port') set.maxelem = num();
    else if (o === 'timeout') set.timeout = num();
    else if (o === 'comment') set.comment = true;
    else if (o === 'counters' || o === 'skbinfo') continue;
    else if (o === 'range' && type === 'bitmap:port') {
      const m = /^(\d+)-(\d+)$/.exec(val());
      if (!m || Number(m[2]) > 65535 || Number(m[1]) > Number(m[2]))
        throw fail('Syntax error: invalid port range');
      set.range = { from: Number(m[1]), to: Number(m[2]) };
    } else throw fail(`Syntax error: Unknown argument: '${o}'`);
  }
}

function createSet(run: IpsetRun): CommandResult {
  const [name, type, ...opts] = run.rest;
  if (name === undefined) throw usage('Missing mandatory argument: set name');
  if (type === undefined) throw usage('Missing mandatory argument: set type');
  if (!(type in REVISION)) throw fail(`Syntax error: typename '${type}' is unknown`);
  const set: IpSet = {
    name,
    type: type as IpSetType,
    members: new Set(),
    comment: false,
    origin: run.ctx.origin,
  };
  createOptions(set, opts);
  if (type === 'bitmap:port' && !set.range) throw usage("Mandatory option `range' is missing");
  const existing = run.state.ipsets.get(name);
  if (existing) {
    if (run.exist && existing.type === set.type) return { output: '' };
    throw fail('Set cannot be created: set with the same name already exists');
  }
  run.state.ipsets.set(name, set);
  run.commit();
  return { output: '' };
}

/** An element's extensions (`comment "..."`, `timeout N`), as ipset lists them after it. */
function elementExtras(run: IpsetRun, set: IpSet, opts: string[]): string {
  let extra = '';
  for (let i = 0; i < opts.length; i++) {
    const o = opts[i]!;
    const v = opts[++i];
    if (run.cmd !== 'add' || v === undefined) throw fail(`Syntax error: Unknown argument: '${o}'`);
    if (o === 'comment') {
      if (!set.comment) throw fail('Syntax error: Extension comment is disabled in the set');
      extra += ` comment "${v}"`;
    } else if (o === 'timeout') {
      if (set.timeout === undefined) throw fail('Syntax error: Extension timeout is disabled in the set');
      extra = ` timeout ${v}` + extra;
    } else throw fail(`Syntax error: Unknown argument: '${o}'`);
  }
  if (set.timeout !== undefined && !extra.includes(' timeout ')) extra = ` timeout ${set.timeout}` + extra;
  return extra;
}

function addMembers(run: IpsetRun, set: IpSet, members: string[], extra: string): void {
  if (!run.exist && members.some((m) => set.members.has(m)))
    throw fail("Element cannot be added to the set: it's already added");
  if (set.members.size + members.length > (set.maxelem ?? 65536))
    throw fail('Hash is full, cannot add more elements');
  for (const m of members) {
    set.members.add(m);
    if (extra) (set.extras ??= new Map()).set(m, extra);
  }
}

function deleteMembers(run: IpsetRun, set: IpSet, members: string[]): void {
  if (!run.exist && members.some((m) => !set.members.has(m)))
    throw fail("Element cannot be deleted from the set: it's not added");
  for (const m of members) {
    set.members.delete(m);
    set.extras?.delete(m);
  }
}

/** `add`, `del` and `test SET ELEMENT [extensions]`. */
function elementCommand(run: IpsetRun): CommandResult {
  const [name, member, ...opts] = run.rest;
  if (name === undefined) throw usage('Missing mandatory argument: set name');
  const set = getSet(run.ns, name);
  if (member === undefined) throw usage('Missing mandatory argument: element');
  const members = parseMember(set, member);
  const extra = elementExtras(run, set, opts);
  if (run.cmd === 'test') {
    const hit = members.every((m) => memberMatches(set, m));
    if (!hit) throw new CommandError(`${member} is NOT in set ${name}.`, 1);
    return { output: `Warning: ${member} is in set ${name}.` };
  }
  if (run.cmd === 'add') addMembers(run, set, members, extra);
  else deleteMembers(run, set, members);
  run.commit();
  return { output: '' };
}

/** The set named on the line, or every set when none is. */
function setsNamed(run: IpsetRun): IpSet[] {
  return run.rest[0] === undefined ? [...run.state.ipsets.values()] : [getSet(run.ns, run.rest[0])];
}

function flushSets(run: IpsetRun): CommandResult {
  for (const s of setsNamed(run)) {
    s.members.clear();
    s.extras?.clear();
  }
  run.commit();
  return { output: '' };
}

function destroySets(run: IpsetRun): CommandResult {
  const sets = setsNamed(run);
  for (const s of sets)
    if (references(run.ns, s.name) > 0)
      throw fail('Set cannot be destroyed: it is in use by a kernel component');
  for (const s of sets) run.state.ipsets.delete(s.name);
  run.commit();
  return { output: '' };
}

function listSets(run: IpsetRun): CommandResult {
  const sets = setsNamed(run);
  if (run.listFlags.has('-n') || run.listFlags.has('-name'))
    return { output: sets.map((s) => s.name).join('\n') };
  const terse = run.listFlags.has('-t') || run.listFlags.has('-terse');
  const blocks = sets.map((s) => listSet(run.ns, s, terse).join('\n'));
  return { output: blocks.join('\n\n') };
}

const RUN: Record<string, (run: IpsetRun) => CommandResult> = {
  create: createSet,
  add: elementCommand,
  del: elementCommand,
  test: elementCommand,
  flush: flushSets,
  destroy: destroySets,
  list: listSets,
};

/** The `ipset` command. */
export function ipset(ctx: CommandContext, argv: string[]): CommandResult {
  const ns = ctx.ns;
  let exist = false;
  const args: string[] = [];
  const listFlags = new Set<string>();
  for (const a of argv.slice(1)) {
    if (a === '-exist' || a === '-!') exist = true;
    else if (LIST_FLAGS.has(a)) listFlags.add(a);
    else args.push(a);
  }
  if (args.length === 0) throw usage('No command specified.');
  if (args[0] === 'restore' || args[0] === '-R') return ipsetRestore(ctx, exist);
  const cmd = COMMANDS[args[0]!];
  if (!cmd) throw usage(`No command specified: unknown argument ${args[0]}`);
  const state = ns.iptables ?? new IptablesState();
  const commit = (): void => {
    attachNetfilter(ns, state);
    ns.changed('iptables');
  };
  return RUN[cmd]!({ ctx, ns, state, cmd, rest: args.slice(1), exist, listFlags, commit });
}
