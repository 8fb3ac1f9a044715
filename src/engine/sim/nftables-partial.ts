/**
 * Big nftables rule sets in the Trace. kube-proxy's nftables mode writes a few chains and a
 * few map elements a Service: at 10,000 Services `nft list ruleset` is 17 MB, and printing it
 * for each namespace the journey touched was most of a trace. Such a ruleset is recorded in
 * part, as a big iptables table is (iptables-partial.ts): its state is frozen (each chain's
 * rules and each set's elements as they stood, by reference), and when the flow has ended
 * only the table headers, the base chains, the chains the journey walked and the sets become
 * lines, in `nft list ruleset`'s order and layout. Of a big set only the elements that point
 * at a walked chain are kept (kube-proxy's service-ips map names each Service's chain). The
 * whole ruleset stays one request away (netnsTables).
 */
import type { Netns } from '../kernel/netns';
import { chainLines, nftRuleText, setLineCount, setLines } from '../kernel/netfilter/nft-text';
import type { NftChain, NftSet, NftTable } from '../kernel/netfilter/nft-types';
import type { Rows } from '../commands/show';

/** A namespace with more rules and set elements than this has its ruleset recorded in part. */
export const PARTIAL_NFT = 2000;

/** A set with more elements than this keeps only those that name a walked chain. */
export const BIG_SET = 256;

/** A walked chain with more rules than this keeps only the rules the journey evaluated. */
export const LONG_NFT_CHAIN = 256;

/** The ruleset as it stood: each table's sets and chains, with their elements and rules then. */
export interface FrozenNftables {
  tables: { t: NftTable; sets: NftSet[]; chains: NftChain[] }[];
  /** Lines of the whole `nft list ruleset`. */
  total: number;
}

/**
 * A committed table's chains, listed once: a transaction (`nft -f`) works on a copy of every
 * table and replaces the namespace's ruleset when it commits, so a committed table's chain map,
 * chains and rule arrays never change; only a dynamic set's elements do (a new array each time).
 * A snapshot of the ruleset shares them, as a copy-on-write copy would.
 */
interface TableChains {
  map: NftTable['chains'];
  size: number;
  chains: NftChain[];
  /** Each chain's place in `chains`, by name, and the places of the base chains. */
  pos: Map<string, number>;
  base: number[];
  rules: number;
  /** The chains' lines in `nft list ruleset`. */
  lines: number;
}
const tableChains = new WeakMap<NftTable, TableChains>();

function chainsOf(t: NftTable): TableChains {
  const known = tableChains.get(t);
  if (known && known.map === t.chains && known.size === t.chains.size) return known;
  const chains = [...t.chains.values()];
  const pos = new Map<string, number>();
  const base: number[] = [];
  let rules = 0;
  let lines = 0;
  chains.forEach((c, i) => {
    pos.set(c.name, i);
    if (c.base) base.push(i);
    rules += c.rules.length;
    lines += 2 + (c.comment !== undefined ? 1 : 0) + (c.base ? 1 : 0) + c.rules.length;
  });
  const tc = { map: t.chains, size: t.chains.size, chains, pos, base, rules, lines };
  tableChains.set(t, tc);
  return tc;
}

/** The nftables ruleset of `ns`, frozen, when it holds more than PARTIAL_NFT rules and elements. */
export function freezeNftables(ns: Netns): FrozenNftables | undefined {
  const st = ns.nftables;
  if (!st) return undefined;
  let items = 0;
  for (const t of st.tables) {
    items += chainsOf(t).rules;
    for (const s of t.sets.values()) items += s.elems.length;
  }
  if (items <= PARTIAL_NFT) return undefined;
  let total = 0;
  const tables = st.tables.map((t) => {
    // The set objects are copied (a dynamic set gets new element arrays), their arrays shared.
    const sets = [...t.sets.values()].map((s) => ({ ...s }));
    const { chains, lines } = chainsOf(t);
    total += 2 + (t.comment !== undefined ? 1 : 0) + Math.max(0, sets.length + chains.length - 1);
    for (const s of sets) total += setLineCount(s);
    total += lines;
    return { t, sets, chains };
  });
  return { tables, total };
}

/** Do two frozen rulesets hold the same tables, sets, elements, chains and rules? */
export function sameFrozenNft(a: FrozenNftables, b: FrozenNftables): boolean {
  if (a.total !== b.total || a.tables.length !== b.tables.length) return false;
  const same = <T>(x: readonly T[], y: readonly T[]): boolean =>
    x === y || (x.length === y.length && x.every((v, i) => v === y[i]));
  return a.tables.every((x, i) => {
    const y = b.tables[i]!;
    if (x.t !== y.t || x.sets.length !== y.sets.length || x.chains.length !== y.chains.length) return false;
    const setsSame = x.sets.every((s, k) => {
      const o = y.sets[k]!;
      return s.name === o.name && same(s.elems, o.elems) && same(s.data, o.data);
    });
    return (
      setsSame &&
      (x.chains === y.chains ||
        x.chains.every((c, k) => c.name === y.chains[k]!.name && same(c.rules, y.chains[k]!.rules)))
    );
  });
}

/** A big map's elements by the chain their verdict jumps or goes to (element indexes, in order). */
const byTarget = new WeakMap<NftSet['data'], Map<string, number[]>>();

function targetsOf(data: NftSet['data']): Map<string, number[]> {
  let m = byTarget.get(data);
  if (m) return m;
  m = new Map();
  for (let i = 0; i < data.length; i++) {
    const d = data[i]!;
    if (!('kind' in d) || (d.kind !== 'jump' && d.kind !== 'goto')) continue;
    const xs = m.get(d.chain);
    if (xs) xs.push(i);
    else m.set(d.chain, [i]);
  }
  byTarget.set(data, m);
  return m;
}

/** Of a big set, the elements whose data jumps or goes to a walked chain (of its table). */
function keptSet(s: NftSet, walked: ReadonlySet<string>): NftSet {
  if (s.elems.length <= BIG_SET) return s;
  const targets = targetsOf(s.data);
  const keep = [...walked].flatMap((name) => targets.get(name) ?? []).sort((a, b) => a - b);
  return { ...s, elems: keep.map((i) => s.elems[i]!), data: keep.map((i) => s.data[i]!) };
}

/** The base chains and the walked ones of a frozen table, in the table's order. */
function shownChains(t: NftTable, chains: NftChain[], walked: ReadonlySet<string>): NftChain[] {
  const { pos, base } = chainsOf(t);
  const at = [...base];
  for (const name of walked) {
    const i = pos.get(name);
    if (i !== undefined && !chains[i]!.base) at.push(i);
  }
  return at.sort((a, b) => a - b).map((i) => chains[i]!);
}

/** The walked chains of each table ("FAMILY NAME"), from "FAMILY NAME\0CHAIN" keys. */
function walkedByTable(walked: ReadonlySet<string>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const k of walked) {
    const cut = k.indexOf('\u0000');
    if (cut < 0) continue;
    const table = k.slice(0, cut);
    let names = out.get(table);
    if (!names) out.set(table, (names = new Set()));
    names.add(k.slice(cut + 1));
  }
  return out;
}

/**
 * The lines of a frozen ruleset restricted to the base chains and those in `walked`
 * ("FAMILY NAME\0CHAIN" keys), in `nft list ruleset` order. Of a chain longer than
 * LONG_NFT_CHAIN only the rules whose row is in `named` ("FAMILY NAME\0ROW") are kept.
 */
export function partialNftRows(
  f: FrozenNftables,
  walked: ReadonlySet<string>,
  named: ReadonlySet<string> = new Set(),
): Rows {
  const rows: string[] = [];
  const origins: string[] = [];
  const push = (ls: string[]): void => {
    rows.push(...ls);
    origins.push(...ls.map(() => ''));
  };
  const byTable = walkedByTable(walked);
  for (const { t, sets, chains } of f.tables) {
    const table = `${t.family} ${t.name}`;
    const walkedHere = byTable.get(table) ?? new Set<string>();
    push([`table ${table} {`, ...(t.comment !== undefined ? [`\tcomment "${t.comment}"`] : [])]);
    const top = rows.length;
    const blank = (): void => void (rows.length > top && push(['']));
    for (const s of sets) {
      blank();
      push(setLines(keptSet(s, walkedHere)));
    }
    for (const c of shownChains(t, chains, walkedHere)) {
      const shown =
        c.rules.length > LONG_NFT_CHAIN
          ? { ...c, rules: c.rules.filter((r) => named.has(`${table}\u0000\t\t${nftRuleText(t.family, r)}`)) }
          : c;
      blank();
      rows.push(...chainLines(t, shown, origins));
    }
    push(['}']);
  }
  return { rows, origins };
}
