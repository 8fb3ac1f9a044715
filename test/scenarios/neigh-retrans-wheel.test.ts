/**
 * A resolving neighbour's solicitations follow the timer wheel (net/core/neighbour.c arms
 * neigh->timer with mod_timer; kernel/time/timer.c rounds a 250-jiffy timer up to the next
 * 8-jiffy bucket). Measured on 6.18 (HZ=250), two veths in namespaces, `ping -c 1 -W 6` to an
 * absent address, tcpdump -tt on the sender, four runs: ARP requests 1.0050 to 1.0302 s apart
 * (one run: 1.0287, 1.0280), neighbour solicitations 1.0052 to 1.0240 s apart (1.0052,
 * 1.0240); never 1.000 and never more than one bucket (32 ms) late. Seed 1009's router sent
 * its ARP retries 1.0198 and 1.0239 s apart. The fixture runs on the kernel too
 * (`npx tsx src/cli/conformance.ts test/fixtures/kernel/neigh-retrans-wheel.yaml`).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario, traceFlow } from '../../src/engine';

const FILE = 'test/fixtures/kernel/neigh-retrans-wheel.yaml';

/** Seconds between the solicitations a sent for the flow's target. */
function gaps(flow: string, solicitation: (c: { layers: { proto: string; type?: unknown }[] }) => boolean) {
  const t = traceFlow(loadScenario(readFileSync(FILE, 'utf8'), FILE), flow);
  const sent = t.captures.filter((c) => c.netns === 'a' && c.direction === 'tx' && solicitation(c));
  expect(sent).toHaveLength(3);
  return sent.slice(1).map((c, i) => (c.time - sent[i]!.time) / 1e6);
}

/** Later than 1 s by one jiffy to one 8-jiffy bucket (4 to 32 ms), as every kernel gap was. */
function inBucket(g: number): void {
  expect(g).toBeGreaterThanOrEqual(1.004 - 1e-9);
  expect(g).toBeLessThanOrEqual(1.032 + 1e-9);
}

describe('neighbour retransmissions ride the timer wheel', () => {
  it('sends ARP requests a bucket past retrans_time apart, as the kernel did', () => {
    for (const g of gaps('arp-retries', (c) => c.layers.some((l) => l.proto === 'arp'))) inBucket(g);
  });

  it('sends neighbour solicitations the same way', () => {
    const ns = (c: { layers: { proto: string; type?: unknown }[] }): boolean =>
      c.layers.some((l) => l.proto === 'icmpv6' && l.type === 135);
    for (const g of gaps('ndp-retries', ns)) inBucket(g);
  });
});
