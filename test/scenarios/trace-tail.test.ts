/**
 * The stretch of time after a flow's program exits. Random seed 6 (minimised into
 * test/fixtures/random/arp-after-exit.yaml): nc -z -w 2 through a gateway that never answers.
 * The kernel sent ARP probes at about 0, 1.02 and 2.04 s (mcast_solicit 3, retrans_time 1 s);
 * the third left just after nc's 2 s timeout and the lab, capturing 0.5 s longer, saw it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario, traceFlow } from '../../src/engine';

const file = 'test/fixtures/random/arp-after-exit.yaml';
const s = loadScenario(readFileSync(file, 'utf8'), file);
const arps = (tailUs?: number): number =>
  traceFlow(s, 'f1', { tailUs })
    .captures.filter((c) => c.netns === 'h1a' && c.interface === 'eth0' && c.direction === 'tx')
    .filter((c) => c.layers[1]?.proto === 'arp').length;

describe('tailUs: the model keeps running after the program exits', () => {
  it('records the third ARP probe the kernel sent after nc gave up', () => {
    expect(arps()).toBe(2);
    expect(arps(500_000)).toBe(3);
  });
});
