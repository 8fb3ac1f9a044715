import { describe, expect, it } from 'vitest';
import type { Layer } from '../../engine/net/layers';
import { diffFrames, noise } from './compare';

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

describe('noise: IGMP reports, multicast not being modelled', () => {
  const eth = (src: string, dst: string): Layer => ({ proto: 'eth', src, dst, type: 0x0800 });
  const igmp: Layer = {
    proto: 'ipv4',
    src: '0.0.0.0',
    dst: '224.0.0.22',
    ttl: 1,
    protocol: 2,
    id: 0,
    df: true,
    tos: 0xc0,
  };
  it('leaves out a report sent on the wire', () => {
    expect(noise([eth('12:93:6c:83:9f:65', '01:00:5e:00:00:16'), igmp])).toMatch(/^IGMP/);
  });
  it("leaves out a report a bridge sends through its VXLAN port (weave's bridge, measured)", () => {
    const outer: Layer[] = [
      eth('b2:23:f3:e3:47:a1', '42:14:33:64:09:62'),
      {
        proto: 'ipv4',
        src: '192.168.56.101',
        dst: '192.168.56.102',
        ttl: 64,
        protocol: 17,
        id: 1,
        df: false,
        tos: 0,
      },
      { proto: 'udp', sport: 52446, dport: 6784 },
      { proto: 'vxlan', vni: 1 },
    ];
    expect(noise([...outer, eth('12:93:6c:83:9f:65', '01:00:5e:00:00:16'), igmp])).toMatch(/^IGMP/);
  });
});
