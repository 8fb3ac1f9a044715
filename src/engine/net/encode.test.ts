import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import type { Layer, Packet, UdpLayer } from './layers';
import { encodePacket, packetLength, ipLength } from './encode';
import { decodePacket } from './decode';
import { flagsToString } from './tcpflags';
import { echo, eth, hex, ip, pkt, refChecksum } from './test-fixtures';

const A = '02:42:ac:11:00:02';
const B = '02:42:ac:11:00:03';

const words = (b: Uint8Array, start: number, end: number): number[] => {
  const w: number[] = [];
  for (let i = start; i < end; i += 2) w.push(((b[i] ?? 0) << 8) | (i + 1 < end ? (b[i + 1] ?? 0) : 0));
  return w;
};

describe('encodePacket: hand-built wire images', () => {
  it('ARP request (RFC 826 layout, Ethernet/IPv4)', () => {
    const p = pkt(0, eth(A, 'ff:ff:ff:ff:ff:ff', 0x0806), {
      proto: 'arp',
      op: 1,
      sha: A,
      spa: '172.17.0.2',
      tha: '00:00:00:00:00:00',
      tpa: '172.17.0.3',
    });
    const expected = hex(`
      ffffffffffff 0242ac110002 0806
      0001 0800 06 04 0001 0242ac110002 ac110002 000000000000 ac110003`);
    expect(encodePacket(p)).toEqual(expected);
    expect(packetLength(p)).toBe(42);
  });

  it('ARP reply', () => {
    const p = pkt(0, eth(B, A, 0x0806), {
      proto: 'arp',
      op: 2,
      sha: B,
      spa: '172.17.0.3',
      tha: A,
      tpa: '172.17.0.2',
    });
    expect(encodePacket(p)).toEqual(
      hex('0242ac110002 0242ac110003 0806 0001 0800 0604 0002 0242ac110003 ac110003 0242ac110002 ac110002'),
    );
  });

  // The header layout is RFC 7348's. Its outer UDP checksum: the RFC says SHOULD be zero, but Linux
  // computes one unless the device has `noudpcsum` (`ip -d link` shows `udpcsum` for a new vxlan
  // device, and tcpdump -vv in the lab reads a non-zero outer checksum: "bad udp cksum 0x1544 ->
  // 0x1515!", partial because veth offloads it).
  const vxlanPacket = (udp: UdpLayer) =>
    pkt(
      4,
      eth('02:00:00:00:00:01', '02:00:00:00:00:02'),
      ip('10.10.10.216', '10.10.10.217', 17, { id: 0, df: false }),
      udp,
      { proto: 'vxlan', vni: 1 },
      eth('02:00:00:00:00:0a', '02:00:00:00:00:0b'),
      ip('10.244.1.2', '10.244.2.66', 1, { id: 0x1234, df: true }),
      echo(8, 1, 1),
    );

  it('VXLAN-in-UDP-in-IPv4-in-Ethernet per RFC 7348 section 5, outer UDP checksum 0 with noudpcsum', () => {
    const p = vxlanPacket({ proto: 'udp', sport: 39421, dport: 4789, zeroChecksum: true });
    // Inner: IPv4 20 + ICMP 8 + 4 data = 32; frame 46; VXLAN 8 -> 54; UDP 62; outer IPv4 82; frame 96.
    const outerIpCsum = refChecksum([0x4500, 0x0052, 0x0000, 0x0000, 0x4011, 0x0a0a, 0x0ad8, 0x0a0a, 0x0ad9]);
    const innerIpCsum = refChecksum([0x4500, 0x0020, 0x1234, 0x4000, 0x4001, 0x0af4, 0x0102, 0x0af4, 0x0242]);
    const icmpCsum = refChecksum([0x0800, 0x0001, 0x0001, 0x0001, 0x0203]);
    const h4 = (n: number): string => n.toString(16).padStart(4, '0');
    const expected = hex(`
      020000000002 020000000001 0800
      4500 0052 0000 0000 40 11 ${h4(outerIpCsum)} 0a0a0ad8 0a0a0ad9
      99fd 12b5 003e 0000
      08 000000 000001 00
      02000000000b 02000000000a 0800
      4500 0020 1234 4000 40 01 ${h4(innerIpCsum)} 0af40102 0af40242
      08 00 ${h4(icmpCsum)} 0001 0001
      00010203`);
    const got = encodePacket(p);
    expect(got).toEqual(expected);
    expect(got.length).toBe(96);
    expect(packetLength(p)).toBe(96);
    expect(ipLength(p, 1)).toBe(82);
  });

  it('VXLAN outer UDP checksum as Linux sends it by default: it verifies over the pseudo-header', () => {
    const b = encodePacket(vxlanPacket({ proto: 'udp', sport: 39421, dport: 4789 }));
    const udp = 14 + 20;
    expect((b[udp + 6]! << 8) | b[udp + 7]!).not.toBe(0);
    // RFC 768: the receiver's sum over pseudo-header, header and data comes to all ones.
    const pseudo = [0x0a0a, 0x0ad8, 0x0a0a, 0x0ad9, 0x0011, 0x003e];
    expect(refChecksum([...pseudo, ...words(b, udp, b.length)])).toBe(0);
  });

  it('TCP SYN with pseudo-header checksum and data offset 5', () => {
    const p = pkt(0, ip('10.0.0.1', '10.0.0.2', 6, { id: 0 }), {
      proto: 'tcp',
      sport: 43210,
      dport: 80,
      flags: 'S',
      seq: 1000,
      ack: 0,
      window: 64240,
    });
    const b = encodePacket(p);
    expect(b.length).toBe(40);
    expect(Array.from(b.subarray(20, 34))).toEqual(Array.from(hex('a8ca 0050 000003e8 00000000 50 02')));
    expect((b[34]! << 8) | b[35]!).toBe(64240);
    // Pseudo-header (src, dst, 0x0006, TCP length 20) plus the segment must sum to all ones.
    const pseudo = [0x0a00, 0x0001, 0x0a00, 0x0002, 0x0006, 20];
    expect(refChecksum([...pseudo, ...words(b, 20, 40)])).toBe(0);
    expect(refChecksum(words(b, 0, 20))).toBe(0);
  });

  it('UDP checksum covers pseudo-header and odd-length data', () => {
    const p = pkt(33, ip('192.168.1.1', '192.168.1.2', 17), { proto: 'udp', sport: 5353, dport: 53 });
    const b = encodePacket(p);
    expect(b.length).toBe(20 + 8 + 33);
    expect((b[24]! << 8) | b[25]!).toBe(41); // UDP length
    const pseudo = [0xc0a8, 0x0101, 0xc0a8, 0x0102, 0x0011, 41];
    expect(refChecksum([...pseudo, ...words(b, 20, b.length)])).toBe(0);
    expect(b[b.length - 1]).toBe(32); // payload pattern: byte i = i & 0xff
  });

  it('ICMP frag-needed quotes 548 bytes of a 1500-byte datagram, MTU in bytes 6-7 (RFC 1191)', () => {
    const p = pkt(
      1472,
      eth(A, B),
      ip('10.244.1.1', '10.244.1.2', 1, { df: false, tos: 0xc0 }),
      { proto: 'icmp', type: 3, code: 4, mtu: 1450 },
      ip('10.244.1.2', '10.244.2.66', 1, { id: 7 }),
      echo(8, 9, 3),
    );
    const b = encodePacket(p);
    expect(b.length).toBe(14 + 576);
    expect(packetLength(p)).toBe(590);
    expect(ipLength(p, 1)).toBe(576);
    const icmp = 14 + 20;
    expect(Array.from(b.subarray(icmp, icmp + 8))).toEqual([
      3,
      4,
      b[icmp + 2],
      b[icmp + 3],
      0,
      0,
      0x05,
      0xaa,
    ]);
    expect(refChecksum(words(b, icmp, b.length))).toBe(0);
    // The quoted IPv4 header still says 1500 bytes: it is the original, copied verbatim.
    expect((b[icmp + 8 + 2]! << 8) | b[icmp + 8 + 3]!).toBe(1500);
    // 548 = 20 + 8 + 520 quoted payload bytes; the last one is pattern byte 519 & 0xff.
    expect(b[b.length - 1]).toBe(519 & 0xff);
  });

  it('ICMP redirect carries the gateway in bytes 4-7', () => {
    const p = pkt(
      56,
      ip('10.1.15.1', '10.1.15.2', 1),
      { proto: 'icmp', type: 5, code: 1, gateway: '192.168.0.200' },
      ip('10.1.15.2', '10.1.16.2', 1),
      echo(8),
    );
    const b = encodePacket(p);
    expect(Array.from(b.subarray(24, 28))).toEqual([192, 168, 0, 200]);
    expect(b.length).toBe(20 + 8 + 84);
  });

  it('IPIP: protocol 4 followed directly by the inner IPv4 header', () => {
    const p = pkt(56, ip('192.168.1.11', '192.168.2.12', 4), ip('10.244.1.2', '10.244.2.66', 1), echo(8));
    const b = encodePacket(p);
    expect(b[9]).toBe(4);
    expect((b[2]! << 8) | b[3]!).toBe(104);
    expect(b[20]).toBe(0x45);
    expect((b[22]! << 8) | b[23]!).toBe(84);
  });
});

const roundTrips: Array<[string, Packet, 'eth' | 'ipv4']> = [
  ['ping', pkt(56, eth(A, B), ip('172.17.0.2', '172.17.0.3', 1, { id: 0xbeef }), echo(8, 1, 1)), 'eth'],
  [
    'ping reply, odd payload',
    pkt(57, eth(B, A), ip('172.17.0.3', '172.17.0.2', 1, { df: false, tos: 0x10 }), echo(0, 65535, 65535)),
    'eth',
  ],
  [
    'arp',
    pkt(0, eth(A, 'ff:ff:ff:ff:ff:ff', 0x0806), {
      proto: 'arp',
      op: 1,
      sha: A,
      spa: '172.17.0.2',
      tha: '00:00:00:00:00:00',
      tpa: '172.17.0.3',
    }),
    'eth',
  ],
  [
    'tcp data',
    pkt(100, eth(A, B), ip('10.0.0.1', '10.0.0.2', 6), {
      proto: 'tcp',
      sport: 43210,
      dport: 80,
      flags: 'P.',
      seq: 4294967000,
      ack: 77,
      window: 502,
    }),
    'eth',
  ],
  ['udp', pkt(0, ip('10.0.0.1', '10.0.0.2', 17), { proto: 'udp', sport: 1, dport: 65535 }), 'ipv4'],
  ['tun ping', pkt(56, ip('10.1.15.2', '10.1.16.2', 1), echo(8)), 'ipv4'],
  [
    'ipip',
    pkt(
      56,
      ip('192.168.1.11', '192.168.2.12', 4, { ttl: 63 }),
      ip('10.244.1.2', '10.244.2.66', 1),
      echo(8, 3, 4),
    ),
    'ipv4',
  ],
  ...[4789, 8472, 6784].map((port): [string, Packet, 'eth'] => [
    `vxlan ${port}`,
    pkt(
      56,
      eth('02:00:00:00:00:01', '02:00:00:00:00:02'),
      ip('10.10.10.216', '10.10.10.217', 17, { df: false }),
      { proto: 'udp', sport: 39421, dport: port },
      { proto: 'vxlan', vni: 0xabcdef },
      eth('02:00:00:00:00:0a', '02:00:00:00:00:0b'),
      ip('10.244.1.2', '10.244.2.66', 1),
      echo(8),
    ),
    'eth',
  ]),
  [
    'time exceeded',
    pkt(
      56,
      eth(A, B),
      ip('10.1.15.1', '10.1.15.2', 1),
      { proto: 'icmp', type: 11, code: 0 },
      ip('10.1.15.2', '10.1.16.2', 1, { ttl: 1 }),
      echo(8),
    ),
    'eth',
  ],
  [
    'port unreachable',
    pkt(
      20,
      ip('10.0.0.2', '10.0.0.1', 1),
      { proto: 'icmp', type: 3, code: 3 },
      ip('10.0.0.1', '10.0.0.2', 17),
      { proto: 'udp', sport: 40000, dport: 53 },
    ),
    'ipv4',
  ],
  [
    'redirect',
    pkt(
      56,
      ip('10.1.15.1', '10.1.15.2', 1),
      { proto: 'icmp', type: 5, code: 1, gateway: '192.168.0.200' },
      ip('10.1.15.2', '10.1.16.2', 1),
      echo(8),
    ),
    'ipv4',
  ],
  // Truncated quote: the payload is recovered from the quoted IPv4 total length.
  [
    'frag needed',
    pkt(
      1472,
      eth(A, B),
      ip('10.244.1.1', '10.244.1.2', 1),
      { proto: 'icmp', type: 3, code: 4, mtu: 1450 },
      ip('10.244.1.2', '10.244.2.66', 1),
      echo(8),
    ),
    'eth',
  ],
  [
    'frag needed quoting a VXLAN packet',
    pkt(
      1422,
      ip('10.10.10.1', '10.10.10.216', 1),
      { proto: 'icmp', type: 3, code: 4, mtu: 1400 },
      ip('10.10.10.216', '10.10.10.217', 17),
      { proto: 'udp', sport: 39421, dport: 4789 },
      { proto: 'vxlan', vni: 1 },
      eth('02:00:00:00:00:0a', '02:00:00:00:00:0b'),
      ip('10.244.1.2', '10.244.2.66', 1),
      echo(8),
    ),
    'ipv4',
  ],
];

describe('decodePacket(encodePacket(p)) round trip', () => {
  for (const [name, p, first] of roundTrips) {
    it(name, () => {
      const bytes = encodePacket(p);
      expect(bytes.length).toBe(packetLength(p));
      expect(decodePacket(bytes, first)).toEqual(p);
    });
  }

  it('ignores Ethernet minimum-size padding on received frames', () => {
    const arp = roundTrips[2]![1];
    const padded = new Uint8Array(60);
    padded.set(encodePacket(arp));
    expect(decodePacket(padded, 'eth')).toEqual(arp);
    const tcp = pkt(0, eth(A, B), ip('10.0.0.1', '10.0.0.2', 6), {
      proto: 'tcp',
      sport: 1,
      dport: 2,
      flags: '.',
      seq: 1,
      ack: 1,
      window: 1,
    });
    const padded2 = new Uint8Array(60);
    padded2.set(encodePacket(tcp));
    expect(decodePacket(padded2, 'eth')).toEqual(tcp);
  });

  it('decodes VXLAN only on the configured ports', () => {
    const p = roundTrips.find(([n]) => n === 'vxlan 4789')![1];
    const d = decodePacket(encodePacket(p), 'eth', { vxlanPorts: [8472] });
    expect(d.layers.map((l) => l.proto)).toEqual(['eth', 'ipv4', 'udp']);
    expect(d.payload).toBe(packetLength(p) - 14 - 20 - 8);
  });

  it('keeps a too-short quote (RFC 792 style, 8 bytes of TCP) as opaque payload', () => {
    const original = encodePacket(
      pkt(0, ip('10.0.0.1', '10.0.0.2', 6), {
        proto: 'tcp',
        sport: 1,
        dport: 2,
        flags: 'S',
        seq: 5,
        ack: 0,
        window: 9,
      }),
    );
    const icmp = new Uint8Array(8 + 28);
    icmp[0] = 3;
    icmp[1] = 3;
    icmp.set(original.subarray(0, 28), 8);
    const d = decodePacket(icmp, 'ipv4');
    // Not an IPv4 packet at the top: decoding starts at the ICMP bytes only for this check.
    expect(d.layers).toEqual([]);
    const framed = encodePacket(pkt(0, ip('10.0.0.2', '10.0.0.1', 1)));
    const whole = new Uint8Array(framed.length + icmp.length);
    whole.set(framed);
    whole.set(icmp, framed.length);
    whole[3] = whole.length; // fix the outer total length (checksum is not verified by decode)
    const d2 = decodePacket(whole, 'ipv4');
    expect(d2.layers.map((l) => l.proto)).toEqual(['ipv4', 'icmp', 'ipv4']);
    expect(d2.payload).toBe(20); // the whole declared TCP header, only 8 bytes of it present
  });

  it('holds for generated Ethernet/IPv4/{ICMP echo, UDP, TCP} packets', () => {
    const ipArb = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
    const macArb = fc
      .array(fc.nat(255), { minLength: 6, maxLength: 6 })
      .map((o) => o.map((x) => x.toString(16).padStart(2, '0')).join(':'));
    const port = fc.nat(65535);
    const u32 = fc.nat(0xffffffff);
    const l4: fc.Arbitrary<Layer> = fc.oneof(
      fc.record({
        proto: fc.constant('icmp' as const),
        type: fc.constantFrom(0, 8),
        code: fc.constant(0),
        id: fc.nat(65535),
        seq: fc.nat(65535),
      }),
      fc.record({
        proto: fc.constant('udp' as const),
        sport: port,
        dport: port.filter((p) => ![4789, 8472, 6784].includes(p)),
      }),
      fc.record({
        proto: fc.constant('tcp' as const),
        sport: port,
        dport: port,
        flags: fc.nat(255).map(flagsToString),
        seq: u32,
        ack: u32,
        window: fc.nat(65535),
      }),
    );
    fc.assert(
      fc.property(
        macArb,
        macArb,
        ipArb,
        ipArb,
        fc.nat(255),
        fc.nat(65535),
        fc.boolean(),
        fc.nat(255),
        l4,
        fc.nat(1400),
        (s, d, src, dst, ttl, id, df, tos, t, payload) => {
          const protocol = t.proto === 'icmp' ? 1 : t.proto === 'udp' ? 17 : 6;
          const p: Packet = {
            layers: [eth(s, d), { proto: 'ipv4', src, dst, ttl, protocol, id, df, tos }, t],
            payload,
          };
          expect(decodePacket(encodePacket(p), 'eth')).toEqual(p);
        },
      ),
      { numRuns: 300 },
    );
  });
});
