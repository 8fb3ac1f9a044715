/**
 * Minimal pcapng writer (draft-ietf-opsawg-pcapng): one Section Header Block, one
 * Interface Description Block per interface, one Enhanced Packet Block per packet,
 * little-endian. Enough for Wireshark/tshark/tcpdump to open simulator captures.
 */

export const LINKTYPE_ETHERNET = 1;
/** Raw IPv4/IPv6 with no link header: TUN devices and IPIP tunnels. */
export const LINKTYPE_RAW = 101;

export const BLOCK_SHB = 0x0a0d0d0a;
export const BLOCK_IDB = 0x00000001;
export const BLOCK_EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const OPT_ENDOFOPT = 0;
const IF_NAME = 2;
const IF_DESCRIPTION = 3;
const EPB_FLAGS = 2;
/** opt_comment: a UTF-8 comment on any block; Wireshark shows it as the frame's "Packet comments". */
const OPT_COMMENT = 1;
/** Large enough for any frame, and what tcpdump uses by default. */
export const PCAPNG_SNAPLEN = 262144;

export interface PcapngInterface {
  name: string;
  linktype: number;
  description?: string;
}

export interface PcapngPacket {
  /** Index into the interfaces array. */
  iface: number;
  /** Microseconds since the epoch (the default if_tsresol, so no option is written). */
  timestampUs: number;
  data: Uint8Array;
  /** epb_flags direction: inbound or outbound on its interface (written as an option when given). */
  direction?: 'in' | 'out';
  /** opt_comment, written when given. */
  comment?: string;
}

/** UTF-8 by hand: TextEncoder is not in the ES2022 lib the engine compiles against. */
function utf8(s: string): Uint8Array {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return Uint8Array.from(out);
}

const pad4 = (n: number): number => (n + 3) & ~3;

/** Growable little-endian byte sink. */
class Writer {
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  len = 0;

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u16(x: number): void {
    this.ensure(2);
    this.view.setUint16(this.len, x, true);
    this.len += 2;
  }
  u32(x: number): void {
    this.ensure(4);
    this.view.setUint32(this.len, x >>> 0, true);
    this.len += 4;
  }
  /** Bytes followed by zero padding to a 32-bit boundary, as every pcapng field requires. */
  padded(b: Uint8Array): void {
    const n = pad4(b.length);
    this.ensure(n);
    this.buf.set(b, this.len);
    this.buf.fill(0, this.len + b.length, this.len + n);
    this.len += n;
  }
  setU32(at: number, x: number): void {
    this.view.setUint32(at, x >>> 0, true);
  }
  bytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** Writes type and a placeholder length, runs body, then patches the length and repeats it at the end. */
function block(w: Writer, type: number, body: () => void): void {
  const start = w.len;
  w.u32(type);
  w.u32(0);
  body();
  const total = w.len - start + 4;
  w.setU32(start + 4, total);
  w.u32(total);
}

function option(w: Writer, code: number, value: Uint8Array): void {
  w.u16(code);
  w.u16(value.length);
  w.padded(value);
}

export function createPcapng(interfaces: PcapngInterface[], packets: PcapngPacket[]): Uint8Array {
  const w = new Writer();

  block(w, BLOCK_SHB, () => {
    w.u32(BYTE_ORDER_MAGIC);
    w.u16(1); // major version
    w.u16(0); // minor version
    w.u32(0xffffffff); // section length -1 (unknown), 64-bit
    w.u32(0xffffffff);
  });

  for (const itf of interfaces) {
    block(w, BLOCK_IDB, () => {
      w.u16(itf.linktype);
      w.u16(0); // reserved
      w.u32(PCAPNG_SNAPLEN);
      option(w, IF_NAME, utf8(itf.name));
      if (itf.description !== undefined) option(w, IF_DESCRIPTION, utf8(itf.description));
      w.u16(OPT_ENDOFOPT);
      w.u16(0);
    });
  }

  for (const p of packets) {
    if (!Number.isInteger(p.iface) || p.iface < 0 || p.iface >= interfaces.length) {
      throw new Error(`pcapng: packet refers to unknown interface ${p.iface}`);
    }
    const ts = Math.max(0, Math.floor(p.timestampUs));
    block(w, BLOCK_EPB, () => {
      w.u32(p.iface);
      w.u32(Math.floor(ts / 0x100000000)); // timestamp high 32 bits
      w.u32(ts % 0x100000000); // timestamp low 32 bits
      w.u32(p.data.length); // captured length
      w.u32(p.data.length); // original length
      w.padded(p.data);
      if (p.comment !== undefined) option(w, OPT_COMMENT, utf8(p.comment));
      if (p.direction !== undefined) {
        const flags = new Uint8Array(4);
        new DataView(flags.buffer).setUint32(0, p.direction === 'in' ? 1 : 2, true);
        option(w, EPB_FLAGS, flags);
      }
      if (p.comment !== undefined || p.direction !== undefined) {
        w.u16(OPT_ENDOFOPT);
        w.u16(0);
      }
    });
  }

  return w.bytes();
}
