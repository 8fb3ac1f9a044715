/** Causes are named from the differences' texts, the flow and the world's setup. */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../engine';
import { randomScenario } from '../../engine/scenario/random/generate';
import { classify } from './classify';

const s = loadScenario(randomScenario(3).yaml, 'random-3.yaml');

describe('classify', () => {
  it('names the UDP DF behaviour only for nc -u', () => {
    const d = ['h0a/eth0 tx frame 1: ipv4.df: kernel true, trace false'];
    expect(classify(s, 'nc -u -w 2 10.12.0.10 53', d)).toMatch(/^1 UDP/);
    expect(classify(s, 'ping -c 1 10.12.0.10', d)).toBe('unclassified: ipv4.df');
  });

  it('names a retransmitted SYN and a redirect', () => {
    expect(
      classify(s, 'nc -z -v -w 2 10.10.0.10 80', [
        'h1a/eth0 tx frame 3: the kernel sent a frame the trace lacks (eth/ipv4/tcp S)',
      ]),
    ).toMatch(/^7 SYN/);
    expect(
      classify(s, 'ping -c 1 10.9.0.1', [
        'r/eth0 tx frame 2: the trace has a frame the kernel did not send (eth/ipv4/icmp 5/1)',
      ]),
    ).toMatch(/^2 ICMP redirects/);
  });

  it("names seed 1006's server SYN-ACKs and neighbour probe, not the client's SYN", () => {
    // Measured on the kernel (seed 1006 f1): the server answers each retransmitted SYN, and
    // r2 meets r1's unicast probe 5.1 s after its entry went from STALE to DELAY.
    const d = [
      'r2/eth0 tx frame 8: eth.type: kernel 2054, trace 2048',
      'r2/eth0 tx frame 9: the kernel sent a frame the trace lacks (eth/ipv4/tcp S)',
      'r2/eth0 rx frame 3: the kernel sent a frame the trace lacks (eth/ipv4/tcp S.)',
    ];
    expect(classify(s, 'curl http://10.10.0.10/', d)).toMatch(/^SYN-ACK retransmission/);
    expect(classify(s, 'curl http://10.10.0.10/', d.slice(0, 2))).toMatch(/^neighbour re-confirmation/);
  });

  it('names a frame the kernel dropped for its size on receive, when the world has a smaller MTU', () => {
    const mtu = loadScenario(randomScenario(1).yaml, 'random-1.yaml');
    const d = ['r1/eth0 rx frame 2: the trace has a frame the kernel did not send (eth/ipv4/icmp 8/0)'];
    expect(classify(mtu, 'ping -c 1 -s 1300 -M do 10.11.0.99', d)).toMatch(/^MTU: a veth drops/);
    expect(classify(s, 'ping -c 1 10.11.0.99', d)).toMatch(/^unclassified/);
  });

  it("names an output-only difference as the applications' words", () => {
    expect(classify(s, 'nc -z 10.77.0.1 80', ['output line 1: kernel "a", trace "b"'])).toMatch(/^8 /);
  });
});
