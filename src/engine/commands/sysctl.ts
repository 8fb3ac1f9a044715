/** `sysctl` (-w, -n, reads) and `echo V > /proc/sys/...`, which write the same knobs. */
import { CommandError } from '../kernel/errors';
import { normalizeKey } from '../kernel/sysctl';
import type { CommandContext, CommandResult } from './types';

function parseValue(key: string, v: string): number {
  if (!/^-?\d+$/.test(v.trim()))
    throw new CommandError(`sysctl: setting key "${key}": Invalid argument`, 255);
  return Number(v.trim());
}

export function sysctl(ctx: CommandContext, argv: string[]): CommandResult {
  const out: string[] = [];
  let write = false;
  let quiet = false;
  let valueOnly = false;
  const items: string[] = [];
  for (const w of argv.slice(1)) {
    if (w === '-w') write = true;
    else if (w === '-q') quiet = true;
    else if (w === '-n') valueOnly = true;
    else if (w === '-a' || w === '--all') items.push('*');
    else if (w.startsWith('-'))
      throw new CommandError(`sysctl: invalid option -- '${w.replace(/^-+/, '')}'`, 255);
    else items.push(w);
  }
  if (items.length === 0) throw new CommandError('sysctl: no variables specified', 255);
  // Check every item before writing any, so a bad one leaves the rest untouched.
  const plan: [string, number | undefined][] = items.map((it) => {
    if (it === '*') return ['*', undefined];
    const eq = it.indexOf('=');
    if (eq >= 0 || write) {
      if (eq < 0) throw new CommandError(`sysctl: "${it}" must be of the form name=value`, 255);
      const key = normalizeKey(it.slice(0, eq).trim());
      if (!ctx.ns.sysctl.has(key))
        throw new CommandError(
          `sysctl: cannot stat /proc/sys/${key.replace(/\./g, '/')}: No such file or directory`,
          255,
        );
      return [key, parseValue(key, it.slice(eq + 1))];
    }
    const key = normalizeKey(it);
    if (!ctx.ns.sysctl.has(key))
      throw new CommandError(
        `sysctl: cannot stat /proc/sys/${key.replace(/\./g, '/')}: No such file or directory`,
        255,
      );
    return [key, undefined];
  });
  for (const [key, value] of plan) {
    if (key === '*') {
      out.push(...ctx.ns.sysctl.rows());
      continue;
    }
    if (value !== undefined) {
      ctx.ns.sysctl.set(key, value);
      ctx.ns.changed('sysctl');
      if (!quiet) out.push(valueOnly ? String(value) : `${key} = ${value}`);
    } else {
      const v = ctx.ns.sysctl.get(key);
      out.push(valueOnly ? String(v) : `${key} = ${v}`);
    }
  }
  return { output: out.join('\n') };
}

/** `echo 1 > /proc/sys/net/ipv4/ip_forward`. */
export function procWrite(ctx: CommandContext, path: string, value: string): CommandResult {
  if (!path.startsWith('/proc/sys/')) throw new CommandError(`sh: ${path}: Permission denied`, 1);
  const key = normalizeKey(path);
  if (!ctx.ns.sysctl.has(key)) throw new CommandError(`sh: ${path}: No such file or directory`, 1);
  ctx.ns.sysctl.set(key, parseValue(key, value));
  ctx.ns.changed('sysctl');
  return { output: '' };
}

export function procRead(ctx: CommandContext, path: string): string | undefined {
  if (!path.startsWith('/proc/sys/')) return undefined;
  const key = normalizeKey(path);
  if (!ctx.ns.sysctl.has(key)) throw new CommandError(`cat: ${path}: No such file or directory`, 1);
  return String(ctx.ns.sysctl.get(key));
}
