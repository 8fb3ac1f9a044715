import { describe, expect, it } from 'vitest';
import { decodePoll, encodePoll } from './code';

const catalog = [
  { id: 'a', flows: [{ id: 'x' }] },
  { id: 'b', flows: [{ id: 'y' }, { id: 'z' }] },
];

describe('poll codes', () => {
  it('round-trip scenario, flow and step in a few characters', () => {
    const code = encodePoll(catalog, { scenario: 'b', flow: 'z', step: 25 })!;
    expect(code).toBe('1.1.p');
    expect(decodePoll(catalog, code)).toEqual({ scenario: 'b', flow: 'z', step: 25 });
    expect(decodePoll(catalog, ' 1.1.P ')).toEqual({ scenario: 'b', flow: 'z', step: 25 });
  });
  it('refuse what the catalog does not have', () => {
    expect(encodePoll(catalog, { scenario: 'nope', flow: 'x', step: 1 })).toBeNull();
    expect(decodePoll(catalog, '9.0.1')).toBeNull();
    expect(decodePoll(catalog, '0.5.1')).toBeNull();
    expect(decodePoll(catalog, 'hello')).toBeNull();
  });
});
