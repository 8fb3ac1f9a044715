import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFlows, loadScenario, traceFlow } from '../../engine';
import { parseChallenge } from '../challenge/challenge';
import { mechanismQuestions } from '../quiz/mechanism';
import { LESSONS, quizPassed } from './lessons';
import { PATH } from './path';
import { LESSON_EN, LESSON_ZH } from './texts';
import { isFirstVisit, WELCOME_KEY } from './welcome';

const root = path.resolve(import.meta.dirname, '../../..');
const scenario = (id: string) =>
  loadScenario(readFileSync(path.join(root, 'scenarios', `${id}.yaml`), 'utf8'), `scenarios/${id}.yaml`);

describe('lessons', () => {
  it('one per step of the guided path, in its order', () => {
    expect(LESSONS.map((l) => l.scenario)).toEqual([...PATH]);
  });

  it.each(LESSONS.map((l) => [l.scenario, l] as const))(
    '%s: goal, two or three things to watch, real flows, a checkpoint',
    (_id, l) => {
      for (const t of [l.goal, ...l.watch]) {
        expect(t.en.trim()).not.toBe('');
        expect(t.zh).toMatch(/[\u4e00-\u9fff]/);
      }
      expect(l.watch.length).toBeGreaterThanOrEqual(2);
      expect(l.watch.length).toBeLessThanOrEqual(3);
      const s = scenario(l.scenario);
      const flows = listFlows(s).map((f) => f.id);
      for (const f of l.flows) expect(flows).toContain(f);
      if (l.checkpoint.kind === 'quiz') {
        expect(l.flows).toContain(l.checkpoint.flow);
        // A checkpoint worth the name: at least three questions.
        expect(mechanismQuestions(traceFlow(s, l.checkpoint.flow)).length).toBeGreaterThanOrEqual(3);
      } else {
        const file = path.join(root, 'scenarios', 'challenges', `${l.checkpoint.id}.yaml`);
        expect(parseChallenge(readFileSync(file, 'utf8'), file).id).toBe(l.checkpoint.id);
      }
    },
  );

  it('a checkpoint quiz passes with every question answered and 60% right', () => {
    expect(quizPassed({ answered: 5, correct: 3, total: 5 })).toBe(true);
    expect(quizPassed({ answered: 5, correct: 2, total: 5 })).toBe(false);
    expect(quizPassed({ answered: 4, correct: 4, total: 5 })).toBe(false);
    expect(quizPassed({ answered: 0, correct: 0, total: 0 })).toBe(false);
  });

  it('has the card in both languages with the same placeholders', () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const k of Object.keys(LESSON_EN) as (keyof typeof LESSON_EN)[])
      expect(names(LESSON_ZH[k]), k).toEqual(names(LESSON_EN[k]));
  });

  it('a first visit is a bare link on a device with nothing remembered', () => {
    const empty = { getItem: () => null };
    expect(isFirstVisit('', '', empty)).toBe(true);
    expect(isFirstVisit('?s=veth-pair', '', empty)).toBe(false);
    expect(isFirstVisit('', '#v1=abc', empty)).toBe(false);
    expect(isFirstVisit('', '', { getItem: (k) => (k === WELCOME_KEY ? '1' : null) })).toBe(false);
  });
});
