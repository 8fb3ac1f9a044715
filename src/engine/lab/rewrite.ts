/**
 * Rewrites a scenario command for the kernel lab: every namespace name gets the lab's
 * prefix, so nothing the lab creates can collide with (or touch) anything outside it.
 */
import { quote } from 'shell-quote';
import { splitWords, matches } from '../commands/words';

/** Returns the argv to run, with namespace names prefixed, or undefined if the line is a shell redirect. */
export function rewriteArgv(argv: string[], ns: (name: string) => string): string[] {
  const out = argv.slice();
  const tool = out[0]?.replace(/^\/(usr\/)?s?bin\//, '');
  if (tool === 'sudo') return ['sudo', ...rewriteArgv(out.slice(1), ns)];
  const entered = namespaceTool(tool, out, ns);
  if (entered) return entered;
  if (tool !== 'ip') return out;
  let i = 1;
  while (i < out.length && out[i]!.startsWith('-')) {
    if (out[i] === '-n' || out[i] === '-netns') {
      out[i + 1] = ns(out[i + 1]!);
      i += 2;
    } else i++;
  }
  const obj = out[i];
  if (obj === 'netns') {
    const sub = out[i + 1];
    if (sub !== undefined && (matches(sub, 'add') || matches(sub, 'delete')) && out[i + 2] !== undefined)
      out[i + 2] = ns(out[i + 2]!);
    if (sub !== undefined && matches(sub, 'exec') && out[i + 2] !== undefined) {
      return [...out.slice(0, i + 2), ns(out[i + 2]!), ...rewriteArgv(out.slice(i + 3), ns)];
    }
    return out;
  }
  if (obj !== undefined && matches(obj, 'link')) {
    for (let j = i + 1; j < out.length - 1; j++) if (out[j] === 'netns') out[j + 1] = ns(out[j + 1]!);
  }
  return out;
}

/**
 * dockerd's namespace commands, in the lab's terms: `unshare --net=FILE true` makes a
 * namespace (the lab names it), `nsenter --net=FILE CMD` / `nsenter -t PID -n CMD` run CMD in
 * one; `ns` maps FILE (or /proc/PID/ns/net) to the lab's name. The file-system commands
 * that only name namespace files (mkdir, ln, rm, ls) change nothing in the lab, whose
 * namespaces are all named already, and must not touch the host's /run.
 */
function namespaceTool(
  tool: string | undefined,
  argv: string[],
  ns: (name: string) => string,
): string[] | undefined {
  if (tool === 'mkdir' || tool === 'ln' || tool === 'rm' || tool === 'ls') return ['true'];
  if (tool === 'unshare') {
    const m = /^--net=(.+)$/.exec(argv[1] ?? '');
    return m ? ['ip', 'netns', 'add', ns(m[1]!)] : undefined;
  }
  if (tool !== 'nsenter') return undefined;
  let file: string | undefined;
  let pid: string | undefined;
  let i = 1;
  for (; i < argv.length && argv[i]!.startsWith('-'); i++) {
    const w = argv[i]!;
    if (w.startsWith('--net=')) file = w.slice(6);
    else if (w === '-t' || w === '--target') pid = argv[++i];
    else if (w !== '-n' && w !== '--net') return undefined;
  }
  file ??= pid !== undefined ? `/proc/${pid}/ns/net` : undefined;
  if (file === undefined) return undefined;
  return ['ip', 'netns', 'exec', ns(file), ...rewriteArgv(argv.slice(i), ns)];
}

/** A shell line that runs `line` inside the lab namespace `where`. */
export function labLine(
  line: string,
  where: string,
  ns: (name: string) => string,
  created: { name: string; mac: string; kind: string }[] = [],
): string {
  const words = splitWords(line);
  const redirect = words.findIndex((w) => typeof w !== 'string');
  if (redirect >= 0) {
    // echo V > /proc/sys/...: the only redirect the command language accepts.
    const argv = words.filter((w): w is string => typeof w === 'string');
    return `ip netns exec ${where} sh -c ${quote([`echo ${quote([argv[1]!])} > ${quote([argv[2]!])}`])}`;
  }
  const argv = withAddresses(rewriteArgv(words as string[], ns), created);
  // `ip netns add/del/exec` name global namespaces: they run at the top level, because a
  // namespace mounted from inside another `ip netns exec` would be invisible outside it.
  if (argv[0] === 'ip' && argv[1] === 'netns') return quote(argv);
  // `ip -n` enters the namespace without `ip netns exec`'s mount namespace and /sys remount:
  // the same command, several times cheaper, which matters to a campaign of thousands.
  if (argv[0] === 'ip' && !argv.slice(1).some((w) => w === '-n' || w === '-netns' || w === '-all'))
    return quote(['ip', '-n', where, ...argv.slice(1)]);
  return `ip netns exec ${where} ${quote(argv)}`;
}

/**
 * Give the devices an `ip link add` creates the MACs the engine chose for them, so the
 * kernel's frames can be compared with the Trace's. Bridges are left alone: without an
 * explicit address the kernel, like the engine, gives a bridge its lowest port MAC.
 */
export function withAddresses(
  argv: string[],
  created: { name: string; mac: string; kind: string }[],
): string[] {
  const out = argv.slice();
  // Skip `ip netns exec NS` and `ip -n NS` prefixes down to the `ip link add` itself.
  let i = 0;
  for (;;) {
    if (out[i] !== 'ip') return out;
    let j = i + 1;
    while (out[j]?.startsWith('-')) j += out[j] === '-n' || out[j] === '-netns' ? 2 : 1;
    if (out[j] === 'netns' && out[j + 1] === 'exec') {
      i = j + 3;
      continue;
    }
    if (!matches(out[j], 'link') || !matches(out[j + 1], 'add')) return out;
    i = j + 2;
    break;
  }
  const macOf = (name: string): { mac: string; kind: string } | undefined =>
    created.find((c) => c.name === name);
  const insertAfterName = (from: number, stop: (w: string) => boolean): number => {
    let name: string | undefined;
    let nameAt = -1;
    let hasAddress = false;
    let k = from;
    for (; k < out.length && !stop(out[k]!); k++) {
      const w = out[k]!;
      if (w === 'name' || w === 'dev') {
        name = out[k + 1];
        nameAt = k + 1;
        k++;
      } else if (matches(w, 'address')) {
        hasAddress = true;
        k++;
      } else if (['mtu', 'netns', 'txqueuelen', 'qlen', 'numtxqueues', 'numrxqueues', 'link'].includes(w))
        k++;
      else if (name === undefined) {
        name = w;
        nameAt = k;
      }
    }
    const c = name !== undefined ? macOf(name) : undefined;
    if (c && !hasAddress && c.kind !== 'Bridge' && c.mac !== '00:00:00:00:00:00') {
      out.splice(nameAt + 1, 0, 'address', c.mac);
      return k + 2;
    }
    return k;
  };
  const typeAt = insertAfterName(i, (w) => w === 'type');
  const peer = out.indexOf('peer', typeAt);
  if (out[typeAt + 1] === 'veth' && peer > 0) insertAfterName(peer + 1, () => false);
  return out;
}
