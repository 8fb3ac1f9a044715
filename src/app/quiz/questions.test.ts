import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, traceFlow } from '../../engine';
import {
  formatAnswers,
  parseAnswers,
  questionAt,
  questionsFor,
  QUESTION_KINDS,
  score,
  type Question,
} from './questions';

function trace(file: string, flow: string) {
  const text = readFileSync(path.resolve(import.meta.dirname, '../../../scenarios', `${file}.yaml`), 'utf8');
  return traceFlow(loadScenario(text, `scenarios/${file}.yaml`), flow);
}

const vxlan = trace('flannel-vxlan', 'pod-a-ping-pod-b');
const qs = questionsFor(vxlan);

function right(q: Question): string {
  return q.choices[q.answer]!.value;
}

describe('predict-the-next-hop questions', () => {
  it('asks at least five kinds of question on flannel-vxlan', () => {
    const kinds = new Set(qs.map((q) => q.kind));
    expect(kinds.size).toBeGreaterThanOrEqual(5);
    for (const k of kinds) expect(QUESTION_KINDS).toContain(k);
  });

  it('is deterministic', () => {
    expect(questionsFor(vxlan)).toEqual(qs);
  });

  it('every answer is what the Trace shows at that step', () => {
    for (const q of qs) {
      const ev = vxlan.events[q.step]!;
      expect(q.answer).toBeGreaterThanOrEqual(0);
      expect(q.answer).toBeLessThan(q.choices.length);
      expect(new Set(q.choices.map((c) => c.value)).size).toBe(q.choices.length);
      expect(q.choices.length).toBeGreaterThanOrEqual(2);
      switch (q.kind) {
        case 'interface':
          expect(right(q)).toBe(ev.interface);
          break;
        case 'netns':
          expect(right(q)).toBe(ev.netns);
          break;
        case 'dst-mac':
          expect(ev.packet?.[0]).toMatchObject({ proto: 'eth', dst: right(q) });
          break;
        case 'rule':
          expect(right(q)).toBe(ev.decidedBy?.row);
          break;
        case 'encap':
          expect(ev.kind).toBe('encap');
          expect(right(q)).toBe('yes');
          break;
        case 'nat':
          expect(['nat', 'forward']).toContain(ev.kind);
          break;
      }
    }
  });

  it('the VXLAN step is an encapsulation question, and the FDB row that chose the VTEP is a choice somewhere', () => {
    const encap = vxlan.events.find((e) => e.kind === 'encap')!;
    expect(questionAt(qs, encap.step)?.kind).toBe('encap');
    // A router never changes the source address: forward steps answer "no".
    const fwd = qs.find((q) => q.kind === 'nat' && vxlan.events[q.step]!.kind === 'forward');
    if (fwd) expect(right(fwd)).toBe('no');
  });

  it('asks whether SNAT changes the source on pod-to-internet', () => {
    const t = trace('pod-to-internet', 'pod-to-web');
    const nat = questionsFor(t).filter((q) => q.kind === 'nat' && t.events[q.step]!.kind === 'nat');
    expect(nat.length).toBeGreaterThan(0);
    expect(nat.some((q) => right(q) === 'yes')).toBe(true);
  });

  it('choices come from the scenario', () => {
    const ifaces = new Set(vxlan.topology.netns.flatMap((n) => n.interfaces.map((i) => i.name)));
    const netns = new Set(vxlan.topology.netns.map((n) => n.name));
    for (const q of qs) {
      if (q.kind === 'interface') for (const c of q.choices) expect(ifaces.has(c.value)).toBe(true);
      if (q.kind === 'netns') for (const c of q.choices) expect(netns.has(c.value)).toBe(true);
    }
  });

  it('scores answers and round-trips them through the URL', () => {
    const answers: Record<number, number> = {};
    answers[qs[0]!.step] = qs[0]!.answer;
    answers[qs[1]!.step] = (qs[1]!.answer + 1) % qs[1]!.choices.length;
    expect(score(qs, answers)).toEqual({ answered: 2, correct: 1, total: qs.length });
    expect(parseAnswers(formatAnswers(answers))).toEqual(answers);
    expect(parseAnswers('x,3.1,bad')).toEqual({ 3: 1 });
  });
});
