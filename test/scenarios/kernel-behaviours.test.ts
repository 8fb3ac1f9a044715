/**
 * Behaviours the real kernel showed on minimal scenarios (issue 16). Each fixture under
 * test/fixtures/kernel runs on the kernel too (`npm run -s lab -- <file> --flow <id> | bash`
 * or `npm run conformance -- <file>`); the expected values here are what the kernel sent
 * and printed there.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario, traceFlow, type Capture, type Trace } from '../../src/engine';
import type { Ipv4Layer, Layer } from '../../src/engine/net/layers';

function fixtureTrace(name: string, flow: string): Trace {
  const file = `test/fixtures/kernel/${name}.yaml`;
  return traceFlow(loadScenario(readFileSync(file, 'utf8'), file), flow);
}

const at = (t: Trace, netns: string, iface: string, dir: 'tx' | 'rx'): Capture[] =>
  t.captures.filter((c) => c.netns === netns && c.interface === iface && c.direction === dir);
const l4 = (c: Capture): Layer | undefined => c.layers.find((l) => l.proto === 'udp' || l.proto === 'tcp');
const ipOf = (c: Capture): Ipv4Layer | undefined => c.layers.find((l): l is Ipv4Layer => l.proto === 'ipv4');

describe('1. UDP sockets set DF (IP_PMTUDISC_WANT)', () => {
  const t = fixtureTrace('udp-df', 'a-udp-b');

  it("sends nc -u's datagram and the server's answer with DF set, as the kernel did", () => {
    const out = at(t, 'a', 'eth0', 'tx').filter((c) => l4(c)?.proto === 'udp');
    const back = at(t, 'a', 'eth0', 'rx').filter((c) => l4(c)?.proto === 'udp');
    expect(out.map((c) => ipOf(c)?.df)).toEqual([true]);
    expect(back.map((c) => ipOf(c)?.df)).toEqual([true]);
    expect(t.verdict).toBe('delivered');
  });
});
