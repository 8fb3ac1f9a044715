/**
 * Byte-level check of VXLAN encapsulation: the frame flannel.1 on node-64-216 puts on em1
 * for pod-a's echo request must equal, byte for byte, one assembled here by hand from the
 * RFC 7348 section 5 layout: outer Ethernet, outer IPv4 (DF clear, TTL 64, protocol 17),
 * outer UDP (destination 8472), VXLAN header (flags 0x08, VNI 1), then the inner Ethernet frame
 * exactly as flannel.1 transmitted it. The outer UDP checksum is filled in, as Linux does by default
 * (`udpcsum` in `ip -d link show` of a new vxlan device; a non-zero checksum in the lab's capture),
 * computed here over the RFC 768 pseudo-header.
 */
import { describe, expect, it } from 'vitest';
import { encodePacket } from '../../src/engine/net/encode';
import type { Ipv4Layer, UdpLayer } from '../../src/engine/net/layers';
import { echoes, macOf, trace } from '../helpers';

const mac = (s: string): number[] => s.split(':').map((h) => parseInt(h, 16));
const ip4 = (s: string): number[] => s.split('.').map(Number);
const u16 = (n: number): number[] => [(n >> 8) & 0xff, n & 0xff];

function ipChecksum(h: number[]): number {
  let sum = 0;
  for (let i = 0; i < h.length; i += 2) sum += (h[i]! << 8) | h[i + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

describe('VXLAN frame bytes (RFC 7348)', () => {
  const t = trace('flannel-vxlan', 'pod-a-ping-pod-b');
  const outer = echoes(t, 'request', 'node-64-216', 'em1', 'tx')[0]!;
  const inner = echoes(t, 'request', 'node-64-216', 'flannel.1', 'tx')[0]!;

  it('equals the hand-built frame', () => {
    const innerBytes = Array.from(encodePacket({ layers: inner.layers, payload: inner.payload }));
    // Values the kernel chooses per packet are read from the capture: the IP id and the
    // flow-hash source port (udp_flow_src_port, within 32768-60999).
    const oip = outer.layers[1] as Ipv4Layer;
    const oudp = outer.layers[2] as UdpLayer;
    expect(oudp.sport).toBeGreaterThanOrEqual(32768);
    expect(oudp.sport).toBeLessThan(61000);

    const vxlan = [0x08, 0, 0, 0, 0, 0, 1, 0]; // I flag, reserved, VNI 1, reserved
    const udpLen = 8 + vxlan.length + innerBytes.length;
    const udp = [...u16(oudp.sport), ...u16(8472), ...u16(udpLen), 0, 0];
    const pseudo = [...ip4('10.10.10.216'), ...ip4('10.10.10.217'), 0, 17, ...u16(udpLen)];
    const segment = [...udp, ...vxlan, ...innerBytes];
    const udpSum = ipChecksum([...pseudo, ...segment, ...(segment.length % 2 ? [0] : [])]) || 0xffff;
    udp[6] = udpSum >> 8;
    udp[7] = udpSum & 0xff;
    const totalLen = 20 + udpLen;
    const ipHdr = [
      0x45,
      0,
      ...u16(totalLen),
      ...u16(oip.id ?? 0),
      0x00,
      0x00, // flags: DF clear, no fragment offset
      64,
      17,
      0,
      0,
      ...ip4('10.10.10.216'),
      ...ip4('10.10.10.217'),
    ];
    const csum = ipChecksum(ipHdr);
    ipHdr[10] = csum >> 8;
    ipHdr[11] = csum & 0xff;
    const ethHdr = [
      ...mac(macOf(t, 'node-64-217', 'em1')),
      ...mac(macOf(t, 'node-64-216', 'em1')),
      0x08,
      0x00,
    ];
    const byHand = Uint8Array.from([...ethHdr, ...ipHdr, ...udp, ...vxlan, ...innerBytes]);

    const fromTrace = encodePacket({ layers: outer.layers, payload: outer.payload });
    expect(Array.from(fromTrace)).toEqual(Array.from(byHand));
    expect(fromTrace.length).toBe(14 + 20 + 8 + 8 + 98);
    expect(outer.length).toBe(fromTrace.length);
  });

  it('the inner frame is addressed to the remote VTEP MAC with TTL 63', () => {
    const bytes = encodePacket({ layers: inner.layers, payload: inner.payload });
    expect(Array.from(bytes.slice(0, 6))).toEqual(mac('3e:01:ed:47:de:7f'));
    expect(bytes[14 + 8]).toBe(63);
  });
});
