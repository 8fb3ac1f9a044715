/**
 * Edits too large for a link are never written to the address bar: it names a local draft instead,
 * which a reload decodes back to the same edits; the drafts kept are bounded.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_DRAFTS, saveDraft } from './draft';
import { decodeEdits, MAX_ENCODED } from './link';
import { shareUi } from './uiStore';
import { hashFits, searchAndHash } from './urlSync';
import { emptyLinkState } from './link';

class MemoryStorage {
  private m = new Map<string, string>();
  quota = Infinity;
  get length() {
    return this.m.size;
  }
  key(i: number) {
    return [...this.m.keys()][i] ?? null;
  }
  getItem(k: string) {
    return this.m.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    const used = [...this.m].reduce((n, [key, val]) => n + (key === k ? 0 : val.length), 0);
    if (used + v.length > this.quota) throw new DOMException('quota exceeded', 'QuotaExceededError');
    this.m.set(k, v);
  }
  removeItem(k: string) {
    this.m.delete(k);
  }
}

let store: MemoryStorage;
beforeEach(() => {
  store = new MemoryStorage();
  (globalThis as { localStorage?: unknown }).localStorage = store;
  shareUi.setState({ linkOverflow: null, draftRestored: null });
});

/** Text that deflate cannot shrink much: random hex, `n` characters. */
function noise(n: number, seed = 1): string {
  let x = seed;
  let out = '';
  while (out.length < n) {
    x = (x * 1103515245 + 12345) >>> 0;
    out += (x >>> 8).toString(16);
  }
  return `# ${out.slice(0, n)}\n`;
}

describe('edits too large for a link', () => {
  it('the address bar names a draft, the page says so, and the hash decodes to the same edits', async () => {
    const state = { ...emptyLinkState, scenario: 'flannel-host-gw', yaml: noise(120_000), execs: [] };
    const tail = await searchAndHash('', state);
    const hash = tail.slice(tail.indexOf('#'));
    expect(hash).toMatch(/^#draft=[0-9a-f]{12}$/);
    const overflow = shareUi.getState().linkOverflow;
    expect(overflow?.error).toBeNull();
    expect(overflow!.length).toBeGreaterThan(MAX_ENCODED);
    const back = await decodeEdits(hash);
    expect(back).toEqual({ ok: true, value: { yaml: state.yaml, execs: [] } });
    expect(shareUi.getState().draftRestored?.savedAt).toBeGreaterThan(0);
  });

  it('edits that fit again go back into the link and the draft is removed', async () => {
    const big = { ...emptyLinkState, yaml: noise(120_000, 2), execs: [] };
    await searchAndHash('', big);
    expect(store.length).toBe(1);
    const small = { ...emptyLinkState, yaml: 'id: x\n', execs: [] };
    const tail = await searchAndHash('', small);
    expect(tail).toMatch(/#v1=/);
    expect(hashFits(tail.slice(tail.indexOf('#') + 1))).toBe(true);
    expect(store.length).toBe(0);
    expect(shareUi.getState().linkOverflow).toBeNull();
  });

  it('a full storage is reported, never thrown; old drafts are evicted to bound it', () => {
    for (let i = 0; i < MAX_DRAFTS + 2; i++) {
      store.setItem(`packet-journey:draft:${String(i).padStart(8, '0')}`, `{"savedAt":${i}}`);
    }
    expect(saveDraft({ yaml: 'id: a\n', execs: [] }).ok).toBe(true);
    expect(store.length).toBe(MAX_DRAFTS);
    store.quota = 10;
    const r = saveDraft({ yaml: noise(1000), execs: [] });
    expect(r).toMatchObject({ ok: false, error: 'quota exceeded' });
  });

  it('a draft this browser does not have is a clear link error', async () => {
    const r = await decodeEdits('#draft=0123456789ab');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/local draft \(0123456789ab\) that this browser does not have/);
  });
});
