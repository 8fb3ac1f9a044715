/**
 * What an nf_tables ruleset registers with the netfilter core: its base chains (each at its
 * hook and priority, IPv4 for the ip and inet families), whether it needs connection
 * tracking (a ct expression or a nat chain loads nf_conntrack), and how its reject maps to
 * the reply the kernel sends.
 */
import { nfRegistrationTick } from './hook-entries';
import type { NftBaseChain, NftChain, NftRejectWith, NftState, NftTable } from './nft-types';

/** By base chain description: a transaction's copy of the ruleset shares it with the original. */
const registered = new WeakMap<NftBaseChain, number>();

/**
 * A base chain's hook registers when the chain is made (nf_tables_register_hook); declaring it
 * again (`add chain ... { type ...; policy drop; }`) updates it and keeps its place.
 */
export function registerBaseChain(base: NftBaseChain, before: NftBaseChain | undefined): void {
  const was = before && registered.get(before);
  registered.set(base, was ?? nfRegistrationTick());
}

export function baseChainRegistered(chain: NftChain): number {
  return (chain.base && registered.get(chain.base)) ?? 0;
}

/**
 * The base chains of a ruleset and whether it needs conntrack, per family, remembered by
 * state: a ruleset is not changed once attached (every nft command commits a changed copy,
 * nft.ts), and a kube-proxy ruleset has 40,000 chains to look through on every hook.
 */
const baseChainsOf = new WeakMap<NftState, { table: NftTable; chain: NftChain }[]>();
const conntrackOf = new WeakMap<NftState, Map<string, boolean>>();

export function nftBaseChains(st: NftState | undefined): { table: NftTable; chain: NftChain }[] {
  if (!st) return [];
  let out = baseChainsOf.get(st);
  if (!out) {
    out = [];
    for (const table of st.tables)
      for (const chain of table.chains.values()) if (chain.base) out.push({ table, chain });
    baseChainsOf.set(st, out);
  }
  return out;
}

/** Whether the tables `sees` keeps load conntrack; `family` names the filter for the memory. */
export function nftNeedsConntrack(st: NftState, family: string, sees: (t: NftTable) => boolean): boolean {
  let byFamily = conntrackOf.get(st);
  if (!byFamily) conntrackOf.set(st, (byFamily = new Map()));
  let needs = byFamily.get(family);
  if (needs === undefined) {
    needs = st.tables
      .filter(sees)
      .some((t) =>
        [...t.chains.values()].some(
          (c) =>
            c.base?.type === 'nat' ||
            c.rules.some((r) =>
              r.exprs.some((e) => (e.op === 'cmp' || e.op === 'vmap') && e.field.startsWith('ct ')),
            ),
        ),
      );
    byFamily.set(family, needs);
  }
  return needs;
}

/** nft_reject: the REJECT codes the kernel's reject helpers send (icmpx maps onto ICMP for IPv4). */
export function nftRejectHow(w: NftRejectWith | undefined): string {
  if (!w) return 'icmp-port-unreachable';
  if (w.kind === 'tcp reset') return 'tcp-reset';
  // ip6t_REJECT's names for the ICMPv6 codes (REJECT6_CODES in the engine).
  if (w.kind === 'icmpv6') return `icmp6-${w.type === 'admin-prohibited' ? 'adm-prohibited' : w.type}`;
  const icmpx: Record<string, string> = {
    'no-route': 'net-unreachable',
    'admin-prohibited': 'admin-prohibited',
  };
  return `icmp-${w.kind === 'icmpx' ? (icmpx[w.type] ?? w.type) : w.type}`;
}
