/**
 * The kernel's captured frames against the Trace's, frame by frame, for every capture
 * point the Trace names (shared by catalog and random-scenario conformance).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Trace } from '../../engine';
import { decodePacket } from '../../engine/net/decode';
import type { Layer } from '../../engine/net/layers';
import { captureFile, type CapturePoint } from '../../engine/lab/script';
import { brief, diffFrames, noise, pureAck, signature } from './compare';
import { readPcap } from './pcap';

export interface FlowComparison {
  compared: number;
  agreed: number;
  ignored: Record<string, number>;
  diffs: string[];
  first?: string;
}

/** A flow's capture window in a chain of flows (microseconds since the epoch, as pcap times). */
export interface Window {
  from: number;
  to: number;
}

function kernelFrames(
  dir: string,
  p: CapturePoint,
  d: 'tx' | 'rx',
  ignored: Record<string, number>,
  window?: Window,
): Layer[][] {
  const file = join(dir, captureFile(p, d));
  if (!existsSync(file)) return [];
  const pcap = readPcap(readFileSync(file));
  const first = pcap.linktype === 1 ? 'eth' : 'ipv4';
  const out: Layer[][] = [];
  for (const f of pcap.frames) {
    if (window && (f.timeUs < window.from || f.timeUs > window.to)) continue;
    const pkt = decodePacket(f.data, first);
    const layers = pkt.layers;
    const why = noise(layers) ?? pureAck(layers, pkt.payload);
    if (why) {
      ignored[why] = (ignored[why] ?? 0) + 1;
      continue;
    }
    out.push(layers);
  }
  return out;
}

export function compareTrace(t: Trace, dir: string, window?: Window): FlowComparison {
  const points = capturePoints(t);
  // Ports the trace's NAT picked at random (--random-fully, or to resolve a clash).
  const randomPorts = new Set<number>();
  for (const ev of t.events) {
    if (ev.kind !== 'nat') continue;
    const from = /:(\d+)$/.exec(String(ev.explain.args.from ?? ''))?.[1];
    const to = /:(\d+)$/.exec(String(ev.explain.args.to ?? ''))?.[1];
    if (
      from &&
      to &&
      from !== to &&
      (ev.explain.code === 'nat.snat' || ev.explain.code === 'nat.undo-snat')
    ) {
      randomPorts.add(Number(ev.explain.code === 'nat.snat' ? to : from));
    }
  }
  let compared = 0;
  let agreed = 0;
  const diffs: string[] = [];
  const ignored: Record<string, number> = {};
  for (const p of points) {
    for (const d of ['tx', 'rx'] as const) {
      const engine = t.captures
        .filter((c) => c.netns === p.netns && c.interface === p.interface && c.direction === d)
        .filter((c) => !pureAck(c.layers, c.payload))
        .map((c) => c.layers);
      finsLast(engine);
      const kernel = finsLast(kernelFrames(dir, p, d, ignored, window));
      const n = Math.max(engine.length, kernel.length);
      for (let i = 0; i < n; i++) {
        compared++;
        const k = kernel[i];
        const e = engine[i];
        const where = `${p.netns}/${p.interface} ${d} frame ${i + 1}`;
        if (!k) diffs.push(`${where}: the trace has a frame the kernel did not send (${brief(e!)})`);
        else if (!e) diffs.push(`${where}: the kernel sent a frame the trace lacks (${brief(k)})`);
        else {
          const diff = diffFrames(k, e, randomPorts);
          if (diff) diffs.push(`${where}: ${diff}`);
          else agreed++;
        }
      }
    }
  }
  return { compared, agreed, ignored, diffs, ...(diffs[0] ? { first: diffs[0] } : {}) };
}

/**
 * The two ends of a connection close independently (curl once it has read the whole
 * response, the server once its child exits): which FIN goes first is a race in the
 * kernel. Bare FINs are compared after the other frames, in a fixed order.
 */
export function finsLast(frames: Layer[][]): Layer[][] {
  const isFin = (f: Layer[]): boolean =>
    f.some((l) => l.proto === 'tcp' && l.flags.includes('F') && !l.flags.includes('P'));
  const key = (f: Layer[]): string =>
    JSON.stringify(
      f
        .filter((l) => l.proto === 'ipv4' || l.proto === 'ipv6' || l.proto === 'tcp')
        .map((l) => (l.proto === 'tcp' ? [signature(l).sport, signature(l).dport] : [l.src, l.dst])),
    );
  const fins = frames.filter(isFin).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const rest = frames.filter((f) => !isFin(f));
  frames.splice(0, frames.length, ...rest, ...fins);
  return frames;
}

export function capturePoints(t: Trace): CapturePoint[] {
  const seen = new Map<string, CapturePoint>();
  for (const c of t.captures)
    seen.set(`${c.netns}/${c.interface}`, { netns: c.netns, interface: c.interface });
  return [...seen.values()];
}
