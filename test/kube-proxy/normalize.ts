/**
 * How the kube-proxy rule tests compare the model's output with the text kube-proxy's own
 * tests expect (pkg/proxy/iptables and pkg/proxy/nftables proxier_test.go, release 1.33).
 *
 * iptables-restore input is compared as assertIPTablesRulesEqual does: chain declarations as
 * a set, each chain's rules in order, except that the rules of the chains every Service writes
 * into (its map iteration order is random) are compared sorted, the NodePorts jump last.
 * `nft -f` text is compared as knftables' fake does: each chain's rules in order, everything
 * else (table, sets, maps, chains, elements) as a set. Counters are never part of either.
 */

/** The ServicePort-ordered chains: kube-proxy's own tests sort these. */
const UNORDERED = new Set([
  'KUBE-SERVICES',
  'KUBE-NODEPORTS',
  'KUBE-EXTERNAL-SERVICES',
  'KUBE-PROXY-FIREWALL',
]);

export interface RestoreTable {
  /** ":CHAIN - [0:0]" declarations, sorted. */
  chains: string[];
  /** chain -> its "-A" rules. */
  rules: Record<string, string[]>;
  /** The chains the batch deletes ("-X CHAIN"). */
  deleted: string[];
}

/** {table: {chains, rules, deleted}} of an iptables-restore batch. */
export function normalize(restore: string): Record<string, RestoreTable> {
  const out: Record<string, RestoreTable> = {};
  let table = '';
  for (const line of restore.split('\n').map((l) => l.trim())) {
    if (line.startsWith('*')) out[(table = line.slice(1))] = { chains: [], rules: {}, deleted: [] };
    else if (line.startsWith(':')) out[table]!.chains.push(line);
    else if (line.startsWith('-X ')) out[table]!.deleted.push(line.slice(3));
    else if (line.startsWith('-A ')) {
      const chain = line.split(' ')[1]!;
      (out[table]!.rules[chain] ??= []).push(line);
    }
  }
  for (const t of Object.values(out)) {
    t.chains.sort();
    for (const [chain, rules] of Object.entries(t.rules)) {
      if (!UNORDERED.has(chain)) continue;
      const last = rules.filter((r) => r.includes('NOTE: this must be the last rule'));
      t.rules[chain] = [...rules.filter((r) => !last.includes(r)).sort(), ...last];
    }
  }
  return out;
}

/** {rules: chain -> its rules in order, other: every other line, sorted} of `nft -f` text. */
export function normalizeNft(text: string): { rules: Record<string, string[]>; other: string[] } {
  const rules: Record<string, string[]> = {};
  const other: string[] = [];
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^add rule ip6? kube-proxy (\S+) /.exec(line);
    if (m) (rules[m[1]!] ??= []).push(line);
    else other.push(line);
  }
  return { rules, other: other.sort() };
}
