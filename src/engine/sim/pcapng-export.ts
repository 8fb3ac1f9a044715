/**
 * The Trace as a pcapng file: one interface block per capture point, named
 * "netns/interface" as the Trace names it (Ethernet, or raw IP for TUN/IPIP devices), and
 * every captured frame as real bytes in step order, stamped with the capture's simulated
 * time and its direction, and commented with its hop and chapter ("hop 3/21 leave-pod: pod-a eth0 →
 * node vethX") so a capture opened in Wireshark still reads as the journey. The CLI writes it to
 * disk; the page can offer the same bytes.
 */
import { encodePacket } from '../net/encode';
import {
  createPcapng,
  LINKTYPE_ETHERNET,
  LINKTYPE_RAW,
  type PcapngInterface,
  type PcapngPacket,
} from '../net/pcapng';
import type { Trace } from '../kernel/trace';

export function traceToPcapng(trace: Trace): Uint8Array {
  const interfaces: PcapngInterface[] = [];
  const index = new Map<string, number>();
  const packets: PcapngPacket[] = [];
  const captures = [...trace.captures].sort((a, b) => a.step - b.step);
  const hopAt = hopIndex(trace);
  for (const c of captures) {
    const name = `${c.netns}/${c.interface}`;
    let i = index.get(name);
    if (i === undefined) {
      i = interfaces.length;
      index.set(name, i);
      interfaces.push({
        name,
        linktype: c.link === 'raw' ? LINKTYPE_RAW : LINKTYPE_ETHERNET,
        description: `${c.interface} in netns ${c.netns} on ${c.machine} (${trace.scenario}, flow ${trace.flow})`,
      });
    }
    packets.push({
      iface: i,
      timestampUs: c.time,
      data: encodePacket({ layers: c.layers, payload: c.payload }),
      direction: c.direction === 'rx' ? 'in' : 'out',
      ...hopComment(trace, hopAt[c.step]),
    });
  }
  return createPcapng(interfaces, packets);
}

/** For each event index, the index of the hop that holds it. */
function hopIndex(trace: Trace): number[] {
  const at: number[] = [];
  trace.hops.forEach((h, i) => {
    for (let s = h.first; s <= h.last; s++) at[s] = i;
  });
  return at;
}

function hopComment(trace: Trace, i: number | undefined): { comment?: string } {
  const h = i !== undefined ? trace.hops[i] : undefined;
  if (!h) return {};
  return { comment: `hop ${i! + 1}/${trace.hops.length} ${h.chapter}: ${h.title}` };
}
