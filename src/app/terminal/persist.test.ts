import { beforeEach, describe, expect, it } from 'vitest';
import { boundTerminal, loadTerminal, MAX_CHARS, saveTerminal } from './persist';

class MemoryStorage {
  m = new Map<string, string>();
  getItem(k: string) {
    return this.m.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.m.set(k, v);
  }
  removeItem(k: string) {
    this.m.delete(k);
  }
}

let store: MemoryStorage;
beforeEach(() => {
  store = new MemoryStorage();
  (globalThis as { sessionStorage?: unknown }).sessionStorage = store;
});

describe('terminal persistence', () => {
  it('gives back the scrollback and history of the same scenario only', () => {
    const t = {
      lines: [
        { kind: 'input' as const, text: 'A # ip route' },
        { kind: 'output' as const, text: 'default via 192.168.0.1 dev eth0' },
      ],
      history: ['ip route'],
    };
    saveTerminal('flannel-host-gw', t);
    expect(loadTerminal('flannel-host-gw')).toEqual(t);
    expect(loadTerminal('docker-bridge')).toEqual({ lines: [], history: [] });
  });

  it('keeps the newest text within the bound', () => {
    const big = 'x'.repeat(MAX_CHARS / 2);
    const lines = [1, 2, 3].map((i) => ({ kind: 'output' as const, text: `${i}${big}` }));
    const out = boundTerminal({ lines, history: ['a'] });
    const chars = out.lines.reduce((n, l) => n + l.text.length, 0) + 1;
    expect(chars).toBe(MAX_CHARS);
    expect(out.lines.at(-1)!.text).toBe(`3${big}`);
    expect(out.lines[0]!.text.startsWith('2')).toBe(false);
  });

  it('ignores what does not look like a saved terminal', () => {
    store.setItem(
      'packet-journey:terminal:s',
      '{"lines":[{"kind":"evil","text":1},{"kind":"note","text":"ok"}],"history":[3,"ip a"]}',
    );
    expect(loadTerminal('s')).toEqual({ lines: [{ kind: 'note', text: 'ok' }], history: ['ip a'] });
    store.setItem('packet-journey:terminal:t', 'not json');
    expect(loadTerminal('t')).toEqual({ lines: [], history: [] });
  });
});
