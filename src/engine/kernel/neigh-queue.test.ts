/**
 * The unresolved-neighbour queue is bounded in bytes of truesize (unres_qlen_bytes, 212992 by
 * default), not in packets: a router kept all four SYN-ACKs queued behind a failing ARP and
 * answered each with a host unreachable (kernel 6.18, random seed 1009 f1), where a bound of
 * three packets lost the first.
 */
import { describe, expect, it } from 'vitest';
import type { Layer } from '../net/layers';
import { neighEnqueue, skbTruesize, UNRES_QLEN_BYTES, type QueuedPacket } from './neigh-queue';

const ip = (payload: number): QueuedPacket => ({
  skb: {
    id: payload,
    layers: [
      {
        proto: 'ipv4',
        src: '10.0.0.1',
        dst: '10.0.0.2',
        ttl: 64,
        protocol: 17,
        id: 0,
        df: true,
        tos: 0,
      } as Layer,
      { proto: 'udp', sport: 1, dport: 2 } as Layer,
    ],
    payload,
    mark: 0,
  },
  done: () => {},
});

describe('neighEnqueue', () => {
  it('keeps every one of a few small packets', () => {
    const q: QueuedPacket[] = [];
    for (let i = 0; i < 5; i++) neighEnqueue(q, ip(10 + i));
    expect(q.map((x) => x.skb.payload)).toEqual([10, 11, 12, 13, 14]);
  });

  it('drops the oldest once the bytes are spent', () => {
    const q: QueuedPacket[] = [];
    for (let i = 0; i < 120; i++) neighEnqueue(q, ip(1472));
    const each = skbTruesize(q[0]!.skb);
    expect(each).toBe(2048 + 256);
    expect(q.length).toBe(Math.floor(UNRES_QLEN_BYTES / each));
  });
});
