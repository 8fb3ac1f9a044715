import { describe, it, expect } from 'vitest';
import { internetChecksum, onesSum, finishChecksum, transportChecksum } from './checksum';

const hex = (s: string): Uint8Array =>
  Uint8Array.from(
    s
      .replace(/\s+/g, '')
      .match(/../g)!
      .map((h) => parseInt(h, 16)),
  );

describe('RFC 1071 checksum', () => {
  it('matches the RFC 1071 section 3 numeric example', () => {
    // 0001 + f203 + f4f5 + f6f7 = 2ddf0, folded ddf2, complemented 220d.
    const b = hex('0001 f203 f4f5 f6f7');
    expect(finishChecksum(onesSum(b))).toBe(0x220d);
  });
  it('computes the classic IPv4 header checksum 0xb861', () => {
    const hdr = hex('4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7');
    expect(internetChecksum(hdr)).toBe(0xb861);
    hdr[10] = 0xb8;
    hdr[11] = 0x61;
    expect(internetChecksum(hdr)).toBe(0); // a correct header sums to all ones
  });
  it('pads an odd trailing byte with zero', () => {
    expect(onesSum(hex('01'))).toBe(0x0100);
    expect(internetChecksum(hex('0102 03'))).toBe(~(0x0102 + 0x0300) & 0xffff);
  });
  it('includes the pseudo-header for UDP', () => {
    // UDP 1.2.3.4:1 -> 5.6.7.8:2, length 8, no data. Sum by hand:
    // pseudo: 0102 + 0304 + 0506 + 0708 + 0011 + 0008 = 0x102d; header: 0001 + 0002 + 0008 = 0x000b;
    // 0x102d + 0x000b = 0x1038, complemented 0xefc7.
    const seg = hex('0001 0002 0008 0000');
    expect(transportChecksum(seg, 0, 8, 0x01020304, 0x05060708, 17)).toBe(0xefc7);
  });
});
