import { UserError } from '../../util/errors';

/** Every error a Calico controller raises for a bad configuration (the scenario names where it came from). */
export class CalicoError extends UserError {
  constructor(message: string) {
    super('scenario', message);
    this.name = 'CalicoError';
  }
}

/**
 * A datastore value decoded as the resource's JSON object, or a CalicoError naming the key (Calico's
 * own decoding fails the same way: the resource does not load and the component says which key).
 */
export function parseResource(key: string, value: string): Record<string, unknown> {
  let j: unknown;
  try {
    j = JSON.parse(value);
  } catch (e) {
    throw new CalicoError(`${key}: invalid JSON: ${(e as Error).message}`);
  }
  if (typeof j !== 'object' || j === null || Array.isArray(j))
    throw new CalicoError(
      `${key}: expected a JSON object, got ${Array.isArray(j) ? 'an array' : JSON.stringify(j)}`,
    );
  return j as Record<string, unknown>;
}

/** A field of a resource that must have one JSON type when present. */
export function field<T extends 'string' | 'number' | 'boolean'>(
  key: string,
  j: Record<string, unknown>,
  name: string,
  type: T,
): (T extends 'string' ? string : T extends 'number' ? number : boolean) | undefined {
  const v = j[name];
  if (v === undefined) return undefined;
  if (typeof v !== type) throw new CalicoError(`${key}: ${name} must be a ${type}, got ${JSON.stringify(v)}`);
  return v as never;
}
