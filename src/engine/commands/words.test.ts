/** The quoted-word fast path must split exactly as the full shell parser does. */
import fc from 'fast-check';
import { parse } from 'shell-quote';
import { describe, expect, it } from 'vitest';
import { splitQuoted, splitWords } from './words';

const full = (line: string): unknown[] => parse(line, (k) => `$${k}`);

describe('splitQuoted', () => {
  it('splits quoted comments as a shell does', () => {
    expect(splitQuoted(`iptables -A INPUT -m comment --comment "kubernetes service portals" -j X`)).toEqual([
      'iptables',
      '-A',
      'INPUT',
      '-m',
      'comment',
      '--comment',
      'kubernetes service portals',
      '-j',
      'X',
    ]);
    expect(splitQuoted(`echo 'a "b"' "c \\"d\\"" e\\ f ""`)).toEqual(['echo', 'a "b"', 'c "d"', 'e f', '']);
    expect(splitQuoted('a"b c"d')).toEqual(['ab cd']);
  });

  it('leaves expansions, operators and comments to the full parser', () => {
    for (const line of ['echo $HOME', 'a | b', 'x > f', 'echo "$x"', 'ls *', 'a # c', "echo 'open"])
      expect(splitQuoted(line)).toBeNull();
    expect(splitWords('echo hi > /tmp/x')).toEqual(['echo', 'hi', { op: '>' }, '/tmp/x']);
  });

  it('agrees with shell-quote on random quoted lines', () => {
    const ch = fc.constantFrom('a', 'b', ' ', '"', "'", '\\', '-', '/', '$', '#', '|');
    fc.assert(
      fc.property(fc.array(ch, { maxLength: 24 }), (chars) => {
        const line = chars.join('');
        const fast = splitQuoted(line);
        if (fast !== null) expect(fast).toEqual(full(line));
      }),
      { numRuns: 3000 },
    );
  });
});
