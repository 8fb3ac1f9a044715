/**
 * "Is this packet routed or bridged here?": a frame arriving on a bridge is bridged when its
 * destination MAC lives behind another port (the FDB says which), and goes up to the IP layer when
 * the MAC is the bridge's own; there the local table either takes it or the route forwards it.
 */
import type { Trace, TraceEvent } from '../../types';
import { arrange, msg } from './build';
import type { MChoice, MQuestion } from './types';
import { ipOf } from './world';

type Way = 'bridged' | 'routed' | 'local';

/** What happens to the packet once the bridge passed it up: delivered locally or routed on. */
function upThen(trace: Trace, e: TraceEvent): Way | null {
  for (let j = e.step + 1; j < trace.events.length; j++) {
    const f = trace.events[j]!;
    if (f.packetId !== e.packetId || f.kind !== 'route-lookup') continue;
    return f.explain.code === 'route.input-local' ? 'local' : 'routed';
  }
  return null;
}

export function askL2L3(trace: Trace, e: TraceEvent, seed: string): Omit<MQuestion, 'step'> | null {
  if (e.kind !== 'bridge-forward' || !e.decidedBy) return null;
  const code = e.explain.code;
  const way: Way | null =
    code === 'bridge.local' ? upThen(trace, e) : code === 'bridge.forward' ? 'bridged' : null;
  const ip = ipOf(e);
  if (!way || !ip) return null;
  const a = e.explain.args;
  const bridge = String(a.bridge ?? e.interface ?? '');
  const mac = String(a.mac ?? '');
  const out = String(a.out ?? '');
  const row = e.decidedBy.row;
  const v = { bridge, mac, out, row, netns: e.netns, dst: ip.dst };
  const why: Record<Way, MChoice['why']> = {
    bridged: way === 'bridged' ? msg('w.l2.bridged-right', v) : msg('w.l2.not-bridged', v),
    routed:
      way === 'routed'
        ? msg('w.l2.routed-right', v)
        : way === 'local'
          ? msg('w.l2.is-local', v)
          : msg('w.l2.not-routed', v),
    local:
      way === 'local'
        ? msg('w.l2.local-right', v)
        : way === 'routed'
          ? msg('w.l2.not-local', v)
          : msg('w.l2.not-routed', v),
  };
  const choice = (w: Way): MChoice => ({
    id: w,
    text: msg(w === 'bridged' ? 'c.bridged' : w === 'routed' ? 'c.routed' : 'c.local', v),
    why: why[w],
  });
  const ways: Way[] = ['bridged', 'routed', 'local'];
  const c = arrange(choice(way), ways.map(choice), seed);
  if (!c) return null;
  return {
    kind: 'l2l3',
    event: e.step,
    netns: e.netns,
    prompt: msg('p.l2l3', { bridge, netns: e.netns, dst: ip.dst }),
    ...c,
    decided: { table: 'fdb', netns: e.netns, row },
  };
}
