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

/** Character codes the scanner tests for. */
const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const BANG = 33;
const QUOTE = 34;
const HASH = 35;
const EQ = 61;
const LBRACKET = 91;

/** Single-character tokens: `{},;:@` and the newline. */
const IS_PUNCT = new Uint8Array(128);
for (const ch of '{},;:@\n') IS_PUNCT[ch.charCodeAt(0)] = 1;

/**
 * The token starting at or after `i` (blanks and comments skipped), or undefined at the end;
 * newlines are tokens (they end statements), comments are dropped.
 */
function lexAt(src: string, i: number): Token | undefined {
  const end = src.length;
  let c = 0;
  for (; i < end; i++) {
    c = src.charCodeAt(i);
    if (c === SPACE || c === TAB || c === CR) continue;
    if (c !== HASH) break;
    while (i + 1 < end && src.charCodeAt(i + 1) !== LF) i++;
  }
  if (i >= end) return undefined;
  let n = 0;
  if (c === QUOTE) {
    const close = src.indexOf('"', i + 1);
    if (close < 0) throw new NftError('syntax error, unexpected junk', i, end - i);
    return { text: src.slice(i + 1, close), quoted: true, at: i, len: close + 1 - i };
  }
  if (c === BANG && src.charCodeAt(i + 1) === EQ) return { text: '!=', quoted: false, at: i, len: 2 };
  // RFC 2732's [addr] (scanner.l's ip6addr_rfc2732): the address without its brackets.
  if (c === LBRACKET && (n = bracketed6Len(src, i)) > 0)
    return { text: src.slice(i + 1, i + n - 1), quoted: false, at: i, len: n };
  if (isIp6Char(c) && (n = ip6Len(src, i)) > 0)
    return { text: src.slice(i, i + n), quoted: false, at: i, len: n };
  if (c < 128 && IS_PUNCT[c] === 1) return { text: src[i]!, quoted: false, at: i, len: 1 };
  let j = i;
  while (j < end && !endsWord(src.charCodeAt(j))) j++;
  return { text: src.slice(i, j), quoted: false, at: i, len: j - i };
}

/**
 * A cursor over the tokens with nft's wording for what it did not expect. The input is lexed
 * as the parser asks for tokens, and the tokens of finished statements are let go (release):
 * a 10,000-Service `nft -f` is 1.7 million tokens, which need not all live at once.
 */
export class Tokens {
  i = 0;
  /** The tokens lexed and not yet released; `i` indexes them. */
  readonly toks: Token[] = [];
  /** Where lexing goes on in `src` (past the last token in `toks`). */
  private pos = 0;
  private done = false;
  readonly end: number;
  constructor(readonly src: string) {
    this.end = src.length;
  }

  /** Lex until `toks[k]` exists or the input ends. */
  private fill(k: number): void {
    while (!this.done && this.toks.length <= k) {
      const t = lexAt(this.src, this.pos);
      if (!t) this.done = true;
      else {
        this.toks.push(t);
        this.pos = t.at + t.len;
      }
    }
  }

  /** Forget the tokens before the cursor (a finished statement's; nothing refers back to them). */
  release(): void {
    if (this.i === 0) return;
    this.toks.splice(0, this.i);
    this.i = 0;
  }

  peek(k = 0): Token | undefined {
    const at = this.i + k;
    if (at >= this.toks.length) this.fill(at);
    return this.toks[at];
  }

  /** The next token's text ('' at the end). */
  word(k = 0): string {
    const t = this.peek(k);
    return t && !t.quoted ? t.text : t ? `"${t.text}"` : '';
  }

  next(): Token {
    const t = this.peek();
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
