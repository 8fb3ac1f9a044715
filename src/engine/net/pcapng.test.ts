import { describe, it, expect } from 'vitest';
import { createPcapng, LINKTYPE_ETHERNET, LINKTYPE_RAW } from './pcapng';

interface Block {
  type: number;
  body: DataView;
  bytes: Uint8Array;
}

/** Independent walker over the pcapng block layout: type, total length, body, total length again. */
function blocks(file: Uint8Array): Block[] {
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const out: Block[] = [];
  let off = 0;
  while (off < file.length) {
    const type = v.getUint32(off, true);
    const len = v.getUint32(off + 4, true);
    expect(len % 4).toBe(0);
    expect(len).toBeGreaterThanOrEqual(12);
    expect(v.getUint32(off + len - 4, true)).toBe(len); // trailing copy of the length
    out.push({
      type,
      body: new DataView(file.buffer, file.byteOffset + off + 8, len - 12),
      bytes: file.subarray(off + 8, off + len - 4),
    });
    off += len;
  }
  expect(off).toBe(file.length);
  return out;
}

function options(b: Uint8Array, start: number): Array<[number, string]> {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: Array<[number, string]> = [];
  let o = start;
  for (;;) {
    const code = v.getUint16(o, true);
    const len = v.getUint16(o + 2, true);
    if (code === 0) return out;
    out.push([code, String.fromCharCode(...b.subarray(o + 4, o + 4 + len))]);
    o += 4 + ((len + 3) & ~3);
  }
}

describe('createPcapng', () => {
  it('writes SHB, IDBs and EPBs with repeated lengths and 32-bit padding', () => {
    const frame = Uint8Array.from({ length: 42 }, (_, i) => i);
    const raw = Uint8Array.from({ length: 3 }, () => 0x45);
    const file = createPcapng(
      [
        { name: 'eth0', linktype: LINKTYPE_ETHERNET, description: 'node1 eth0' },
        { name: 'tun0', linktype: LINKTYPE_RAW },
      ],
      [
        { iface: 0, timestampUs: 1_700_000_000_123_456, data: frame },
        { iface: 1, timestampUs: 5, data: raw },
      ],
    );
    // The Section Header Block starts the file; its magic is the same in either byte order.
    expect(Array.from(file.subarray(0, 4))).toEqual([0x0a, 0x0d, 0x0d, 0x0a]);
    const bs = blocks(file);
    expect(bs.map((b) => b.type)).toEqual([0x0a0d0d0a, 0x00000001, 0x00000001, 0x00000006, 0x00000006]);

    const shb = bs[0]!.body;
    expect(shb.getUint32(0, true)).toBe(0x1a2b3c4d); // little-endian byte-order magic
    expect([shb.getUint16(4, true), shb.getUint16(6, true)]).toEqual([1, 0]);
    expect(shb.getBigInt64(8, true)).toBe(-1n); // section length unspecified

    const idb0 = bs[1]!;
    expect(idb0.body.getUint16(0, true)).toBe(1);
    expect([0, 262144]).toContain(idb0.body.getUint32(4, true));
    expect(options(idb0.bytes, 8)).toEqual([
      [2, 'eth0'],
      [3, 'node1 eth0'],
    ]);
    const idb1 = bs[2]!;
    expect(idb1.body.getUint16(0, true)).toBe(101);
    expect(options(idb1.bytes, 8)).toEqual([[2, 'tun0']]);

    const epb0 = bs[3]!;
    expect(epb0.body.getUint32(0, true)).toBe(0);
    const ts = (BigInt(epb0.body.getUint32(4, true)) << 32n) | BigInt(epb0.body.getUint32(8, true));
    expect(ts).toBe(1_700_000_000_123_456n);
    expect(epb0.body.getUint32(12, true)).toBe(42);
    expect(epb0.body.getUint32(16, true)).toBe(42);
    expect(Array.from(epb0.bytes.subarray(20, 62))).toEqual(Array.from(frame));
    expect(epb0.bytes.length).toBe(20 + 44); // 42 padded to 44, no options

    const epb1 = bs[4]!;
    expect(epb1.body.getUint32(0, true)).toBe(1);
    expect(epb1.body.getUint32(12, true)).toBe(3);
    expect(Array.from(epb1.bytes.subarray(20))).toEqual([0x45, 0x45, 0x45, 0]);
  });

  it('writes a packet comment as opt_comment (code 1), padded, before the end of options', () => {
    const f = createPcapng(
      [{ name: 'eth0', linktype: LINKTYPE_ETHERNET }],
      [{ iface: 0, timestampUs: 0, data: new Uint8Array(4), comment: 'hop 1' }],
    );
    const v = new DataView(f.buffer, f.byteOffset, f.byteLength);
    const shb = v.getUint32(4, true);
    const idb = v.getUint32(shb + 4, true);
    const epb = shb + idb;
    expect(v.getUint32(epb, true)).toBe(6);
    // 28 bytes of EPB header + 4 bytes of data, then the option: code 1, length 5, 'hop 1', 3 bytes of padding.
    const opt = epb + 28 + 4;
    expect([v.getUint16(opt, true), v.getUint16(opt + 2, true)]).toEqual([1, 5]);
    expect(String.fromCharCode(...f.subarray(opt + 4, opt + 9))).toBe('hop 1');
    expect([v.getUint16(opt + 12, true), v.getUint16(opt + 14, true)]).toEqual([0, 0]);
    expect(v.getUint32(epb + 4, true)).toBe(28 + 4 + 12 + 4 + 4);
  });

  it('rejects a packet for an unknown interface', () => {
    expect(() => createPcapng([], [{ iface: 0, timestampUs: 0, data: new Uint8Array(1) }])).toThrow();
  });
});
