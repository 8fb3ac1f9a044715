/**
 * The SYN retransmission schedule against the kernel's: curl -m 12 to a port whose SYNs are
 * dropped, on 6.18 (tcp_syn_linear_timeouts 4, tcp_syn_retries 6), sent SYNs at 0, 1.02,
 * 2.04, 3.07, 4.09, 5.12, 7.13 and 11.39 s.
 */
import { describe, expect, it } from 'vitest';
import { World } from '../world';
import { synRetransmitDelayUs } from './tcp';

describe('synRetransmitDelayUs', () => {
  it('keeps 1 s for five retransmissions, then doubles, as the kernel did', () => {
    const ns = new World('syn-timer').addMachine('h').root;
    let t = 0;
    const times = [0];
    for (let n = 1; ; n++) {
      const d = synRetransmitDelayUs(ns, n);
      if (d === undefined) break;
      t += d;
      times.push(t / 1e6);
    }
    // The model stops after tcp_syn_retries (6) retransmissions; the kernel's limit is a time
    // (retransmits_timed_out) and it sent a 7th at 11 s: beyond every flow's timeout (curl -m 10).
    expect(times).toEqual([0, 1, 2, 3, 4, 5, 7]);
  });
});
