/**
 * Multipath default routes on the random world: a host on a middle segment spreads its
 * default route over both routers (`nexthop via L weight a nexthop via R weight b`), and the
 * hash seed is pinned so that the kernel picks the same next hop on every run (a seed of 0
 * is a random key per namespace). Drawn from a stream of its own: a world without it is what
 * it was before.
 */
import { Rng } from './rng';
import { leftGw, rightGw, type Gen } from './world';

export function addMultipath(g: Gen): void {
  const rng = new Rng((g.seed * 0x2545f491) ^ 0x9e3779b9);
  const last = g.segments.length - 1;
  for (const [name, k] of g.hosts) {
    if (k === 0 || k === last || !rng.chance(0.5)) continue;
    const m = g.machines.get(name)!;
    const at = m.setup.findIndex((l) => l.startsWith('ip route add default via '));
    if (at < 0) continue;
    g.features.add('multipath routes');
    const w = (): number => rng.pick([1, 1, 2, 3]);
    m.setup.splice(
      at,
      1,
      `sysctl -w net.ipv4.fib_multipath_hash_seed=${rng.int(1, 65535)}`,
      `ip route add default nexthop via ${leftGw(k)} weight ${w()} nexthop via ${rightGw(k)} weight ${w()}`,
    );
  }
}
