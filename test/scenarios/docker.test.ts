/** docker-bridge east-west: docker0 switches between containers after learning their MACs. */
import { describe, expect, it } from 'vitest';
import { echoes, finalRows, ip, trace } from '../helpers';

describe('docker-bridge: c1-ping-c2', () => {
  const t = trace('docker-bridge', 'c1-ping-c2');

  it('is delivered with TTL 64 and no NAT', () => {
    expect(t.verdict).toBe('delivered');
    expect(ip(echoes(t, 'request', 'c2', 'eth0', 'rx')[0]!)).toMatchObject({
      src: '172.17.0.2',
      dst: '172.17.0.3',
      ttl: 64,
    });
  });

  it("learns c1's MAC on c1's veth and forwards at L2 by that FDB", () => {
    expect(finalRows(t, 'host1', 'fdb')).toContain('02:42:ac:11:00:02 dev veth6f8a2b1 master docker0');
    const fwd = t.events.find(
      (e) => e.kind === 'bridge-forward' && e.decidedBy?.row.startsWith('02:42:ac:11:00:03'),
    );
    expect(fwd?.decidedBy?.row).toBe('02:42:ac:11:00:03 dev vethb41c9d0 master docker0');
    // Switched, not routed: the host's IP stack never sees the echo.
    expect(
      t.events.some((e) => e.netns === 'host1' && (e.kind === 'forward' || e.kind === 'route-lookup')),
    ).toBe(false);
  });
});
