/** Shell-style word splitting and iproute2's argument helpers. */
import { parse } from 'shell-quote';
import { CommandError } from '../kernel/errors';

export type Word = string | { op: string };

/** Characters that make a shell do more than split words (expansions, operators, globs, comments). */
const SPECIAL = new Set('$`|&;<>()*?[]{}~#');

/**
 * Word splitting with quotes and backslashes, for lines with nothing else a shell would
 * interpret (as a quoted `--comment "..."` is): null when the line needs the full parser.
 */
export function splitQuoted(line: string): string[] | null {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\n') {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return null;
      cur += line.slice(i + 1, end);
      i = end;
    } else if (ch === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        const c = line[j]!;
        if (c === '$' || c === '`') return null;
        if (c === '\\' && '"\\$`'.includes(line[j + 1] ?? '')) cur += line[++j]!;
        else cur += c;
      }
      if (j >= line.length) return null;
      i = j;
    } else if (ch === '\\') {
      if (i + 1 >= line.length) return null;
      cur += line[++i]!;
    } else if (SPECIAL.has(ch)) {
      return null;
    } else cur += ch;
  }
  if (inWord) out.push(cur);
  return out;
}

/** Splits a command line like a POSIX shell would (quotes, escapes); redirections come back as ops. */
export function splitWords(line: string): Word[] {
  // Most lines have nothing a shell would interpret: split on blanks without the full parser.
  if (!/[^A-Za-z0-9_.,:/=+@%^!\-\s]/.test(line)) {
    const words = line.split(/\s+/).filter((w) => w !== '');
    if (!words.some((w) => w.startsWith('#'))) return words;
  }
  const quoted = splitQuoted(line);
  if (quoted) return quoted;
  const out: Word[] = [];
  for (const t of parse(line, (k) => `$${k}`)) {
    if (typeof t === 'string') out.push(t);
    else if ('op' in t && t.op !== 'glob') out.push({ op: t.op });
    else if ('op' in t && t.op === 'glob') out.push((t as { pattern: string }).pattern);
    else if ('comment' in t) break;
  }
  return out;
}

/** iproute2's matches(): a word selects a keyword when it is a non-empty prefix of it. */
export function matches(word: string | undefined, keyword: string): boolean {
  return word !== undefined && word.length > 0 && keyword.startsWith(word);
}

/** A cursor over argv with iproute2-style errors. */
export class Args {
  i = 0;
  constructor(
    readonly argv: string[],
    readonly tool = 'ip',
  ) {}

  get done(): boolean {
    return this.i >= this.argv.length;
  }

  peek(): string | undefined {
    return this.argv[this.i];
  }

  next(): string | undefined {
    return this.argv[this.i++];
  }

  /** The value after a keyword; iproute2 says "Command line is not complete" when it is missing. */
  value(keyword = ''): string {
    const v = this.argv[this.i++];
    if (v === undefined) throw new CommandError(`Command line is not complete. Try option "help"`, 255);
    if (keyword === '') return v;
    return v;
  }
}
