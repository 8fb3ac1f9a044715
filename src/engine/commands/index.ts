/**
 * runCommand: one line of the command language, executed in a netns of the world.
 * Lines are split like a shell would; `ip netns exec NS ...` and `ip -n NS` switch the
 * namespace. Anything unknown gets the shell's own "command not found".
 */
import { CommandError } from '../kernel/errors';
import { curl, getent, nc, nslookup, ping } from './apps';
import { dig } from './dig';
import { bridge } from './bridge';
import { cat } from './files';
import { docker } from './docker';
import { ln, ls, mkdir, rm } from './fs';
import { nsenter, unshare } from './nsenter';
import { conntrack } from './conntrack';
import { ip } from './ip';
import { ipvsadm } from './ipvsadm';
import { modprobe } from './tunnels';
import { ip6tables, ip6tablesSave, iptables, iptablesSave } from './iptables/iptables';
import { ipset } from './ipset';
import { nft } from './nft/nft';
import { ip6tablesRestore, iptablesRestore } from './iptables/restore';
import { arp, brctl, ifconfig, route } from './legacy';
import { procWrite, sysctl } from './sysctl';
import { systemctl } from './systemctl';
import type { CommandContext, CommandResult } from './types';
import { splitWords } from './words';

export type { CommandContext, CommandResult } from './types';

export const MAX_LINE = 4096;

export function runCommand(ctx: CommandContext, line: string): CommandResult {
  if (line.length > MAX_LINE)
    throw new CommandError(`sh: line too long (${line.length} characters; the limit is ${MAX_LINE})`, 2);
  const words = splitWords(line.trim());
  if (words.length === 0) return { output: '' };
  // `echo V > /proc/sys/...` is the one redirection the notes use.
  const redirect = words.findIndex((w) => typeof w !== 'string');
  if (redirect >= 0) {
    const op = words[redirect] as { op: string };
    const target = words[redirect + 1];
    const before = words.slice(0, redirect);
    if (
      op.op === '>' &&
      typeof target === 'string' &&
      before[0] === 'echo' &&
      before.length === 2 &&
      words.length === redirect + 2
    ) {
      return procWrite(ctx, target, before[1] as string);
    }
    throw new CommandError(`sh: unsupported shell syntax "${op.op}": write one command per line`, 2);
  }
  return exec(ctx, words as string[]);
}

type CommandHandler = (ctx: CommandContext, argv: string[]) => CommandResult;

/** A table rather than a switch so each command family reads as one line per spelling group. */
const COMMANDS = new Map<string, CommandHandler>();

/** Several spellings (nc/ncat/netcat, the -nft and -legacy variants) share one handler. */
function registerCommand(names: string[], handler: CommandHandler): void {
  for (const name of names) COMMANDS.set(name, handler);
}

/** The iptables family comes in three flavours that behave the same here. */
function iptablesFlavours(base: string, suffix = ''): string[] {
  return [`${base}${suffix}`, `${base}-nft${suffix}`, `${base}-legacy${suffix}`];
}

// Network configuration tools, including the legacy net-tools.
registerCommand(['ip'], (ctx, argv) => ip(ctx, argv, exec));
registerCommand(['bridge'], bridge);
registerCommand(['sysctl'], sysctl);
registerCommand(['ifconfig'], ifconfig);
registerCommand(['route'], route);
registerCommand(['brctl'], brctl);
registerCommand(['arp'], arp);
// Applications that send traffic or resolve names.
registerCommand(['ping'], ping);
registerCommand(['curl'], curl);
registerCommand(['nslookup'], nslookup);
registerCommand(['dig'], dig);
registerCommand(['getent'], getent);
registerCommand(['nc', 'ncat', 'netcat'], nc);
// Services, modules, containers and namespaces.
registerCommand(['ipvsadm', 'ipvsadm-restore'], ipvsadm);
registerCommand(['systemctl'], systemctl);
registerCommand(['modprobe'], modprobe);
registerCommand(['docker'], docker);
registerCommand(['nsenter'], (ctx, argv) => nsenter(ctx, argv, exec));
registerCommand(['unshare'], (ctx, argv) => unshare(ctx, argv, exec));
// The file system.
registerCommand(['cat'], cat);
registerCommand(['ls'], ls);
registerCommand(['mkdir'], mkdir);
registerCommand(['ln'], ln);
registerCommand(['rm'], rm);
// Packet filtering and connection tracking.
registerCommand(iptablesFlavours('iptables'), iptables);
registerCommand(iptablesFlavours('ip6tables'), ip6tables);
registerCommand(iptablesFlavours('ip6tables', '-save'), ip6tablesSave);
registerCommand(iptablesFlavours('iptables', '-save'), iptablesSave);
registerCommand(iptablesFlavours('iptables', '-restore'), iptablesRestore);
registerCommand(iptablesFlavours('ip6tables', '-restore'), ip6tablesRestore);
registerCommand(['ipset'], ipset);
registerCommand(['nft'], nft);
registerCommand(['conntrack'], conntrack);
// Scripts use these as no-ops.
registerCommand(['true', ':'], () => ({ output: '' }));

/** Runs one already-split command line; `sudo` is transparent and /usr/sbin/ paths are dropped. */
function exec(ctx: CommandContext, argv: string[]): CommandResult {
  let cmd = argv[0]!;
  if (cmd === 'sudo') return exec(ctx, argv.slice(1));
  cmd = cmd.replace(/^\/(usr\/)?s?bin\//, '');
  const handler = COMMANDS.get(cmd);
  if (!handler) throw new CommandError(`sh: ${cmd}: command not found`, 127);
  return handler(ctx, argv);
}
