/** A teacher's challenge travels whole in its link (`chy=`): what is decoded is what was written. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseChallenge } from './challenge';
import { decodeCustom, encodeCustom } from './run';
import { formatChallengeUrl, parseChallengeUrl } from './store';

const source = readFileSync(
  path.resolve(import.meta.dirname, '../../../scenarios/challenges/forward-drop.yaml'),
  'utf8',
);

describe("a teacher's challenge in a link", () => {
  it('round-trips through chy= and the query string', async () => {
    const param = await encodeCustom(source);
    expect(param).toMatch(/^[A-Za-z0-9_-]+$/);
    const search = formatChallengeUrl('?s=x', { id: 'custom', hints: 1, customParam: param });
    const back = parseChallengeUrl(search);
    expect(back).toEqual({ id: 'custom', hints: 1, customParam: param });
    const c = await decodeCustom(back.customParam!);
    expect(c).toEqual({ ...parseChallenge(source, 'x'), id: 'custom' });
  });

  it('only a custom challenge carries chy=, and a built-in one drops it', () => {
    expect(parseChallengeUrl('?ch=forward-drop&chy=abc').customParam).toBeNull();
    expect(
      formatChallengeUrl('?ch=custom&chy=abc', { id: 'forward-drop', hints: 0, customParam: 'abc' }),
    ).toBe('?ch=forward-drop');
  });

  it('a damaged or wrong chy= says what is wrong instead of throwing', async () => {
    expect(await decodeCustom('!!!')).toMatch(/damaged or too big/);
    const notAChallenge = await encodeCustom('hello: 1\n');
    expect(await decodeCustom(notAChallenge!)).toMatch(/the link's challenge hello: unknown key "hello"/);
  });
});
