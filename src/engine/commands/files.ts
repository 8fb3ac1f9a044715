/**
 * The few files learners read: /sys/class/net/<dev>/{ifindex,iflink,address,mtu,operstate},
 * /proc/sys, and the files programs of the namespace were given (/etc/resolv.conf in a pod).
 */
import { CommandError } from '../kernel/errors';
import type { CommandContext, CommandResult } from './types';
import { procRead } from './sysctl';

export function cat(ctx: CommandContext, argv: string[]): CommandResult {
  const out: string[] = [];
  for (const path of argv.slice(1)) {
    const file = ctx.ns.files.get(path);
    if (file !== undefined) {
      out.push(file);
      continue;
    }
    const proc = procRead(ctx, path);
    if (proc !== undefined) {
      out.push(proc);
      continue;
    }
    const m = /^\/sys\/class\/net\/([^/]+)\/(ifindex|iflink|address|mtu|operstate|carrier)$/.exec(path);
    const dev = m ? ctx.ns.device(m[1]!) : undefined;
    if (!m || !dev) throw new CommandError(`cat: ${path}: No such file or directory`, 1);
    const field = m[2];
    if (field === 'ifindex') out.push(String(dev.ifindex));
    else if (field === 'iflink') out.push(String(dev.iflink()));
    else if (field === 'address') out.push(dev.mac);
    else if (field === 'mtu') out.push(String(dev.mtu));
    else if (field === 'operstate') out.push(dev.operState().toLowerCase());
    else out.push(dev.carrier() ? '1' : '0');
  }
  return { output: out.join('\n') };
}
