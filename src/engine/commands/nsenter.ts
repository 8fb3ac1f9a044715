/**
 * util-linux's nsenter and unshare, for the network namespace (the only one the model has;
 * the other namespace options are accepted and change nothing a packet sees).
 *
 * nsenter --net=FILE CMD    runs CMD in the namespace bound on FILE (/run/docker/netns/ID)
 * nsenter -t PID -n CMD     ... in the one process PID runs in (/proc/PID/ns/net)
 * unshare --net=FILE CMD    makes a new namespace and binds it on FILE (what libnetwork does
 *                           for a container's sandbox), then runs CMD in it
 */
import { CommandError } from '../kernel/errors';
import type { Netns } from '../kernel/netns';
import { basename, checkParent } from './fs';
import { bindNetns, netnsAt, pendingName } from './netns-files';
import type { CommandContext, CommandResult } from './types';

type Exec = (ctx: CommandContext, argv: string[]) => CommandResult;

/** Namespace options other than the network one: letters with an optional file argument. */
const OTHER_NS = new Set(['m', 'u', 'i', 'p', 'U', 'C', 'T']);
const OTHER_LONG = /^--(mount|uts|ipc|pid|user|cgroup|time)(=.*)?$/;

interface NsenterOpts {
  target?: string;
  /** null: -n without a file (use the target's); a string: --net=FILE. */
  net?: string | null;
  all: boolean;
  other: boolean;
  rest: string[];
}

function nsenterUsage(msg: string): CommandError {
  return new CommandError(`nsenter: ${msg}\nTry 'nsenter --help' for more information.`, 1);
}

/** getopt_long with "+": options until the first word that is not one. */
function parseNsenter(argv: string[]): NsenterOpts {
  const o: NsenterOpts = { all: false, other: false, rest: [] };
  let i = 1;
  for (; i < argv.length; i++) {
    const w = argv[i]!;
    if (w === '--') {
      i++;
      break;
    }
    if (w === '-t' || w === '--target') {
      o.target = argv[++i];
      if (o.target === undefined) throw nsenterUsage(`option requires an argument -- 't'`);
    } else if (w.startsWith('--target=')) o.target = w.slice(9);
    else if (w === '--net') o.net = null;
    else if (w.startsWith('--net=')) o.net = w.slice(6);
    else if (w === '-a' || w === '--all') o.all = true;
    else if (OTHER_LONG.test(w)) o.other = true;
    else if (w === '-F' || w === '--no-fork' || w === '--preserve-credentials') continue;
    else if (/^-[A-Za-z]/.test(w) && !w.startsWith('--')) {
      if (shortFlags(w, argv[i + 1], o)) i++;
    } else if (w.startsWith('-')) throw nsenterUsage(`unrecognized option '${w}'`);
    else break;
  }
  o.rest = argv.slice(i);
  return o;
}

/** One word of short options; returns true when it consumed the next word (-t PID). */
function shortFlags(w: string, next: string | undefined, o: NsenterOpts): boolean {
  for (let k = 1; k < w.length; k++) {
    const c = w[k]!;
    const tail = w.slice(k + 1);
    if (c === 't') {
      if (tail !== '') o.target = tail;
      else if (next === undefined) throw nsenterUsage(`option requires an argument -- 't'`);
      else o.target = next;
      return tail === '';
    }
    if (c === 'n') {
      o.net = tail !== '' ? tail : null;
      return false;
    }
    if (c === 'a') o.all = true;
    else if (OTHER_NS.has(c)) {
      o.other = true;
      if (tail !== '') return false;
    } else if (c !== 'F') throw nsenterUsage(`invalid option -- '${c}'`);
  }
  return false;
}

function openNs(ctx: CommandContext, tool: string, path: string): Netns {
  const ns = netnsAt(ctx.world, ctx.machine, path, ctx.ns);
  if (!ns) throw new CommandError(`${tool}: cannot open ${path}: No such file or directory`, 1);
  return ns;
}

export function nsenter(ctx: CommandContext, argv: string[], exec: Exec): CommandResult {
  const o = parseNsenter(argv);
  if (o.target !== undefined && !/^\d+$/.test(o.target))
    throw new CommandError(`nsenter: failed to parse pid: '${o.target}'`, 1);
  if (o.all && o.target === undefined)
    throw new CommandError('nsenter: no target PID specified for --all', 1);
  let ns = ctx.ns;
  const wantNet = o.net !== undefined || o.all;
  if (!wantNet && !o.other) throw nsenterUsage('no namespace specified');
  if (wantNet) {
    const file = o.net ?? (o.target !== undefined ? `/proc/${o.target}/ns/net` : undefined);
    if (file === undefined)
      throw new CommandError('nsenter: neither filename nor target pid supplied for ns/net', 1);
    ns = openNs(ctx, 'nsenter', file);
  }
  if (o.rest.length === 0)
    throw new CommandError(
      'nsenter: no program given: an interactive shell is not available here; add the command, e.g. nsenter ... ip addr',
      1,
    );
  return exec({ ...ctx, ns }, o.rest);
}

export function unshare(ctx: CommandContext, argv: string[], exec: Exec): CommandResult {
  const opt = argv[1];
  const m = opt === undefined ? null : /^--net=(.+)$/.exec(opt);
  if (!m)
    throw new CommandError(
      'unshare: only "unshare --net=FILE [command]" is modelled here (a new network namespace bound on FILE)',
      1,
    );
  const path = m[1]!;
  checkParent(ctx, 'unshare', path, `mount /proc/self/ns/net on ${path} failed`);
  const name = pendingName(ctx.world, ctx.machine.name, path) ?? basename(path);
  if (netnsAt(ctx.world, ctx.machine, path) || ctx.world.netns.has(name))
    throw new CommandError(`unshare: mount /proc/self/ns/net on ${path} failed: Device or resource busy`, 1);
  const ns = ctx.world.createNetns(name, ctx.machine.name, false);
  bindNetns(ctx.world, ctx.machine.name, path, ns);
  const rest = argv.slice(2);
  return rest.length === 0 ? { output: '' } : exec({ ...ctx, ns }, rest);
}
