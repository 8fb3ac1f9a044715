import { describe, expect, it } from 'vitest';
import { fitString, middleEllipsis } from './fit';

/** A monospace measure: 7 px a character. */
const mono = (t: string) => [...t].length * 7;

describe('middleEllipsis', () => {
  it('keeps both ends of the name', () => {
    expect(middleEllipsis('vethf3204136', 8)).toBe('veth…4136');
    expect(middleEllipsis('vethf3204136', 7)).toBe('veth…136');
    expect(middleEllipsis('abc', 5)).toBe('abc');
    expect(middleEllipsis('abc', 0)).toBe('…');
  });
});

describe('fitString', () => {
  it('leaves a name that fits alone', () => {
    expect(fitString('eth0', 28, mono)).toBe('eth0');
  });
  it('shortens to the longest form that fits', () => {
    // 84 px of room: 12 characters at most, the ellipsis counts as one.
    const out = fitString('cali1234567890abcdef', 84, mono);
    expect(mono(out)).toBeLessThanOrEqual(84);
    expect(mono(out)).toBeGreaterThan(84 - 7);
    expect(out.startsWith('cali12')).toBe(true);
    expect(out.endsWith('bcdef')).toBe(true);
  });
  it('falls back to the ellipsis when nothing fits', () => {
    expect(fitString('flannel.1', 3, mono)).toBe('…');
  });
});
