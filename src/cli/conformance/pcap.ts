/** A reader for classic libpcap files as tcpdump -w writes them. */
export interface PcapFrame {
  timeUs: number;
  data: Uint8Array;
}

export interface Pcap {
  linktype: number;
  frames: PcapFrame[];
}

export function readPcap(buf: Uint8Array): Pcap {
  if (buf.length < 24) return { linktype: 1, frames: [] };
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magicLE = dv.getUint32(0, true);
  let le: boolean;
  let nano: boolean;
  if (magicLE === 0xa1b2c3d4 || magicLE === 0xa1b23c4d) {
    le = true;
    nano = magicLE === 0xa1b23c4d;
  } else {
    const magicBE = dv.getUint32(0, false);
    if (magicBE !== 0xa1b2c3d4 && magicBE !== 0xa1b23c4d) throw new Error('not a pcap file');
    le = false;
    nano = magicBE === 0xa1b23c4d;
  }
  const linktype = dv.getUint32(20, le);
  const frames: PcapFrame[] = [];
  let off = 24;
  while (off + 16 <= buf.length) {
    const sec = dv.getUint32(off, le);
    const frac = dv.getUint32(off + 4, le);
    const incl = dv.getUint32(off + 8, le);
    off += 16;
    if (off + incl > buf.length) break;
    frames.push({
      timeUs: sec * 1e6 + (nano ? Math.floor(frac / 1000) : frac),
      data: buf.subarray(off, off + incl),
    });
    off += incl;
  }
  return { linktype, frames };
}
