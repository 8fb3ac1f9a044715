import { describe, expect, it } from 'vitest';
import { asEngineError, bugReport, InternalError, UserError } from './errors';
import { CommandError } from '../kernel/errors';
import { ScenarioError } from '../scenario/errors';

describe('engine errors', () => {
  it('keeps a UserError as it is', () => {
    const e = new CommandError('RTNETLINK answers: File exists');
    expect(asEngineError(e, { scenario: 's', step: 'x' })).toBe(e);
    expect(new ScenarioError('x.yaml:3 id: bad')).toBeInstanceOf(UserError);
  });

  it('wraps anything else as an InternalError with the scenario and step', () => {
    let raw: unknown;
    try {
      (undefined as unknown as { addrs: number[] }).addrs.push(1);
    } catch (e) {
      raw = e;
    }
    const e = asEngineError(raw, { scenario: 'flannel-vxlan', flow: 'f', step: 'event 9' });
    expect(e).toBeInstanceOf(InternalError);
    expect(e.category).toBe('internal');
    expect(e.message).toMatch(/^internal error: TypeError: Cannot read properties of undefined/);
    const report = bugReport(e as InternalError, { link: 'https://x/#v1=abc' });
    expect(report.split('\n').slice(0, 6)).toEqual(
      [
        'Packet Journey internal error',
        e.message,
        'scenario: flannel-vxlan',
        'flow: f',
        'step: event 9',
        'link: https://x/#v1=abc',
      ].map((l, i) => (i === 1 ? `message: ${l}` : l)),
    );
  });
});
