/**
 * Entries of equal priority at one hook: nf_hook_entries_grow (net/netfilter/core.c) copies the
 * old entries while `reg->priority > orig_ops[i]->priority` and inserts the new one before the
 * first entry whose priority is not lower, so the one registered last runs first. An nft chain
 * at `hook input priority 0` sets mark 1; the other front end, made before or after it, counts
 * what it sees with mark 1 and with mark 0. Expected values: scripts/hook-order-check.sh on
 * the kernel (6.x), which printed, per packet reaching INPUT:
 *   iptables-legacy, mark-setter-first: mark 1: 0, mark 0: 2   counter-first: mark 1: 2, mark 0: 0
 *   iptables-nft,    (the same)         nft (a second table),   (the same)
 */
import { describe, expect, it } from 'vitest';
import { nfHost, tcp } from '../../../../test/nf-test-kit';

const SETS_MARK = [
  'nft add table ip a',
  "nft add chain ip a c '{ type filter hook input priority 0; }'",
  'nft add rule ip a c meta mark set 1',
];

const COUNTERS: Record<string, string[]> = {
  'iptables-legacy': [
    'iptables-legacy -A INPUT -m mark --mark 1',
    'iptables-legacy -A INPUT -m mark --mark 0',
  ],
  'iptables-nft': ['iptables-nft -A INPUT -m mark --mark 1', 'iptables-nft -A INPUT -m mark --mark 0'],
  nft: [
    'nft add table ip b',
    "nft add chain ip b c '{ type filter hook input priority 0; }'",
    'nft add rule ip b c meta mark 1 counter',
    'nft add rule ip b c meta mark 0 counter',
  ],
};

/** Packets the counting front end saw with mark 1 and with mark 0. */
function seen(tool: string, setup: string[]): [number, number] {
  const h = nfHost(setup);
  expect(h.hook('INPUT', tcp('10.0.0.5', 40000, '10.0.0.1', 80), { in: 'eth0' })).not.toBeNull();
  if (tool !== 'nft')
    return h.counters('filter', 'INPUT', tool === 'iptables-legacy' ? 'legacy' : 'nft') as [number, number];
  const out = h.sh('nft list chain ip b c');
  const n = (m: string): number => Number(new RegExp(`mark ${m} counter packets (\\d+)`).exec(out)?.[1]);
  return [n('0x00000001'), n('0x00000000')];
}

describe('hook entries of equal priority: the one registered last runs first', () => {
  for (const tool of ['iptables-legacy', 'iptables-nft', 'nft']) {
    it(`${tool} made after the nft chain runs before it: it sees mark 0`, () => {
      expect(seen(tool, [...SETS_MARK, ...COUNTERS[tool]!])).toEqual([0, 1]);
    });
    it(`${tool} made before the nft chain runs after it: it sees mark 1`, () => {
      expect(seen(tool, [...COUNTERS[tool]!, ...SETS_MARK])).toEqual([1, 0]);
    });
  }
});
