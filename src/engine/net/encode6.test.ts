/**
 * IPv6/ICMPv6 against frames the kernel sent: captured with tcpdump in namespaces (two hosts
 * and a router, MACs 02:00:00:00:00:0a and 02:00:00:00:01:00, addresses 2001:db8:1::10 and
 * 2001:db8:1::1), with the lines tcpdump 4.99 printed for them.
 */
import { describe, expect, it } from 'vitest';
import { decodePacket } from './decode';
import { encodePacket, packetLength } from './encode';
import { hex } from './test-fixtures';
import type { Layer, Packet } from './layers';
import { formatTcpdump } from './tcpdump';

const NS =
  '3333ff00000102000000000a86dd6000000000203aff20010db800010000000000000000001' +
  '0ff0200000000000000000001ff00000187001c0f0000000020010db8000100000000000000000001010102000000000a';
const NA =
  '02000000000a02000000010086dd6000000000203aff20010db800010000000000000000000120010db8000100000000' +
  '000000000010' +
  '88000963e000000020010db80001000000000000000000010201020000000100';
const TIME_EXCEEDED =
  '02000000000a02000000010086dd600e7ae800703a4020010db800010000000000000000000120010db80001000000000000' +
  '00000010030023aa000000006003e35b00403a0120010db800010000000000000000001020010db800020000000000000000' +
  '00208000be285c750001d7c4146b00000000573e070000000000101112131415161718191a1b1c1d1e1f2021222324252627' +
  '28292a2b2c2d2e2f3031323334353637';
const PORT_UNREACH =
  '02000000000a02000000010086dd6002555e003b3a3f20010db800020000000000000000002020010db8000100000000000000' +
  '000010' +
  '0104ffbe0000000060065825000b113f20010db800010000000000000000001020010db80002000000000000000000209c4913' +
  '88000b5bc168690a';

const v6 = (src: string, dst: string, hlim: number, next = 58, flow = 0): Layer => ({
  proto: 'ipv6',
  src,
  dst,
  hlim,
  next,
  tc: 0,
  flow,
});

describe('IPv6 neighbour discovery frames', () => {
  it('decodes the solicitation to the solicited-node group, option included', () => {
    expect(decodePacket(hex(NS), 'eth')).toEqual({
      layers: [
        { proto: 'eth', dst: '33:33:ff:00:00:01', src: '02:00:00:00:00:0a', type: 0x86dd },
        v6('2001:db8:1::10', 'ff02::1:ff00:1', 255),
        { proto: 'icmpv6', type: 135, code: 0, target: '2001:db8:1::1', lladdr: '02:00:00:00:00:0a' },
      ],
      payload: 0,
    });
  });

  it('decodes the advertisement with its router, solicited and override flags', () => {
    const p = decodePacket(hex(NA), 'eth');
    expect(p.layers[2]).toEqual({
      proto: 'icmpv6',
      type: 136,
      code: 0,
      target: '2001:db8:1::1',
      flags: 0xe0,
      lladdr: '02:00:00:00:01:00',
    });
  });

  it.each([
    ['solicitation', NS],
    ['advertisement', NA],
  ])('encodes the %s byte for byte, checksum included', (_, h) => {
    const bytes = hex(h);
    const p = decodePacket(bytes, 'eth');
    expect(packetLength(p)).toBe(86);
    expect(Buffer.from(encodePacket(p)).toString('hex')).toBe(h);
  });

  it('prints them as tcpdump -e does', () => {
    expect(formatTcpdump(decodePacket(hex(NS), 'eth'))).toBe(
      '02:00:00:00:00:0a > 33:33:ff:00:00:01, ethertype IPv6 (0x86dd), length 86: 2001:db8:1::10 > ff02::1:ff00:1: ICMP6, neighbor solicitation, who has 2001:db8:1::1, length 32',
    );
    expect(formatTcpdump(decodePacket(hex(NA), 'eth'), { link: false })).toBe(
      'IP6 2001:db8:1::1 > 2001:db8:1::10: ICMP6, neighbor advertisement, tgt is 2001:db8:1::1, length 32',
    );
  });
});

describe('ICMPv6 errors', () => {
  it('decodes a time exceeded quoting the echo request whole', () => {
    const p = decodePacket(hex(TIME_EXCEEDED), 'eth');
    expect(p.layers.slice(1)).toEqual([
      v6('2001:db8:1::1', '2001:db8:1::10', 64, 58, 0xe7ae8),
      { proto: 'icmpv6', type: 3, code: 0 },
      v6('2001:db8:1::10', '2001:db8:2::20', 1, 58, 0x3e35b),
      { proto: 'icmpv6', type: 128, code: 0, id: 23669, seq: 1 },
    ]);
    expect(p.payload).toBe(56);
    expect(packetLength(p)).toBe(166);
    expect(formatTcpdump(p, { link: false })).toBe(
      'IP6 2001:db8:1::1 > 2001:db8:1::10: ICMP6, time exceeded in-transit for 2001:db8:2::20, length 112',
    );
  });

  it('prints a port unreachable with the quoted UDP port', () => {
    const p = decodePacket(hex(PORT_UNREACH), 'eth');
    expect(p.layers[4]).toEqual({ proto: 'udp', sport: 40009, dport: 5000 });
    expect(formatTcpdump(p, { link: false })).toBe(
      'IP6 2001:db8:2::20 > 2001:db8:1::10: ICMP6, destination unreachable, unreachable port, 2001:db8:2::20 udp port 5000, length 59',
    );
  });

  // The kernel's packet too big for a 1400-byte ping over a 1280 link: 1294 bytes on the wire,
  // "packet too big, mtu 1280, length 1240" (the quote cut so the error fits in 1280 bytes).
  it('cuts a packet too big to the IPv6 minimum MTU', () => {
    const p: Packet = {
      layers: [
        { proto: 'eth', src: '02:00:00:00:01:00', dst: '02:00:00:00:00:0a', type: 0x86dd },
        v6('2001:db8:1::1', '2001:db8:1::10', 64),
        { proto: 'icmpv6', type: 2, code: 0, mtu: 1280 },
        v6('2001:db8:1::10', '2001:db8:2::20', 64),
        { proto: 'icmpv6', type: 128, code: 0, id: 31397, seq: 1 },
      ],
      payload: 1400,
    };
    expect(encodePacket(p).length).toBe(1294);
    expect(formatTcpdump(p, { link: false })).toBe(
      'IP6 2001:db8:1::1 > 2001:db8:1::10: ICMP6, packet too big, mtu 1280, length 1240',
    );
    const back = decodePacket(encodePacket(p), 'eth');
    expect(back).toEqual(p);
  });
});
