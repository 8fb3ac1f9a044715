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

/**
 * Random seed 1001 (test/fixtures/random/segment-mtu.yaml): the pod p0a pings 10.11.0.99 with 1300
 * bytes and DF across s0, where r1's eth0 has MTU 1280. The kernel never received the
 * 1342-byte frame on r1/eth0 (more than 1280 + 14 + 4): the frame is dropped on the wire's
 * receiving end, as a veth does (is_skb_forwardable), and nothing goes on to s1.
 */
describe('a segment delivers only frames that fit the receiving NIC', () => {
  const m = loadScenario(readFileSync('test/fixtures/random/segment-mtu.yaml', 'utf8'), 'segment-mtu.yaml');
  const t = traceFlow(m, m.flows[0]!.id);
  it('drops the too-long ping at r1/eth0 and r1 sends nothing on', () => {
    const at = (ns: string, dev: string, dir: string) =>
      t.captures.filter((c) => c.netns === ns && c.interface === dev && c.direction === dir);
    expect(at('r1', 'eth0', 'rx').filter((c) => c.layers.some((l) => l.proto === 'icmp'))).toEqual([]);
    expect(at('r1', 'eth1', 'tx')).toEqual([]);
    expect(JSON.stringify(t.events)).toContain('drop.not-forwardable');
  });
});
