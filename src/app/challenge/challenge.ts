/**
 * A troubleshooting challenge: a broken world (a scenario, its faults in its setup or in the goal
 * flow's `before`), the flow that must be delivered, hints that unlock one by one, and a reference
 * fix. Written in YAML (scenarios/challenges/*.yaml); pure: parsing, checking, and whether a Trace
 * solves it. The engine decides: a challenge is solved when the goal flow's Trace says delivered.
 */
import { parse } from 'yaml';
import type { Exec, Trace } from '../types';

export interface Localized {
  en: string;
  zh: string;
}

export interface Challenge {
  id: string;
  /** The catalog scenario the challenge breaks (a lesson can offer it as its checkpoint). */
  lesson?: string;
  title: Localized;
  story: Localized;
  goal: Localized;
  /** The flow that must be delivered. */
  flow: string;
  hints: Localized[];
  fix: Exec[];
  wrongFix: Exec[];
  /** The broken world: a scenario, as the editor and the engine take it. */
  scenario: string;
}

export class ChallengeError extends Error {}

const ID_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;

function fail(file: string, where: string, message: string): never {
  throw new ChallengeError(`${file} ${where}: ${message}`);
}

function text(file: string, where: string, v: unknown): string {
  if (typeof v !== 'string' || v.trim() === '') fail(file, where, 'expected text');
  return v.trim();
}

function localized(file: string, where: string, v: unknown): Localized {
  if (typeof v !== 'object' || v === null) fail(file, where, 'expected {en, zh}');
  const o = v as Record<string, unknown>;
  return { en: text(file, `${where}.en`, o.en), zh: text(file, `${where}.zh`, o.zh) };
}

/** "NETNS: COMMAND", as a flow's `before` and the CLI's --exec write it. */
export function parseExec(file: string, where: string, v: unknown): Exec {
  const m = /^([^:\s]+):\s*(\S.*)$/.exec(text(file, where, v));
  if (!m)
    fail(file, where, 'expected "NETNS: COMMAND", like "A: ip route add 10.1.16.0/24 via 192.168.0.200"');
  return { netns: m[1]!, line: m[2]! };
}

function list<T>(file: string, where: string, v: unknown, item: (w: string, x: unknown) => T): T[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) fail(file, where, 'expected a list');
  return v.map((x, i) => item(`${where}[${i}]`, x));
}

const KEYS = new Set([
  'challenge',
  'id',
  'lesson',
  'title',
  'story',
  'goal',
  'flow',
  'hints',
  'fix',
  'wrongFix',
  'scenario',
]);

/** Reads a challenge file; a mistake is a ChallengeError naming the file and the field. */
export function parseChallenge(source: string, file: string): Challenge {
  let doc: unknown;
  try {
    doc = parse(source);
  } catch (e) {
    fail(file, '(YAML)', e instanceof Error ? e.message.split('\n')[0]! : String(e));
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    fail(file, '(top)', 'expected a mapping');
  const o = doc as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KEYS.has(k)) fail(file, k, `unknown key "${k}"`);
  if (o.challenge !== 1) fail(file, 'challenge', 'expected 1 (the challenge format version)');
  const id = text(file, 'id', o.id);
  if (!ID_RE.test(id)) fail(file, 'id', 'use lower-case letters, digits and "-"');
  const hints = list(file, 'hints', o.hints, (w, x) => localized(file, w, x));
  if (hints.length === 0) fail(file, 'hints', 'give at least one hint');
  return {
    id,
    ...(o.lesson !== undefined ? { lesson: text(file, 'lesson', o.lesson) } : {}),
    title: localized(file, 'title', o.title),
    story: localized(file, 'story', o.story),
    goal: localized(file, 'goal', o.goal),
    flow: text(file, 'flow', o.flow),
    hints,
    fix: list(file, 'fix', o.fix, (w, x) => parseExec(file, w, x)),
    wrongFix: list(file, 'wrongFix', o.wrongFix, (w, x) => parseExec(file, w, x)),
    scenario: text(file, 'scenario', o.scenario) + '\n',
  };
}

/**
 * Solved: the goal flow, traced in the challenge's own world with the learner's changes, was
 * delivered. The engine decides; what was typed only matters through the world it changed.
 */
export function isSolved(
  c: Challenge,
  trace: Trace | null,
  world: { text: string | null; execs: Exec[] },
): boolean {
  return (
    trace !== null &&
    world.text === c.scenario &&
    world.execs.length > 0 &&
    trace.flow === c.flow &&
    trace.verdict === 'delivered'
  );
}
