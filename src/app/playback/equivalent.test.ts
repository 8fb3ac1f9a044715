import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario, traceFlow } from '../../engine';
import { equivalentStep } from './equivalent';

const scenario = loadScenario(
  readFileSync('scenarios/flannel-host-gw.yaml', 'utf8'),
  'scenarios/flannel-host-gw.yaml',
);
const FLOW = 'pod1-ping-pod3';
const before = traceFlow(scenario, FLOW);
const noRoute = traceFlow(scenario, FLOW, { exec: [{ netns: 'A', line: 'ip route del 10.1.16.0/24' }] });
const last = before.events.length - 1;

describe('equivalentStep', () => {
  it('keeps the step when the journey is the same', () => {
    const again = traceFlow(scenario, FLOW);
    for (const s of [0, 5, 20, last]) expect(equivalentStep(before.events, s, again.events)).toBe(s);
  });

  it('keeps a step the new journey still reaches the same way', () => {
    // pod1's echo request leaves eth0 before node A looks up a route: deleting A's route changes nothing there.
    const tx = before.events.findIndex((e) => e.kind === 'tx' && e.netns === 'pod1' && e.packet?.[1]);
    expect(tx).toBeGreaterThan(0);
    const s = equivalentStep(before.events, tx, noRoute.events);
    expect(noRoute.events[s]).toMatchObject({ kind: 'tx', netns: 'pod1', interface: 'eth0' });
  });

  it('goes to the drop when the new journey ends before the step', () => {
    // Without a route to pod3's subnet, A drops the echo request (and answers "net unreachable"):
    // the delivery in pod3 no longer happens, and the drop in A is where that journey stopped.
    expect(before.events[last]).toMatchObject({ kind: 'deliver' });
    const s = equivalentStep(before.events, last, noRoute.events);
    expect(noRoute.events[s]).toMatchObject({ kind: 'drop', netns: 'A' });
  });

  it('finds the same event at a new index when events before it came or went', () => {
    // With pod1's gateway already in its neighbour table, pod1 sends at once: no ARP in pod1.
    const mac = before.topology.netns
      .find((n) => n.name === 'A')!
      .interfaces.find((i) => i.name === 'cni0')!.mac;
    const known = traceFlow(scenario, FLOW, {
      exec: [{ netns: 'pod1', line: `ip neigh add 10.1.15.1 lladdr ${mac} dev eth0 nud permanent` }],
    });
    const echo = (t: typeof before) =>
      t.events.findIndex(
        (e) => e.kind === 'tx' && e.netns === 'pod1' && e.packet?.some((l) => l.proto === 'icmp'),
      );
    expect(echo(known)).toBeLessThan(echo(before));
    const rx = before.events.findIndex((e) => e.kind === 'rx' && e.netns === 'pod3');
    const s = equivalentStep(before.events, rx, known.events);
    expect(s).toBeLessThan(rx);
    expect(known.events[s]).toMatchObject({ kind: 'rx', netns: 'pod3', interface: 'eth0' });
  });

  it('falls back to the last event both journeys share when the step is gone and nothing drops', () => {
    // Undoing the change: the ICMP error back to pod1 is gone, and the new journey does not drop.
    const err = noRoute.events.findIndex((e) => e.kind === 'icmp-error');
    const s = equivalentStep(noRoute.events, err, before.events);
    const drop = noRoute.events.findIndex((e) => e.kind === 'drop');
    expect(s).toBe(drop - 1);
    expect(before.events[s]).toMatchObject({ netns: noRoute.events[drop - 1]!.netns });
  });
});
