/**
 * Every challenge is a real broken world that a real command fixes: the goal flow is not delivered
 * as the world is built, is delivered after the reference fix (the command the notes or the tools'
 * documentation give), and a plausible wrong fix leaves it broken. The engine decides each.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFlows, loadScenario, traceFlow } from '../../engine';
import { ChallengeError, isSolved, parseChallenge } from './challenge';

const dir = path.resolve(import.meta.dirname, '../../../scenarios/challenges');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

describe('challenges', () => {
  it('there are at least four', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it.each(files)('%s: broken, fixed by its fix, not by a wrong one', (file) => {
    const c = parseChallenge(readFileSync(path.join(dir, file), 'utf8'), file);
    expect(`${c.id}.yaml`).toBe(file);
    // The faults are in the world's setup, not a flow's `before`: the terminal and the trace share one world.
    expect(c.scenario).not.toMatch(/^\s+before:/m);
    const s = loadScenario(c.scenario, `challenge-${c.id}`);
    expect(listFlows(s).map((f) => f.id)).toContain(c.flow);
    const broken = traceFlow(s, c.flow);
    expect(broken.verdict).not.toBe('delivered');
    expect(c.fix.length).toBeGreaterThan(0);
    const fixed = traceFlow(s, c.flow, { exec: c.fix });
    expect(fixed.verdict).toBe('delivered');
    expect(isSolved(c, fixed, { text: c.scenario, execs: c.fix })).toBe(true);
    expect(isSolved(c, broken, { text: c.scenario, execs: [] })).toBe(false);
    expect(c.wrongFix.length).toBeGreaterThan(0);
    const wrong = traceFlow(s, c.flow, { exec: c.wrongFix });
    expect(wrong.verdict).not.toBe('delivered');
    // An edited world is not the challenge's: solving it there proves nothing.
    expect(isSolved(c, fixed, { text: `${c.scenario}# edited\n`, execs: c.fix })).toBe(false);
    expect(c.hints.length).toBeGreaterThanOrEqual(2);
  });

  it('names the file and the field of a mistake', () => {
    const ok = readFileSync(path.join(dir, files[0]!), 'utf8');
    const err = (t: string) => {
      try {
        parseChallenge(t, 'x.yaml');
      } catch (e) {
        expect(e).toBeInstanceOf(ChallengeError);
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(err(ok.replace(/^challenge: 1$/m, 'challenge: 2'))).toBe(
      'x.yaml challenge: expected 1 (the challenge format version)',
    );
    expect(err(ok.replace(/^hints:/m, 'hintz:'))).toBe('x.yaml hintz: unknown key "hintz"');
    expect(err(`${ok}\nfix: [nope]\n`)).toMatch(/^x\.yaml (\(YAML\)|fix\[0\]): /);
    expect(err('- a\n- b\n')).toBe('x.yaml (top): expected a mapping');
  });
});
