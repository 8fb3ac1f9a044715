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

function exec(ctx: CommandContext, argv: string[]): CommandResult {
  let cmd = argv[0]!;
  if (cmd === 'sudo') return exec(ctx, argv.slice(1));
  cmd = cmd.replace(/^\/(usr\/)?s?bin\//, '');
  switch (cmd) {
    case 'ip':
      return ip(ctx, argv, exec);
    case 'bridge':
      return bridge(ctx, argv);
    case 'sysctl':
      return sysctl(ctx, argv);
    case 'ifconfig':
      return ifconfig(ctx, argv);
    case 'route':
      return route(ctx, argv);
    case 'brctl':
      return brctl(ctx, argv);
    case 'arp':
      return arp(ctx, argv);
    case 'ping':
      return ping(ctx, argv);
    case 'curl':
      return curl(ctx, argv);
    case 'nslookup':
      return nslookup(ctx, argv);
    case 'dig':
      return dig(ctx, argv);
    case 'getent':
      return getent(ctx, argv);
    case 'nc':
    case 'ncat':
    case 'netcat':
      return nc(ctx, argv);
    case 'ipvsadm':
    case 'ipvsadm-restore':
      return ipvsadm(ctx, argv);
    case 'systemctl':
      return systemctl(ctx, argv);
    case 'modprobe':
      return modprobe(ctx, argv);
    case 'cat':
      return cat(ctx, argv);
    case 'docker':
      return docker(ctx, argv);
    case 'nsenter':
      return nsenter(ctx, argv, exec);
    case 'unshare':
      return unshare(ctx, argv, exec);
    case 'ls':
      return ls(ctx, argv);
    case 'mkdir':
      return mkdir(ctx, argv);
    case 'ln':
      return ln(ctx, argv);
    case 'rm':
      return rm(ctx, argv);
    case 'iptables':
    case 'iptables-nft':
    case 'iptables-legacy':
      return iptables(ctx, argv);
    case 'ip6tables':
    case 'ip6tables-nft':
    case 'ip6tables-legacy':
      return ip6tables(ctx, argv);
    case 'ip6tables-save':
    case 'ip6tables-nft-save':
    case 'ip6tables-legacy-save':
      return ip6tablesSave(ctx, argv);
    case 'iptables-save':
    case 'iptables-nft-save':
    case 'iptables-legacy-save':
      return iptablesSave(ctx, argv);
    case 'iptables-restore':
    case 'iptables-nft-restore':
    case 'iptables-legacy-restore':
      return iptablesRestore(ctx, argv);
    case 'ip6tables-restore':
    case 'ip6tables-nft-restore':
    case 'ip6tables-legacy-restore':
      return ip6tablesRestore(ctx, argv);
    case 'ipset':
      return ipset(ctx, argv);
    case 'nft':
      return nft(ctx, argv);
    case 'conntrack':
      return conntrack(ctx, argv);
    case 'true':
    case ':':
      return { output: '' };
    default:
      throw new CommandError(`sh: ${cmd}: command not found`, 127);
  }
}
