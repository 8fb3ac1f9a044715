/** The built-in challenges (scenarios/challenges/*.yaml), loaded with the challenge UI. */
import { parseChallenge, type Challenge } from './challenge';

const files = import.meta.glob('/scenarios/challenges/*.yaml', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

/** Every challenge, in teaching order (the order of their lessons, then by id). */
export const CHALLENGES: readonly Challenge[] = Object.entries(files)
  .map(([path, text]) => parseChallenge(text, path.replace(/^\//, '')))
  .sort((a, b) => a.id.localeCompare(b.id));

export function challengeById(id: string | null): Challenge | undefined {
  return CHALLENGES.find((c) => c.id === id);
}
