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

/** A shell line that runs `line` inside the lab namespace `where`. */
export function labLine(line: string, where: string, ns: (name: string) => string): string {
  const words = splitWords(line);
  const redirect = words.findIndex((w) => typeof w !== 'string');
  if (redirect >= 0) {
    // echo V > /proc/sys/...: the only redirect the command language accepts.
    const argv = words.filter((w): w is string => typeof w === 'string');
    return `ip netns exec ${where} sh -c ${quote([`echo ${quote([argv[1]!])} > ${quote([argv[2]!])}`])}`;
  }
  const argv = rewriteArgv(words as string[], ns);
  // `ip netns add/del/exec` name global namespaces: they run at the top level, because a
  // namespace mounted from inside another `ip netns exec` would be invisible outside it.
  if (argv[0] === 'ip' && argv[1] === 'netns') return quote(argv);
  return `ip netns exec ${where} ${quote(argv)}`;
}
