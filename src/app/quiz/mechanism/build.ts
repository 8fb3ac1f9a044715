/** Helpers shared by the question builders: choices in a deterministic order, messages. */
import type { TextKey } from './texts';
import type { MChoice, Msg } from './types';
import { hash } from './world';

export const MAX_CHOICES = 4;

export const msg = (key: TextKey, args: Msg['args'] = {}): Msg => ({ key, args });

/**
 * The right choice and up to three distractors (unique ids, first come first kept), with the
 * right one placed at a position that depends on the seed; null when nothing plausible is left.
 */
export function arrange(
  right: MChoice,
  pool: MChoice[],
  seed: string,
): { choices: MChoice[]; answer: number } | null {
  const others: MChoice[] = [];
  for (const c of pool) {
    if (others.length >= MAX_CHOICES - 1) break;
    if (c.id !== right.id && !others.some((o) => o.id === c.id)) others.push(c);
  }
  if (others.length === 0) return null;
  const answer = hash(seed) % (others.length + 1);
  const choices = [...others];
  choices.splice(answer, 0, right);
  return { choices, answer };
}
