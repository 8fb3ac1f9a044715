import { describe, expect, it } from 'vitest';
import type { Layer } from '../../engine/net/layers';
import { nestLayers, packetBlocks } from './stack';

const eth = (src = '02:00:00:00:00:01', dst = '02:00:00:00:00:02'): Layer => ({
  proto: 'eth',
  src,
  dst,
  type: 0x0800,
});
const ip = (src: string, dst: string, protocol = 1, ttl = 64): Layer =>
  ({ proto: 'ipv4', src, dst, ttl, protocol }) as Layer;
const icmp: Layer = { proto: 'icmp', type: 8, code: 0 } as Layer;
const udp = (sport: number, dport: number): Layer => ({ proto: 'udp', sport, dport }) as Layer;
const vxlan: Layer = { proto: 'vxlan', vni: 1 } as Layer;

describe('nestLayers', () => {
  it('splits a VXLAN frame after the VXLAN header', () => {
    const l = [
      eth(),
      ip('192.168.0.1', '192.168.0.2', 17),
      udp(40000, 8472),
      vxlan,
      eth(),
      ip('10.244.0.2', '10.244.1.2'),
      icmp,
    ];
    expect(nestLayers(l)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6],
    ]);
  });
  it('splits IPIP at the inner IPv4 header', () => {
    expect(
      nestLayers([eth(), ip('192.168.0.1', '192.168.0.2', 4), ip('10.0.0.1', '10.0.1.1'), icmp]),
    ).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });
  it("splits flannel's UDP backend at the IPv4 header inside UDP", () => {
    expect(
      nestLayers([
        eth(),
        ip('192.168.0.1', '192.168.0.2', 17),
        udp(8285, 8285),
        ip('10.1.15.2', '10.1.20.3'),
        icmp,
      ]),
    ).toEqual([
      [0, 1, 2],
      [3, 4],
    ]);
  });
  it('keeps a plain packet on one level', () => {
    expect(nestLayers([eth(), ip('10.0.0.1', '10.0.0.2', 17), udp(5353, 53)])).toEqual([[0, 1, 2]]);
  });
});

describe('packetBlocks', () => {
  it('shows an IPv6 header with its hop limit and a solicitation with the address it asks for', () => {
    const before: Layer[] = [
      { proto: 'ipv6', src: 'fd00::2', dst: 'fd00::3', hlim: 64, next: 58, tc: 0, flow: 0 },
      { proto: 'icmpv6', type: 128, code: 0, id: 1, seq: 1 },
    ];
    const after: Layer[] = [{ ...before[0]!, hlim: 63 } as Layer, before[1]!];
    const ip = packetBlocks(after, before).flat()[0];
    expect(ip?.parts.map((p) => p.text)).toEqual(['fd00::2', '→', 'fd00::3', 'hlim', '63']);
    expect(ip?.parts[4]?.old).toBe('64');
    const ns: Layer[] = [
      { proto: 'ipv6', src: 'fd00::2', dst: 'ff02::1:ff00:3', hlim: 255, next: 58, tc: 0, flow: 0 },
      { proto: 'icmpv6', type: 135, code: 0, target: 'fd00::3' },
    ];
    const blocks = packetBlocks(ns).flat();
    expect(blocks[1]?.parts.map((p) => p.text)).toEqual(['who-has', 'fd00::3']);
  });

  it('keeps the old address of a DNAT rewrite', () => {
    const before = [
      ip('10.244.0.5', '10.96.0.10', 6),
      { proto: 'tcp', sport: 40000, dport: 80, flags: 'S' } as Layer,
    ];
    const after = [
      ip('10.244.0.5', '10.244.1.7', 6),
      { proto: 'tcp', sport: 40000, dport: 8080, flags: 'S' } as Layer,
    ];
    const [level] = packetBlocks(after, before);
    expect(level![0]!.parts).toContainEqual({ text: '10.244.1.7', old: '10.96.0.10' });
    expect(level![0]!.changed).toBe(true);
    expect(level![1]!.parts).toContainEqual({ text: '8080', old: '80' });
  });
  it('marks the outer layers added at encapsulation, and not the inner ones', () => {
    const inner = [eth(), ip('10.244.0.2', '10.244.1.2'), icmp];
    const outer = [eth(), ip('192.168.0.1', '192.168.0.2', 17), udp(40000, 8472), vxlan, ...inner];
    const levels = packetBlocks(outer, inner);
    expect(levels[0]!.every((b) => b.changed)).toBe(true);
    expect(levels[1]!.some((b) => b.changed)).toBe(false);
  });
});
