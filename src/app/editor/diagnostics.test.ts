import { describe, expect, it } from 'vitest';
import { parseErrorPlace, rangeOf } from './diagnostics';

describe('ScenarioError places', () => {
  it('reads FILE:LINE PATH: MESSAGE', () => {
    expect(parseErrorPlace('edited.yaml:14 machines.node1.setup[3]: expected a string')).toEqual({
      line: 14,
      col: null,
      message: 'machines.node1.setup[3]: expected a string',
    });
  });
  it('reads FILE:LINE:COL: MESSAGE', () => {
    expect(parseErrorPlace('edited.yaml:3:5: Nested mappings are not allowed')).toEqual({
      line: 3,
      col: 5,
      message: 'Nested mappings are not allowed',
    });
  });
  it('reads FILE:LINE: MESSAGE and rejects other text', () => {
    expect(parseErrorPlace('edited.yaml:1: Excessive alias count')?.line).toBe(1);
    expect(parseErrorPlace('unknown scenario "x"')).toBeNull();
  });
  it('maps lines and columns to offsets', () => {
    expect(rangeOf('ab\ncdef\ng', 2, null)).toEqual({ from: 3, to: 7 });
    expect(rangeOf('ab\ncdef\ng', 2, 3)).toEqual({ from: 5, to: 7 });
    expect(rangeOf('ab', 9, null)).toEqual({ from: 2, to: 2 });
  });
});
