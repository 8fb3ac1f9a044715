/**
 * How deeply a YAML text nests, found before parsing: the parser recurses once per level, so a
 * hostile 100,000-deep `[[[[...` would otherwise end in "Maximum call stack size exceeded".
 */

/** No scenario needs more than a handful of levels; 64 leaves room and stays far from the stack limit. */
export const MAX_YAML_DEPTH = 64;

/**
 * The first place the nesting passes `limit`: flow collections (`[`, `{`) plus the block level
 * (one per indentation step), with quoted strings and comments skipped. Undefined when it never does.
 */
export function tooDeep(text: string, limit = MAX_YAML_DEPTH): { line: number; col: number } | undefined {
  let flow = 0;
  let line = 1;
  let lineStart = 0;
  const indents: number[] = [];
  let atLineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 /* \n */) {
      line++;
      lineStart = i + 1;
      atLineStart = true;
      continue;
    }
    if (atLineStart) {
      if (c === 32 || c === 45 /* - */) continue;
      atLineStart = false;
      if (flow === 0 && c !== 35 /* # */) {
        const indent = i - lineStart;
        while (indents.length && indents[indents.length - 1]! >= indent) indents.pop();
        indents.push(indent);
        if (indents.length > limit) return { line, col: indent + 1 };
      }
    }
    if (c === 35 && (i === 0 || text.charCodeAt(i - 1) <= 32)) {
      while (i + 1 < text.length && text.charCodeAt(i + 1) !== 10) i++;
    } else if ((c === 34 /* " */ || c === 39) /* ' */ && opensScalar(text, i)) {
      const end = skipQuoted(text, i, c);
      for (let j = i; j < end; j++) {
        if (text.charCodeAt(j) === 10) {
          line++;
          lineStart = j + 1;
        }
      }
      i = end;
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++flow + indents.length > limit) return { line, col: i - lineStart + 1 };
    } else if ((c === 93 /* ] */ || c === 125) /* } */ && flow > 0) flow--;
  }
  return undefined;
}

/** A quote opens a quoted scalar only where a value starts (`it's` inside plain text does not). */
function opensScalar(text: string, i: number): boolean {
  for (let j = i - 1; j >= 0; j--) {
    const c = text.charCodeAt(j);
    if (c === 32 || c === 9) continue;
    return c === 10 || c === 58 /* : */ || c === 45 /* - */ || c === 44 /* , */ || c === 91 || c === 123;
  }
  return true;
}

/** The index of the closing quote (or the end of the text); a newline inside is fine for YAML. */
function skipQuoted(text: string, i: number, q: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (q === 34 && c === 92 /* \ */) j++;
    else if (c === q) {
      if (q === 39 && text.charCodeAt(j + 1) === 39) j++;
      else return j;
    }
  }
  return text.length;
}
