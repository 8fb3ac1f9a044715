/**
 * Calico's label selectors, the subset the scenarios use: `all()`, `has(k)`, `!has(k)`,
 * `k == "v"`, `k != "v"`, `k in {"a", "b"}`, joined with `&&`.
 */
import { CalicoError } from './errors';

export type Labels = Record<string, string>;

export class SelectorError extends CalicoError {}

type Term = (l: Labels) => boolean;

const QUOTED = `(?:"([^"]*)"|'([^']*)')`;

export function parseSelector(text: string): (l: Labels) => boolean {
  const src = text.trim();
  if (src === '' || src === 'all()') return () => true;
  const terms: Term[] = src.split('&&').map((raw) => {
    const t = raw.trim();
    let m: RegExpExecArray | null;
    if (t === 'all()') return () => true;
    if ((m = /^(!?)\s*has\(\s*([\w./-]+)\s*\)$/.exec(t))) {
      const [, neg, k] = m;
      return (l) => k! in l !== (neg === '!');
    }
    if ((m = new RegExp(`^([\\w./-]+)\\s*(==|!=)\\s*${QUOTED}$`).exec(t))) {
      const [, k, op, v1, v2] = m;
      const v = v1 ?? v2 ?? '';
      return op === '==' ? (l) => l[k!] === v : (l) => l[k!] !== v;
    }
    if ((m = /^([\w./-]+)\s+(not\s+)?in\s*\{(.*)\}$/.exec(t))) {
      const [, k, not, body] = m;
      const vals = [...body!.matchAll(new RegExp(QUOTED, 'g'))].map((x) => x[1] ?? x[2] ?? '');
      return (l) => (l[k!] !== undefined && vals.includes(l[k!]!)) !== !!not;
    }
    throw new SelectorError(`unsupported selector term "${t}" in "${text}"`);
  });
  return (l) => terms.every((f) => f(l));
}
