/**
 * test/fixtures/kernel/multipath.yaml: router r reaches 10.9.0.0/24 by x and y with equal
 * weights and the hash seed pinned to 1. On the kernel (`npm run conformance --
 * test/fixtures/kernel/multipath.yaml`: 4 flows, 140 frames, all agreeing) a's ping to b
 * crossed x, its ping to c crossed y, and r's own ping to c left by y from 10.2.0.1.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario, traceFlow, type Trace } from '../../src/engine';

const file = 'test/fixtures/kernel/multipath.yaml';
const s = loadScenario(readFileSync(file, 'utf8'), file);
/** The routers whose link from r (their eth0) received an IPv4 packet of the flow. */
const routers = (t: Trace): string[] => [
  ...new Set(
    t.captures
      .filter((c) => c.direction === 'rx' && c.interface === 'eth0' && (c.netns === 'x' || c.netns === 'y'))
      .filter((c) => c.layers.some((l) => l.proto === 'ipv4'))
      .map((c) => c.netns),
  ),
];
const firstSrc = (t: Trace): string | undefined => {
  for (const c of t.captures) {
    const ip = c.layers.find((l) => l.proto === 'ipv4');
    if (c.direction === 'tx' && ip?.proto === 'ipv4') return ip.src;
  }
  return undefined;
};

describe('multipath routes pick next hops by the address hash, as the kernel did', () => {
  it('sends a forwarded flow by the next hop its (source, destination) hash falls in', () => {
    expect(routers(traceFlow(s, 'a-ping-b'))).toEqual(['x']);
    // c answers by its default route through x, so the flow crosses both.
    const c = traceFlow(s, 'a-ping-c');
    expect(c.captures.find((x) => x.direction === 'rx' && (x.netns === 'x' || x.netns === 'y'))?.netns).toBe(
      'y',
    );
  });

  it("hashes r's own flow with source 0, then takes the chosen device's address", () => {
    const t = traceFlow(s, 'r-ping-c');
    expect(routers(t)).toEqual(['y']);
    expect(firstSrc(t)).toBe('10.2.0.1');
  });
});
