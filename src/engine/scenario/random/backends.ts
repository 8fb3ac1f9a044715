/**
 * iptables-legacy and iptables-nft in the random world: a machine's rules go to one front end
 * or the other, or are split between them rule by rule, so both rule sets run on the same
 * hooks (a drop in either drops; the one registered later runs first). Drawn from a stream of
 * its own so that the rest of a seed's world stays what it was before this existed.
 */
import { Rng } from './rng';
import type { Gen } from './world';

const IPTABLES = /^iptables /;

export function addXtBackends(g: Gen): void {
  const rng = new Rng((g.seed ^ 0x1e9ac7) >>> 0);
  for (const m of g.machines.values()) {
    if (!m.setup.some((l) => IPTABLES.test(l))) continue;
    const r = rng.next();
    if (r < 0.6) continue;
    const split = r >= 0.8;
    g.features.add(split ? 'iptables-legacy + iptables-nft' : 'iptables-legacy');
    m.setup = m.setup.map((l) => {
      if (!IPTABLES.test(l)) return l;
      const tool = !split || rng.chance(0.5) ? 'iptables-legacy' : 'iptables-nft';
      return l.replace(IPTABLES, `${tool} `);
    });
  }
}
