/** Mechanism questions: what they hold. Texts are message keys (texts.ts) with real values as args. */
import type { TextKey } from './texts';

export const MECHANISM_KINDS = [
  'drop',
  'encap',
  'snat',
  'dnat',
  'denat',
  'keep-src',
  'l2l3',
  'route',
] as const;
export type MechanismKind = (typeof MECHANISM_KINDS)[number];

/** A message: a key of texts.ts and its values. An arg that starts with "@" names another key. */
export interface Msg {
  key: TextKey;
  args: Record<string, string | number>;
}

export interface MChoice {
  /** Stable among the question's choices. */
  id: string;
  text: Msg;
  /** Why this choice is right or wrong, pointing at the row or header field that decides. */
  why: Msg;
}

export interface MQuestion {
  kind: MechanismKind;
  /** Asked before this event is revealed (the first event of the hop that holds the answer). */
  step: number;
  /** The event whose values decide the answer. */
  event: number;
  netns: string;
  prompt: Msg;
  choices: MChoice[];
  answer: number;
  /** The table row (or header field) that decides it, shown beside the explanation. */
  decided?: { table: string; netns: string; row: string };
}
