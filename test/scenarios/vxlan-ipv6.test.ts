/**
 * vxlan-ipv6: IPv6 inside VXLAN over an IPv4 underlay. The expected frames are what tcpdump
 * shows on each host's eth0 and vxlan0 for the same commands on this kernel (6.18), and
 * RFC 7348 / RFC 4861 for the headers.
 */
import { describe, expect, it } from 'vitest';
import type { Capture, Trace } from '../../src/engine';
import { trace } from '../helpers';

const ndp = (c: Capture, type: number): boolean =>
  c.layers.some((l) => l.proto === 'icmpv6' && l.type === type);

function at(t: Trace, netns: string, iface: string, dir: 'tx' | 'rx'): Capture[] {
  return t.captures.filter((c) => c.netns === netns && c.interface === iface && c.direction === dir);
}

describe('vxlan-ipv6: c1-ping6-c2', () => {
  const t = trace('vxlan-ipv6', 'c1-ping6-c2');

  it('is delivered with hop limit 64: one L2 segment, nothing routes', () => {
    expect(t.verdict).toBe('delivered');
    expect(t.output).toContain('64 bytes from fd00:10::3: icmp_seq=1 ttl=64');
  });

  it('carries the solicitation to the other host inside IPv4 and UDP 4789, by the all-zeros entry', () => {
    const out = at(t, 'host1', 'eth0', 'tx').find((c) => ndp(c, 135));
    expect(out?.layers.map((l) => l.proto)).toEqual(['eth', 'ipv4', 'udp', 'vxlan', 'eth', 'ipv6', 'icmpv6']);
    expect(out?.layers[1]).toMatchObject({ src: '192.168.1.11', dst: '192.168.1.12', protocol: 17 });
    expect(out?.layers[2]).toMatchObject({ dport: 4789 });
    expect(out?.layers[3]).toMatchObject({ vni: 42 });
    expect(out?.layers[4]).toMatchObject({ src: '02:00:00:00:10:02', dst: '33:33:ff:00:00:03' });
    expect(out?.layers[5]).toMatchObject({ dst: 'ff02::1:ff00:3', hlim: 255 });
    const encap = t.events.find((e) => e.kind === 'encap' && e.netns === 'host1');
    expect(encap?.decidedBy?.row).toBe('00:00:00:00:00:00 dev vxlan0 dst 192.168.1.12 self permanent');
  });

  it("delivers the inner frame unchanged to c2's eth0, and no ARP crosses the tunnel", () => {
    const req = at(t, 'c2', 'eth0', 'rx').find((c) => ndp(c, 128));
    expect(req?.layers[1]).toMatchObject({ src: 'fd00:10::2', dst: 'fd00:10::3', hlim: 64 });
    const inner = t.captures.filter((c) => c.layers.findIndex((l) => l.proto === 'arp') > 3);
    expect(inner).toEqual([]);
  });
});

describe('vxlan-ipv6: c1-ping6-c2-link-local', () => {
  it('reaches fe80:: on the other host: the link spans the tunnel', () => {
    const t = trace('vxlan-ipv6', 'c1-ping6-c2-link-local');
    expect(t.verdict).toBe('delivered');
    expect(t.output).toContain('64 bytes from fe80::ff:fe00:1003%eth0: icmp_seq=1 ttl=64');
  });
});
