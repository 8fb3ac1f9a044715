import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';

// Property runs and tshark take seconds each; on a busy 2-core machine, several times the 5 s default.
vi.setConfig({ testTimeout: 60_000 });
import {
  decodeEdits,
  decodeLocation,
  deflate,
  emptyLinkState,
  encodeEdits,
  encodeLocation,
  formatQuery,
  MAX_DECODED,
  noControl,
  PANEL_IDS,
  parseQuery,
  toBase64Url,
  type LinkState,
} from './link';

const netnsArb = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._@/-]{0,20}$/);
const lineArb = fc.string({ minLength: 1, maxLength: 80 }).filter(noControl);
const execArb = fc.record({ netns: netnsArb, line: lineArb });
const yamlArb = fc.option(fc.string({ unit: 'grapheme', maxLength: 400 }), { nil: null });
const idArb = fc.option(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,30}$/), { nil: null });

const stateArb: fc.Arbitrary<LinkState> = fc.record({
  scenario: idArb,
  flow: idArb,
  step: fc.option(fc.nat({ max: 100000 }), { nil: null }),
  netns: fc.option(netnsArb, { nil: null }),
  hidden: fc.uniqueArray(fc.constantFrom(...PANEL_IDS)),
  lang: fc.option(fc.constantFrom('en', 'zh-CN'), { nil: null }),
  embed: fc.boolean(),
  panel: fc.option(fc.constantFrom(...PANEL_IDS), { nil: null }),
  yaml: yamlArb,
  execs: fc.array(execArb, { maxLength: 6 }),
});

async function hashOf(json: string): Promise<string> {
  return `v1=${toBase64Url(await deflate(new TextEncoder().encode(json)))}`;
}

describe('link round trip', () => {
  it('decode(encode(edits)) is the edits', async () => {
    await fc.assert(
      fc.asyncProperty(yamlArb, fc.array(execArb, { maxLength: 8 }), async (yaml, execs) => {
        const hash = await encodeEdits({ yaml, execs });
        expect(await decodeEdits(hash)).toEqual({ ok: true, value: { yaml, execs } });
      }),
      { numRuns: 150 },
    );
  });

  it('a whole location round-trips (the panel only matters in an embed)', async () => {
    await fc.assert(
      fc.asyncProperty(stateArb, async (state) => {
        const url = new URL(await encodeLocation('https://x.test/app/', state));
        const back = await decodeLocation(url.search, url.hash);
        expect(back.error).toBeNull();
        expect(back.state).toEqual({ ...state, panel: state.embed ? state.panel : null });
      }),
      { numRuns: 150 },
    );
  });

  it('the simple case has no hash and readable parameters', async () => {
    const link = await encodeLocation('/', {
      ...emptyLinkState,
      scenario: 'flannel-vxlan',
      flow: 'pod-a-ping-pod-b',
      step: 5,
      hidden: ['routes', 'fdb'],
    });
    expect(link).toBe('/?s=flannel-vxlan&f=pod-a-ping-pod-b&event=6&hide=routes,fdb');
  });

  it('keeps query parameters it does not own', () => {
    expect(formatQuery('?debug=1&step=3', { ...emptyLinkState, scenario: 'a' })).toBe('?debug=1&s=a');
  });
});

describe('link decoder on bad input', () => {
  it('any string gives a state or a clear error, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 300 }), async (s) => {
        const r = await decodeEdits(s);
        if (!r.ok) expect(r.error.length).toBeGreaterThan(5);
        const loc = await decodeLocation(s, s);
        expect(loc.state).toBeDefined();
      }),
      { numRuns: 300 },
    );
  });

  it('any base64url after v1= gives a state or a clear error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[A-Za-z0-9_-]{0,200}$/), async (s) => {
        const r = await decodeEdits(`v1=${s}`);
        expect(r.ok || r.error.length > 5).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('any deflated bytes give a state or a clear error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        const r = await decodeEdits(`v1=${toBase64Url(await deflate(bytes))}`);
        expect(r.ok || r.error.length > 5).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('a truncated link says so', async () => {
    const hash = await encodeEdits({ yaml: 'version: 1\n'.repeat(50) + 'x', execs: [] });
    const r = await decodeEdits(hash.slice(0, Math.floor(hash.length / 2)));
    expect(r).toEqual({ ok: false, error: expect.stringMatching(/truncated|damaged|JSON|base64url/) });
  });

  it('invalid UTF-8 is refused', async () => {
    const r = await decodeEdits(`v1=${toBase64Url(await deflate(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])))}`);
    expect(r).toEqual({ ok: false, error: expect.stringMatching(/UTF-8/) });
  });

  it('a zip bomb stops at the cap', async () => {
    const big = new Uint8Array(MAX_DECODED * 4).fill(0x20);
    const hash = `v1=${toBase64Url(await deflate(big))}`;
    expect(hash.length).toBeLessThan(64 * 1024);
    expect(await decodeEdits(hash)).toEqual({ ok: false, error: expect.stringMatching(/more than/) });
  });

  it('an over-long link is refused before decoding', async () => {
    expect(await decodeEdits(`v1=${'A'.repeat(70000)}`)).toEqual({
      ok: false,
      error: expect.stringMatching(/too long/),
    });
  });

  it('validates every field', async () => {
    const bad = await decodeEdits(await hashOf('{"execs":[{"netns":"<img src=x>","line":"ip route"}]}'));
    expect(bad).toEqual({ ok: false, error: expect.stringMatching(/execs\[0\]\.netns/) });
    const extra = await decodeEdits(await hashOf('{"yaml":"a","script":"alert(1)"}'));
    expect(extra.ok).toBe(false);
    const newer = await decodeEdits('v2=abc');
    expect(newer).toEqual({ ok: false, error: expect.stringMatching(/newer version/) });
  });

  it('the query drops invalid fields', () => {
    expect(parseQuery('?s=<script>&f=ok&step=-1&hide=routes,bogus&lang=en&ns=node/pod')).toEqual({
      scenario: null,
      flow: 'ok',
      step: null,
      netns: 'node/pod',
      hidden: ['routes'],
      lang: 'en',
      embed: false,
      panel: null,
    });
  });
});
