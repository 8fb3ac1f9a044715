import { describe, expect, it } from 'vitest';
import type { Layer } from '../../engine/net/layers';
import { diffFrames } from './compare';

const v6 = (flow: number): Layer[] => [
  { proto: 'ipv6', src: '2001:db8::1', dst: '2001:db8::2', hlim: 64, next: 6, tc: 0, flow },
  { proto: 'tcp', sport: 40000, dport: 80, flags: 'S', seq: 1, ack: 0, window: 64240 },
];

describe('diffFrames: IPv6 flow labels', () => {
  it("ignores the label's value, which the kernel draws at random", () => {
    expect(diffFrames(v6(0x5418e), v6(0x0c7ee2))).toBeUndefined();
  });

  it('tells a labelled packet from an unlabelled one (auto_flowlabels vs NDP)', () => {
    expect(diffFrames(v6(0), v6(0x123))).toBe('ipv6.flow: kernel 0, trace "auto"');
    expect(diffFrames(v6(0x123), v6(0))).toBe('ipv6.flow: kernel "auto", trace 0');
  });
});
