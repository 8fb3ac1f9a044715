import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base32, hex, sha256 } from './sha256';

describe('sha256 and base32', () => {
  it('matches the FIPS 180-4 test vectors', () => {
    expect(hex(sha256('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hex(sha256(''))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(sha256('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('agrees with Node on longer and non-ASCII input', () => {
    // Lengths around the padding's block boundaries (55/56 and 119/120 bytes) too.
    const edges = [54, 55, 56, 57, 63, 64, 65, 119, 120, 121].map((n) => 'k'.repeat(n));
    for (const s of ['default/web:http' + 'tcp', 'x'.repeat(1000), 'é中文', ...edges]) {
      expect(hex(sha256(s))).toBe(createHash('sha256').update(s, 'utf8').digest('hex'));
    }
  });

  it('encodes base32 as RFC 4648 section 10 shows', () => {
    const b = (s: string): Uint8Array => new TextEncoder().encode(s);
    expect(base32(b('f'))).toBe('MY======');
    expect(base32(b('fo'))).toBe('MZXQ====');
    expect(base32(b('foobar'))).toBe('MZXW6YTBOI======');
  });
});
