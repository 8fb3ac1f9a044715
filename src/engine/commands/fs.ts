/**
 * The few file-system commands that reach namespace files: `ls` of a namespace directory,
 * `mkdir -p /run/netns`, and `ln -s TARGET /run/netns/NAME`, the way people make a Docker
 * container's namespace visible to `ip netns` (see netns-files.ts).
 */
import { CommandError } from '../kernel/errors';
import { addLink, dirExists, fileExists, listDir, makeDir, normalizePath, removeLink } from './netns-files';
import type { CommandContext, CommandResult } from './types';

export function basename(path: string): string {
  return normalizePath(path).split('/').pop() ?? path;
}

function dirname(path: string): string {
  const p = normalizePath(path);
  return p.slice(0, Math.max(1, p.lastIndexOf('/')));
}

/** The parent directory of `path` must exist, as open(2) and mount(2) need. */
export function checkParent(ctx: CommandContext, tool: string, path: string, what: string): void {
  if (!path.startsWith('/')) throw new CommandError(`${tool}: ${path}: use an absolute path here`, 1);
  if (!dirExists(ctx.world, ctx.machine, dirname(path)))
    throw new CommandError(`${tool}: ${what}: No such file or directory`, 1);
}

export function ls(ctx: CommandContext, argv: string[]): CommandResult {
  const paths = argv.slice(1).filter((a) => !a.startsWith('-'));
  if (paths.length !== 1) throw new CommandError('ls: give one directory, like ls /var/run/docker/netns', 2);
  const names = listDir(ctx.world, ctx.machine, paths[0]!);
  if (!names) throw new CommandError(`ls: cannot access '${paths[0]}': No such file or directory`, 2);
  return { output: [...names].sort().join('\n') };
}

export function mkdir(ctx: CommandContext, argv: string[]): CommandResult {
  const parents = argv.includes('-p');
  for (const p of argv.slice(1).filter((a) => !a.startsWith('-'))) {
    if (dirExists(ctx.world, ctx.machine, p)) {
      if (!parents) throw new CommandError(`mkdir: cannot create directory '${p}': File exists`, 1);
      continue;
    }
    if (!parents) checkParent(ctx, 'mkdir', p, `cannot create directory '${p}'`);
    makeDir(ctx.world, ctx.machine.name, p);
  }
  return { output: '' };
}

export function ln(ctx: CommandContext, argv: string[]): CommandResult {
  const args = argv.slice(1);
  const force = args.some((a) => /^-\w*f/.test(a));
  if (!args.some((a) => /^-\w*s/.test(a)))
    throw new CommandError('ln: only symbolic links (ln -s TARGET LINK) are modelled here', 1);
  const [target, link] = args.filter((a) => !a.startsWith('-'));
  if (target === undefined || link === undefined)
    throw new CommandError(`ln: missing file operand\nTry 'ln --help' for more information.`, 1);
  checkParent(ctx, 'ln', link, `failed to create symbolic link '${link}'`);
  if (fileExists(ctx.world, ctx.machine, link)) {
    if (!force) throw new CommandError(`ln: failed to create symbolic link '${link}': File exists`, 1);
    removeLink(ctx.world, ctx.machine.name, link);
  }
  // A symbolic link may dangle: it is followed when opened, not when made.
  addLink(ctx.world, ctx.machine.name, link, target);
  return { output: '' };
}

export function rm(ctx: CommandContext, argv: string[]): CommandResult {
  for (const p of argv.slice(1).filter((a) => !a.startsWith('-'))) {
    if (!removeLink(ctx.world, ctx.machine.name, p))
      throw new CommandError(`rm: cannot remove '${p}': only links made with ln -s can be removed here`, 1);
  }
  return { output: '' };
}
