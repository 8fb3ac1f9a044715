/**
 * "Predict the next hop": questions generated from a Trace, pure and deterministic (no React).
 * A question is asked before step `step` is revealed (while step - 1 is shown). Its choices are
 * drawn from the scenario itself: its interfaces, namespaces, MAC addresses and table rows.
 */
import { tableAt } from '../panels/trace-select';
import type { UiKey } from '../i18n/ui-en';
import type { Trace, TraceEvent } from '../types';

export const QUESTION_KINDS = ['interface', 'dst-mac', 'nat', 'rule', 'netns', 'encap'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

export interface Choice {
  /** The real value (an interface, a MAC, a table row), or 'yes' / 'no'. */
  value: string;
  /** A UI string to show instead of the value (yes/no). */
  label?: UiKey;
}

export interface Question {
  /** The step revealed once the question is answered. */
  step: number;
  kind: QuestionKind;
  prompt: UiKey;
  args: Record<string, string>;
  choices: Choice[];
  /** Index of the right choice. */
  answer: number;
}

const MAX_CHOICES = 4;
const YES: Choice = { value: 'yes', label: 'quiz.yes' };
const NO: Choice = { value: 'no', label: 'quiz.no' };
const QUESTION_TABLES = new Set(['routes', 'neigh', 'fdb', 'iptables']);
const SRC_CHANGES = new Set(['nat.snat', 'nat.undo-dnat', 'ipvs.unnat']);

/** A small deterministic hash: the same trace and step always give the same order of choices. */
function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** The right answer plus distractors (unique, in the order given), placed at a position that depends on the seed. */
function withDistractors(
  right: Choice,
  pool: Choice[],
  seed: string,
): { choices: Choice[]; answer: number } | null {
  const others: Choice[] = [];
  for (const c of pool) {
    if (others.length >= MAX_CHOICES - 1) break;
    if (c.value !== right.value && !others.some((o) => o.value === c.value)) others.push(c);
  }
  if (others.length === 0) return null;
  const answer = hash(seed) % (others.length + 1);
  const choices = [...others];
  choices.splice(answer, 0, right);
  return { choices, answer };
}

/** Rotates a list by a seed so distractors differ from question to question. */
function rotate<T>(list: T[], seed: string): T[] {
  if (list.length === 0) return list;
  const k = hash(seed) % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

/** The previous event of the same packet (or simply the previous event). */
function previousOf(trace: Trace, ev: TraceEvent): TraceEvent | undefined {
  for (let i = ev.step - 1; i >= 0; i--) {
    const p = trace.events[i]!;
    if (ev.packetId === undefined || p.packetId === ev.packetId) return p;
  }
  return undefined;
}

function interfacesOf(trace: Trace, netns?: string): string[] {
  return trace.topology.netns
    .filter((n) => netns === undefined || n.name === netns)
    .flatMap((n) => n.interfaces.filter((i) => i.name !== 'lo').map((i) => i.name));
}

function macsOf(trace: Trace): string[] {
  return trace.topology.netns.flatMap((n) =>
    n.interfaces.filter((i) => i.name !== 'lo' && i.mac).map((i) => i.mac),
  );
}

const yesNo = (yes: boolean, seed: string): { choices: Choice[]; answer: number } =>
  hash(seed) % 2 === 0
    ? { choices: [YES, NO], answer: yes ? 0 : 1 }
    : { choices: [NO, YES], answer: yes ? 1 : 0 };

type Build = Omit<Question, 'step' | 'kind'>;

const builders: Record<QuestionKind, (trace: Trace, ev: TraceEvent, seed: string) => Build | null> = {
  encap: (_trace, ev, seed) =>
    ev.kind === 'encap' ? { prompt: 'quiz.q.encap', args: {}, ...yesNo(true, seed) } : null,

  nat: (_trace, ev, seed) => {
    if (ev.kind === 'nat') {
      return { prompt: 'quiz.q.nat', args: {}, ...yesNo(SRC_CHANGES.has(ev.explain.code), seed) };
    }
    // A router forwards without touching the source address: the classic misconception.
    if (ev.kind === 'forward') return { prompt: 'quiz.q.nat', args: {}, ...yesNo(false, seed) };
    return null;
  },

  rule: (trace, ev, seed) => {
    const d = ev.decidedBy;
    if (!d || !QUESTION_TABLES.has(d.table)) return null;
    const snap = tableAt(trace, d.netns, d.table, ev.step);
    if (!snap || !snap.rows.includes(d.row)) return null;
    // Rows of the same kind first (main-table routes before local/broadcast ones), then the others.
    const rows = snap.rows.filter((r) => r !== d.row && !r.startsWith('*') && r !== 'COMMIT');
    const special = (r: string) => /^(local|broadcast) /.test(r);
    rows.sort((a, b) => Number(special(a)) - Number(special(b)));
    const built = withDistractors(
      { value: d.row },
      [
        ...rotate(
          rows.filter((r) => !special(r)),
          seed,
        ),
        ...rows.filter(special),
      ].map((value) => ({ value })),
      seed,
    );
    return built ? { prompt: 'quiz.q.rule', args: { table: d.table, netns: d.netns }, ...built } : null;
  },

  netns: (trace, ev, seed) => {
    if (ev.kind !== 'rx') return null;
    const prev = previousOf(trace, ev);
    if (!prev || prev.netns === ev.netns) return null;
    const pool = trace.topology.netns.map((n) => n.name).filter((n) => n !== prev.netns);
    const built = withDistractors(
      { value: ev.netns },
      rotate(pool, seed).map((value) => ({ value })),
      seed,
    );
    return built ? { prompt: 'quiz.q.netns', args: {}, ...built } : null;
  },

  'dst-mac': (trace, ev, seed) => {
    if (ev.kind !== 'tx' || !ev.interface) return null;
    const eth = ev.packet?.[0];
    if (!eth || eth.proto !== 'eth') return null;
    const pool = [eth.src, ...rotate(macsOf(trace), seed), 'ff:ff:ff:ff:ff:ff'].map((value) => ({ value }));
    const built = withDistractors({ value: eth.dst }, pool, seed);
    return built ? { prompt: 'quiz.q.dst-mac', args: { dev: ev.interface }, ...built } : null;
  },

  interface: (trace, ev, seed) => {
    if ((ev.kind !== 'rx' && ev.kind !== 'tx') || !ev.interface) return null;
    const prev = previousOf(trace, ev);
    if (!prev || prev.interface === ev.interface) return null;
    const near = interfacesOf(trace, ev.netns);
    const far = interfacesOf(trace).filter((i) => !near.includes(i));
    const built = withDistractors(
      { value: ev.interface },
      [...rotate(near, seed), ...rotate(far, seed)].map((value) => ({ value })),
      seed,
    );
    return built ? { prompt: 'quiz.q.interface', args: {}, ...built } : null;
  },
};

/** The order in which kinds are tried for one step; rotated so that every kind gets its turn. */
/** Steps between two ordinary questions. */
const GAP = 3;

const PRIORITY: QuestionKind[] = ['encap', 'nat', 'rule', 'netns', 'dst-mac', 'interface'];

/**
 * The questions of a trace, by step. Control-plane and bookkeeping steps (ARP replies, learning,
 * conntrack confirmations) get none; at most one question per step, and ordinary ones at least GAP steps
 * apart, so the learner watches as much as they predict.
 */
export function questionsFor(trace: Trace): Question[] {
  const out: Question[] = [];
  const used = new Map<QuestionKind, number>();
  let last = -10;
  for (const ev of trace.events) {
    if (ev.step === 0 || ev.kind === 'control' || ev.kind === 'userspace' || ev.kind === 'command') continue;
    // Encapsulation, NAT and forwarding are the point of their steps: always asked. Others leave a gap.
    const key = ev.kind === 'encap' || ev.kind === 'nat' || ev.kind === 'forward';
    if (!key && ev.step - last < GAP) continue;
    const seed = `${trace.scenario}/${trace.flow}/${ev.step}`;
    // Rarely used kinds first, then the fixed priority: the quiz mixes its kinds.
    const order = [...PRIORITY].sort(
      (a, b) => (used.get(a) ?? 0) - (used.get(b) ?? 0) || PRIORITY.indexOf(a) - PRIORITY.indexOf(b),
    );
    for (const kind of ['encap', 'nat', ...order] as QuestionKind[]) {
      if ((kind === 'nat' && ev.kind === 'forward' && (used.get('nat') ?? 0) > 1) || !builders[kind])
        continue;
      const b = builders[kind](trace, ev, seed);
      if (!b) continue;
      out.push({ step: ev.step, kind, ...b });
      used.set(kind, (used.get(kind) ?? 0) + 1);
      last = ev.step;
      break;
    }
  }
  return out;
}

/** The question asked before `step` is revealed, if any. */
export function questionAt(questions: Question[], step: number): Question | undefined {
  return questions.find((q) => q.step === step);
}

export interface QuizScore {
  answered: number;
  correct: number;
  total: number;
}

export function score(questions: Question[], answers: Record<number, number>): QuizScore {
  let answered = 0;
  let correct = 0;
  for (const q of questions) {
    const a = answers[q.step];
    if (a === undefined) continue;
    answered++;
    if (a === q.answer) correct++;
  }
  return { answered, correct, total: questions.length };
}

export { formatAnswers, parseAnswers } from './answers';
