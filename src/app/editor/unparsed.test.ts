import { beforeEach, describe, expect, it } from 'vitest';
import { clearUnparsed, fingerprint, loadUnparsed, saveUnparsed } from './unparsed';

beforeEach(() => {
  const m = new Map<string, string>();
  (globalThis as { sessionStorage?: unknown }).sessionStorage = {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
  };
});

describe('unparsed editor text', () => {
  it('comes back on top of the scenario text it was edited from, not another', () => {
    const base = 'id: a\nmachines: {}\n';
    saveUnparsed({ scenarioId: 'a', base: fingerprint(base), text: 'id: a\nmachines: {\n' });
    expect(loadUnparsed('a', base)).toBe('id: a\nmachines: {\n');
    expect(loadUnparsed('a', null)).toBeNull();
    expect(loadUnparsed('a', base + ' ')).toBeNull();
    expect(loadUnparsed('b', base)).toBeNull();
    clearUnparsed();
    expect(loadUnparsed('a', base)).toBeNull();
  });

  it('a text edited from the built-in file comes back while the scenario is the built-in one', () => {
    saveUnparsed({ scenarioId: 'a', base: fingerprint(null), text: 'broken: [' });
    expect(loadUnparsed('a', null)).toBe('broken: [');
  });

  it('fingerprints differ for texts that differ', () => {
    expect(fingerprint('abc')).not.toBe(fingerprint('abd'));
    expect(fingerprint('')).not.toBe(fingerprint(null));
  });
});
