import { describe, expect, it } from 'vitest';
import { formatUrl, parseUrl } from './url';

describe('url selection', () => {
  it('round-trips scenario, flow and step', () => {
    const s = formatUrl('', { scenario: 'flannel-host-gw', flow: 'pod1-ping-pod3', step: 7 });
    expect(s).toBe('?s=flannel-host-gw&f=pod1-ping-pod3&step=7');
    expect(parseUrl(s)).toEqual({ scenario: 'flannel-host-gw', flow: 'pod1-ping-pod3', step: 7 });
  });
  it('keeps other parameters and drops empty ones', () => {
    expect(formatUrl('?lang=en&step=3', { scenario: 'a', flow: null, step: null })).toBe('?lang=en&s=a');
  });
  it('ignores a malformed step', () => {
    expect(parseUrl('?step=abc').step).toBeNull();
  });
});
