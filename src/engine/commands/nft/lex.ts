/**
 * nft's tokens, with their place in the input so errors can point at them the way nft does
 * (the offending line, then carets under the token).
 */

export interface Token {
  /** The token's text; strings keep their quotes off. */
  text: string;
  quoted: boolean;
  /** Offset in the whole input, and the token's length there. */
  at: number;
  len: number;
}

export class NftError extends Error {
  constructor(
    message: string,
    readonly at: number,
    readonly len: number,
  ) {
    super(message);
  }
}

const PUNCT = new Set(['{', '}', ',', ';', ':', '@', '\n']);

/**
 * nft's scanner reads an IPv6 address (with a prefix length or as one end of a range) as one
 * token although `:` is punctuation elsewhere (maps, `dnat to 10.0.0.1:80`): hex groups and
 * colons with `::` or at least two colons, ending where a word would.
 */
const IP6 = /^[0-9a-fA-F]*(?::[0-9a-fA-F.]*){2,}(?:\/\d+)?(?:-[0-9a-fA-F:.]+)?(?=[\s{},;@"#\]]|$)/;

/** Characters an IPv6 candidate is made of (hex digits, `:`, `.`, `/`, `-`). */
const isIp6Char = (c: number): boolean =>
  (c >= 48 && c <= 58) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) || c === 46 || c === 47 || c === 45;

function ip6Len(src: string, i: number): number {
  // Most tokens are not IPv6 addresses: the pattern needs two colons before anything else
  // than the characters it is made of, so count them before paying for the regex.
  let colons = 0;
  for (let j = i; j < src.length && j < i + 100; j++) {
    const c = src.charCodeAt(j);
    if (!isIp6Char(c)) break;
    if (c === 58 && ++colons === 2) break;
  }
  if (colons < 2) return 0;
  if (i > 0 && /[\w.:-]/.test(src[i - 1]!)) return 0;
  const m = IP6.exec(src.slice(i, i + 100));
  return m && !m[0].includes(':::') ? m[0].length : 0;
}

/** `[2001:db8::1]`: the length with both brackets, or 0 when no IPv6 address is inside. */
function bracketed6Len(src: string, i: number): number {
  const n = ip6Len(src, i + 1);
  return n > 0 && src[i + 1 + n] === ']' ? n + 2 : 0;
}

/** Characters that end a word: whitespace, `{},;:@"#`. */
const ENDS_WORD = new Uint8Array(128);
for (const ch of ' \t\n\r\v\f{},;:@"#') ENDS_WORD[ch.charCodeAt(0)] = 1;
const endsWord = (c: number): boolean => (c < 128 ? ENDS_WORD[c] === 1 : /\s/.test(String.fromCharCode(c)));

/** Split nft input into tokens; newlines are tokens (they end statements), comments are dropped. */
export function lex(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let n = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\r') i++;
    else if (c === '#') while (i < src.length && src[i] !== '\n') i++;
    else if (c === '"') {
      const end = src.indexOf('"', i + 1);
      if (end < 0) throw new NftError('syntax error, unexpected junk', i, src.length - i);
      out.push({ text: src.slice(i + 1, end), quoted: true, at: i, len: end + 1 - i });
      i = end + 1;
    } else if (c === '!' && src[i + 1] === '=') {
      out.push({ text: '!=', quoted: false, at: i, len: 2 });
      i += 2;
    } else if (c === '[' && (n = bracketed6Len(src, i)) > 0) {
      // RFC 2732's [addr] (scanner.l's ip6addr_rfc2732): the address without its brackets.
      out.push({ text: src.slice(i + 1, i + n - 1), quoted: false, at: i, len: n });
      i += n;
    } else if ((n = ip6Len(src, i)) > 0) {
      out.push({ text: src.slice(i, i + n), quoted: false, at: i, len: n });
      i += n;
    } else if (PUNCT.has(c)) {
      out.push({ text: c, quoted: false, at: i, len: 1 });
      i++;
    } else {
      let j = i;
      while (j < src.length && !endsWord(src.charCodeAt(j))) j++;
      out.push({ text: src.slice(i, j), quoted: false, at: i, len: j - i });
      i = j;
    }
  }
  return out;
}

/** A cursor over the tokens with nft's wording for what it did not expect. */
export class Tokens {
  i = 0;
  constructor(
    readonly toks: Token[],
    readonly end: number,
  ) {}

  peek(k = 0): Token | undefined {
    return this.toks[this.i + k];
  }

  /** The next token's text ('' at the end). */
  word(k = 0): string {
    const t = this.peek(k);
    return t && !t.quoted ? t.text : t ? `"${t.text}"` : '';
  }

  next(): Token {
    const t = this.toks[this.i];
    if (!t) throw this.unexpected();
    this.i++;
    return t;
  }

  accept(text: string): boolean {
    const t = this.peek();
    if (t && !t.quoted && t.text === text) {
      this.i++;
      return true;
    }
    return false;
  }

  expect(text: string): Token {
    const t = this.peek();
    if (!t || t.quoted || t.text !== text) throw this.unexpected();
    this.i++;
    return t;
  }

  /** "syntax error, unexpected X" at the current token (or the end of the line). */
  unexpected(): NftError {
    const t = this.peek();
    if (!t || t.text === '\n') return new NftError('syntax error, unexpected newline', t?.at ?? this.end, 1);
    const what = t.quoted ? 'quoted string' : t.text;
    return new NftError(`syntax error, unexpected ${what}`, t.at, t.len);
  }

  /** At the end of a statement: a newline, a semicolon, a closing brace or the end. */
  atEnd(): boolean {
    const t = this.peek();
    return !t || (!t.quoted && (t.text === '\n' || t.text === ';' || t.text === '}'));
  }
}
