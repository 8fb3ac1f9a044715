/**
 * The netfilter hooks of one namespace, in the kernel's order: at each hook the tables
 * registered there run by priority (raw, conntrack, mangle, nat, filter), NAT is decided
 * on a connection's first packet and applied from the conntrack entry to every later
 * packet in both directions, and entries are confirmed as the packet leaves.
 */
import { IPPROTO_ICMPV6, type Ipv4Layer, type Layer } from '../../net/layers';
import { ipLength } from '../../net/encode';
import type { Netns } from '../netns';
import { skbWith, type Skb } from '../skb';
import { emit as emitEvent, type Emit } from '../emit';
import type { Hook, HookContext, NetfilterHooks } from '../nf-hook';
import { icmpSendError } from '../stack/icmp';
import { icmpv6Send } from '../stack/icmpv6';
import { selectSource6 } from '../stack/ip6';
import { routeOutput } from '../stack/output';
import { tcpSendReset } from '../stack/tcp';
import type { TraversedRule } from '../trace';
import {
  hookEntries,
  hookOrder,
  nfHookSlow,
  NF_IP_PRI_CONNTRACK,
  NF_IP_PRI_CONNTRACK_CONFIRM,
  NF_IP_PRI_FILTER,
  NF_IP_PRI_MANGLE,
  NF_IP_PRI_NAT_DST,
  NF_IP_PRI_NAT_SRC,
  NF_IP_PRI_RAW,
  type NfHookOps,
  type NfStageResult,
} from './hook-entries';
import {
  Conntrack,
  formatEntry,
  invert,
  isIcmpError,
  isUntracked6,
  key,
  tupleOf,
  type CtEntry,
  type CtInfo,
  type Dir,
} from './conntrack';
import { formatRule } from './xt-text';
import { PassedRuns, traversedCount } from './passed-runs';
import { parseIp } from '../../net/ipv4';
import { ipsetHas } from './ipset';
import { RecentTables } from './recent';
import { ruleMatches, type PacketView } from './match';
import { nftDoChain, type NftChainResult } from './nft-eval';
import { baseChainRegistered, nftBaseChains, nftNeedsConntrack, nftRejectHow } from './nft-hooks';
import { NFT_HOOKS, type NftChain, type NftState, type NftTable } from './nft-types';
import { bindNat, natIcmpError, natPacket, needsManip, pickAddr, type Manip } from './nat';
import type { IptablesState } from './state';
import { isBuiltin, noteNftChains } from './tables';
import { nfRegistrationTick } from './hook-entries';
import type { Rule, Table, TableId, Target } from './types';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'netfilter'> = emitEvent;

const MANIP: Partial<Record<Hook, Manip>> = {
  PREROUTING: 'DST',
  OUTPUT: 'DST',
  POSTROUTING: 'SRC',
  INPUT: 'SRC',
};

/** ip6t_REJECT's ICMPv6 destination unreachable codes (nf_send_unreach6). */
const REJECT6_CODES: Record<string, number> = {
  'icmp6-no-route': 0,
  'icmp6-adm-prohibited': 1,
  'icmp6-addr-unreachable': 3,
  'icmp6-port-unreachable': 4,
  'icmp6-policy-fail': 5,
  'icmp6-reject-route': 6,
  // nft's reject in an ip6 or inet chain (nft_reject_icmpv6_code for icmpx, nftRejectHow's names).
  'icmp-net-unreachable': 0,
  'icmp-admin-prohibited': 1,
  'icmp-host-unreachable': 3,
  'icmp-port-unreachable': 4,
};

const REJECT_CODES: Record<string, number> = {
  'icmp-net-unreachable': 0,
  'icmp-host-unreachable': 1,
  'icmp-proto-unreachable': 2,
  'icmp-port-unreachable': 3,
  'icmp-net-prohibited': 9,
  'icmp-host-prohibited': 10,
  'icmp-admin-prohibited': 13,
};

interface Ct {
  e: CtEntry;
  dir: Dir;
  info: CtInfo;
}

/** One packet's passage through one hook: what the stages read and rewrite in turn. */
interface NfPacket {
  /** NFPROTO_IPV4 or NFPROTO_IPV6: which tables and base chains this hook runs. */
  family: 'ipv4' | 'ipv6';
  hook: Hook;
  ctx: HookContext;
  skb0: Skb;
  /** br_netfilter: the bridged frame's Ethernet header, put back on the way out. */
  eth?: Layer;
  layers: Layer[];
  mark: number;
  ct?: Ct;
  tracking: boolean;
  /** ipt_mangle_out / nf_route_table_hook4: the mangle table changed what routing reads. */
  meHarder?: boolean;
}

/**
 * connmark_tg_shift (no shift): set the entry's mark, save the packet's mark into it, or
 * restore the packet's from it; without a conntrack entry it does nothing.
 */
function connmarkTg(v: PacketView, t: Extract<Target, { kind: 'CONNMARK' }>): void {
  const e = v.ct?.e;
  if (!e) return;
  if (t.mode === 'set') e.mark = ((e.mark & ~t.ctmask) ^ t.ctmark) >>> 0;
  else if (t.mode === 'save') e.mark = ((e.mark & ~t.ctmask) ^ (v.mark & t.nfmask)) >>> 0;
  else v.mark = ((v.mark & ~t.nfmask) ^ (e.mark & t.ctmask)) >>> 0;
}

/** What ip_route_me_harder is called for after mangle OUTPUT: source, destination, tos or mark. */
function routingKey(p: NfPacket): string {
  const ip = p.layers[0] as Ipv4Layer;
  return `${ip.src}|${ip.dst}|${ip.tos}|${p.mark}`;
}

type Outcome =
  | { verdict: 'ACCEPT' | 'DROP' | 'CONTINUE'; rule?: Rule; row: string }
  | { verdict: 'REJECT'; rule: Rule; row: string; with: string }
  | { verdict: 'NAT'; rule: Rule; row: string; target: Target };

/**
 * Install a namespace's rules and its hooks (the iptable_* and conntrack modules register there):
 * iptables-nft's in nf_tables, iptables-legacy's as x_tables tables; both stay registered.
 */
export function attachNetfilter(ns: Netns, state: IptablesState, family: 'ipv4' | 'ipv6' = 'ipv4'): void {
  if (family === 'ipv6') {
    if (state.backend === 'legacy') ns.ip6tablesLegacy = state;
    else ns.ip6tables = state;
  } else if (state.backend === 'legacy') ns.iptablesLegacy = state;
  else ns.iptables = state;
  if (!ns.netfilter) ns.netfilter = new NetfilterEngine(ns);
}

/**
 * A command wrote to `table`: attach the rule set and register what is new. A legacy table
 * registers its hooks on first use (xt_find_table_lock -> table_init), an iptables-nft base
 * chain when iptables-nft makes it; the ticks order entries of equal priority (hook-entries.ts).
 */
export function registerXtHooks(
  ns: Netns,
  state: IptablesState,
  table: TableId,
  family: 'ipv4' | 'ipv6' = 'ipv4',
): void {
  attachNetfilter(ns, state, family);
  noteNftChains(state, table);
  const keys =
    state.backend === 'legacy'
      ? [table]
      : [...state.nftChains].filter((k) => k.startsWith(`${table} `) && isBuiltin(table, k.split(' ')[1]!));
  for (const k of keys) if (!state.registered.has(k)) state.registered.set(k, nfRegistrationTick());
}

/** When `tid`'s hook `hook` of this rule set was registered (0: not yet). */
function stamp(st: IptablesState, tid: TableId, hook: Hook): number {
  return st.registered.get(st.backend === 'legacy' ? tid : `${tid} ${hook}`) ?? 0;
}

/** kube-proxy's per-endpoint comment, "SVC -> IP:PORT" or "SVC -> [IPv6]:PORT": the endpoint's address. */
const ENDPOINT_COMMENT = /--comment "[^"]* -> (?:(\d+\.\d+\.\d+\.\d+)|\[([0-9a-f:.]+)\]):\d+"/;

/** The xtables rule sets that see a family: its -nft tool's and its -legacy tool's. */
export function xtStates(ns: Netns, family: 'ipv4' | 'ipv6' = 'ipv4'): IptablesState[] {
  const out: IptablesState[] = [];
  if (family === 'ipv6') {
    if (ns.ip6tables) out.push(ns.ip6tables);
    if (ns.ip6tablesLegacy) out.push(ns.ip6tablesLegacy);
    return out;
  }
  if (ns.iptables) out.push(ns.iptables);
  if (ns.iptablesLegacy) out.push(ns.iptablesLegacy);
  return out;
}

/** The Trace's table of a family's xtables rules. */
const xtTableName = (family: 'ipv4' | 'ipv6'): 'iptables' | 'ip6tables' =>
  family === 'ipv6' ? 'ip6tables' : 'iptables';

/** The nf_tables families whose base chains see a packet of this family (inet sees both). */
function nftSees(table: NftTable, family: 'ipv4' | 'ipv6'): boolean {
  return table.family === 'inet' || table.family === (family === 'ipv4' ? 'ip' : 'ip6');
}

/** Install a namespace's nf_tables ruleset; it registers on the same hooks as iptables. */
export function attachNftables(ns: Netns, state: NftState): void {
  ns.nftables = state;
  if (!ns.netfilter) ns.netfilter = new NetfilterEngine(ns);
}

export function conntrackOf(ns: Netns): Conntrack | undefined {
  return ns.netfilter instanceof NetfilterEngine ? ns.netfilter.ct : undefined;
}

function pristine(t: Table): boolean {
  for (const c of t.chains.values())
    if (c.rules.length > 0 || (c.policy && c.policy !== 'ACCEPT') || !c.policy) return false;
  return true;
}

/**
 * The end of a base chain: its policy decides, counted and recorded as the row
 * `iptables -S` prints for it (-P HOOK POLICY).
 */
function policyOutcome(table: Table, hook: string, v: PacketView, traversed: TraversedRule[]): Outcome {
  const base = table.chains.get(hook)!;
  base.counters.packets++;
  base.counters.bytes += v.bytes;
  const row = `-P ${hook} ${base.policy ?? 'ACCEPT'}`;
  traversed.push({ table: table.id, chain: hook, row, matched: true });
  return { verdict: base.policy === 'DROP' ? 'DROP' : 'ACCEPT', row };
}

export class NetfilterEngine implements NetfilterHooks {
  readonly ct = new Conntrack();
  private nthCount = new Map<Rule, number>();
  private randomCount = new Map<Rule, number>();
  private numgenCount = new Map<string, number>();
  /** This namespace's xt_recent lists. */
  readonly recent = new RecentTables();
  /** The row of each rule being evaluated (for -m statistic pins). */
  private rows = new WeakMap<Rule, string>();

  constructor(private readonly ns: Netns) {}

  /** Conntrack runs once a rule needs it: any NAT table content or a state/conntrack match (nf_ct_netns_get). */
  private tracking(nft: NftState | undefined, family: 'ipv4' | 'ipv6'): boolean {
    // nf_ct_netns_get is per family: IPv4 rules that track leave IPv6 untracked.
    const v6 = family === 'ipv6';
    if (this.ct.entries.some((e) => (e.orig.v6 !== undefined) === v6)) return true;
    if (nft && nftNeedsConntrack(nft, family, (t) => nftSees(t, family))) return true;
    return xtStates(this.ns, family).some((st) => this.xtTracking(st));
  }

  private xtTracking(st: IptablesState): boolean {
    if (!pristine(st.tables.nat)) return true;
    for (const t of Object.values(st.tables)) {
      for (const c of t.chains.values())
        for (const r of c.rules)
          // xt_conntrack, xt_state, xt_connmark and CONNMARK all take nf_ct_netns_get at checkentry.
          if (
            r.target?.kind === 'CONNMARK' ||
            r.matches.some((m) => m.module === 'conntrack' || m.module === 'state' || m.module === 'connmark')
          )
            return true;
    }
    return false;
  }

  /**
   * The stages this namespace registered: iptables' tables (iptable_raw, ...) once iptables was
   * used, nftables' filter and route base chains at their own priorities, and the conntrack and
   * NAT cores that both front ends share.
   */
  private ops(family: 'ipv4' | 'ipv6'): NfHookOps<NfPacket>[] {
    const v6 = family === 'ipv6';
    const xt = (st: IptablesState, tid: TableId, priority: number, hooks: Hook[]): NfHookOps<NfPacket>[] =>
      hooks.map((hook) => ({
        name:
          st.backend === 'legacy'
            ? `iptable_${tid}`
            : `nft ${v6 ? 'ip6' : 'ip'} ${tid} ${hook} (${v6 ? 'ip6' : 'ip'}tables-nft)`,
        priority,
        registered: stamp(st, tid, hook),
        hooks: [hook],
        fn: (p: NfPacket) => this.xtTable(st, tid, p),
      }));
    const core: NfHookOps<NfPacket>[] = [
      {
        name: 'nf_conntrack_in',
        priority: NF_IP_PRI_CONNTRACK,
        hooks: ['PREROUTING', 'OUTPUT'],
        fn: (p) => this.ctIn(p),
      },
      {
        name: v6 ? 'nf_nat_ipv6_pre' : 'nf_nat_ipv4_pre',
        priority: NF_IP_PRI_NAT_DST,
        hooks: ['PREROUTING', 'OUTPUT'],
        fn: (p) => this.nat(p),
      },
      {
        name: v6 ? 'nf_nat_ipv6_post' : 'nf_nat_ipv4_post',
        priority: NF_IP_PRI_NAT_SRC,
        hooks: ['INPUT', 'POSTROUTING'],
        fn: (p) => this.nat(p),
      },
      {
        name: 'nf_conntrack_confirm',
        priority: NF_IP_PRI_CONNTRACK_CONFIRM,
        hooks: ['INPUT', 'POSTROUTING'],
        fn: (p) => this.ctConfirm(p),
      },
    ];
    // The NF_IP6_PRI_* values equal the NF_IP_PRI_* ones (netfilter_ipv6.h).
    const iptables = xtStates(this.ns, family).flatMap((st) => [
      ...xt(st, 'raw', NF_IP_PRI_RAW, ['PREROUTING', 'OUTPUT']),
      ...xt(st, 'mangle', NF_IP_PRI_MANGLE, ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING']),
      ...xt(st, 'filter', NF_IP_PRI_FILTER, ['INPUT', 'FORWARD', 'OUTPUT']),
    ]);
    const nft = nftBaseChains(this.ns.nftables)
      .filter(({ table, chain }) => chain.base!.type !== 'nat' && nftSees(table, family))
      .map(({ table, chain }) => ({
        name: `nft ${table.family} ${table.name} ${chain.name}`,
        priority: chain.base!.priority,
        registered: baseChainRegistered(chain),
        hooks: [NFT_HOOKS[chain.base!.hook]],
        fn: (p: NfPacket) => this.nftChain(table, chain, p),
      }));
    // Among equal priorities the later registration runs first (hook-entries.ts); the conntrack
    // and NAT cores count as registered before anything the namespace's commands made.
    return [...iptables, ...core, ...nft];
  }

  run(ns: Netns, hook: Hook, skb0: Skb, ctx: HookContext): Skb | null {
    // br_netfilter hands bridged frames with their Ethernet header: look past it.
    const eth = skb0.layers[0]?.proto === 'eth' ? skb0.layers[0] : undefined;
    const layers = eth ? skb0.layers.slice(1) : skb0.layers;
    const family = layers[0]?.proto;
    if (family !== 'ipv4' && family !== 'ipv6') return skb0;
    if (xtStates(ns, family).length === 0 && !ns.nftables) return skb0;
    const p: NfPacket = {
      family,
      hook,
      ctx,
      skb0,
      eth,
      layers,
      mark: skb0.mark,
      ct: this.ctFromSkb(skb0),
      tracking: this.tracking(ns.nftables, family),
    };
    return nfHookSlow(hookEntries(this.ops(family), hook), p) ? this.skbOf(p) : null;
  }

  private skbOf(p: NfPacket): Skb {
    const skb = skbWith(p.skb0, {
      layers: p.eth ? [p.eth, ...p.layers] : p.layers,
      mark: p.mark,
      ct: p.ct ? { netns: this.ns.name, ref: p.ct } : undefined,
    });
    return p.meHarder ? { ...skb, meHarder: true } : skb;
  }

  /** What a rule's matches read of the packet at this point of the hook. */
  private view(p: NfPacket): PacketView {
    const ns = this.ns;
    const layers = p.layers;
    return {
      ns,
      layers,
      bytes: ipLength({ layers, payload: p.skb0.payload }, 0),
      in: p.ctx.in,
      out: p.ctx.out,
      mark: p.mark,
      ct: p.ct,
      bridged: p.ctx.bridged !== undefined,
      physIn: p.ctx.bridged?.physIn,
      physOut: p.ctx.bridged?.physOut,
      random: (prob, rule) => this.random(prob, rule),
      nth: (rule) => {
        const n = this.nthCount.get(rule) ?? 0;
        this.nthCount.set(rule, n + 1);
        return n;
      },
      ipsetHas: (name, flags) => ipsetHas(ns, name, layers, flags),
      numgen: (mod, candidates) => this.numgen(mod, candidates),
      recent: (m) => {
        const ip = layers[0] as Ipv4Layer;
        const addr = parseIp(m.side === 'source' ? ip.src : ip.dst) ?? 0;
        return this.recent.match(m, addr, ip.ttl, ns.world.sched.now);
      },
    };
  }

  /**
   * nft's `numgen random mod N`: a pinned endpoint takes the value whose chain is that
   * endpoint's (kube-proxy names endpoint chains "...__IP/PORT", an IPv6 address's colons
   * written as dots); otherwise a deterministic draw.
   */
  private numgen(mod: number, candidates: string[]): number {
    const want = this.ns.world.pinEndpoint?.replaceAll(':', '.');
    const pinned = want === undefined ? -1 : candidates.findIndex((c) => c.includes(`__${want}/`));
    if (pinned >= 0) return pinned;
    const choose = this.ns.world.chooseBranch;
    if (choose) return choose(mod);
    const key = `numgen/${candidates.join(',')}`;
    const n = this.numgenCount.get(key) ?? 0;
    this.numgenCount.set(key, n + 1);
    return Math.min(mod - 1, Math.floor(this.draw(`${key}/${n}`) * mod));
  }

  /** A deterministic draw in [0, 1) for this world, namespace and key. */
  private draw(key: string): number {
    let h = 2166136261;
    for (const c of `${this.ns.world.seed}/${this.ns.name}/${key}`)
      h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
    // FNV-1a alone barely moves the high bits when only the last character (the packet
    // count) changes, so successive draws would all fall on the same side: mix (fmix32).
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
    return h / 0x100000000;
  }

  /** nf_conntrack_in, once anything in the namespace needs connection tracking. */
  private ctIn(p: NfPacket): NfStageResult {
    // NDP and MLD are never tracked (nf_conntrack_icmpv6_error): no entry, ctstate UNTRACKED.
    if (p.tracking && !p.ct && !isUntracked6(p.layers)) p.ct = this.conntrackIn(p.layers, p.skb0);
    return 'continue';
  }

  /** An iptables table (raw, mangle, filter) at this hook: its base chain decides. */
  private xtTable(st: IptablesState, tid: TableId, p: NfPacket): NfStageResult {
    const table = st.tables[tid];
    const chain = table.chains.get(p.hook);
    if (!chain || (chain.rules.length === 0 && chain.policy === 'ACCEPT')) return 'continue';
    const v = this.view(p);
    const before = tid === 'mangle' && p.hook === 'OUTPUT' ? routingKey(p) : undefined;
    const res = this.evalChain(table, p.hook, v, p.skb0);
    p.mark = v.mark;
    if (before !== undefined && routingKey(p) !== before) p.meHarder = true;
    const o = res.outcome;
    if (o.verdict === 'DROP') {
      this.dropEvent(p.family, p.hook, tid, res, p.skb0, p.ctx);
      return 'stolen';
    }
    if (o.verdict === 'REJECT') {
      this.dropEvent(p.family, p.hook, tid, res, p.skb0, p.ctx);
      this.reject(p, o.with);
      return 'stolen';
    }
    this.chainEvent(p.family, p.hook, tid, res, p.skb0);
    return 'continue';
  }

  /** REJECT: a TCP reset (nf_send_reset) or an ICMP error (nf_send_unreach) in the packet's place. */
  private reject(p: NfPacket, how: string): void {
    const ipSkb: Skb = { ...p.skb0, layers: p.layers };
    if (p.family === 'ipv6') {
      // nf_send_unreach6 (ip6t_REJECT, nft_reject_ipv6): an ICMPv6 destination unreachable.
      icmpv6Send(this.ns, ipSkb, 1, REJECT6_CODES[how] ?? 4, {}, p.ctx.in);
      return;
    }
    const ct = p.ct;
    if (how === 'tcp-reset' && p.layers[1]?.proto === 'tcp') {
      // nf_send_reset: nf_ct_attach gives the RST the refused packet's entry, as
      // RELATED in the other direction, so no hook tracks or NATs it as a connection of its own.
      tcpSendReset(this.ns, ipSkb, ct && this.related(ct));
    } else icmpSendError(this.ns, ipSkb, 3, REJECT_CODES[how] ?? 3, {});
  }

  /**
   * nf_nat_ipv4_fn: on a connection's first packet the nat table's chain picks the binding
   * (or a null binding); every packet of a NATed connection is then rewritten from the entry.
   */
  private nat(p: NfPacket): NfStageResult {
    const manip = MANIP[p.hook];
    const ct = p.ct;
    if (!ct || !manip) return 'continue';
    if (ct.info === 'RELATED' && this.redirectOnNat(ct, p)) return 'stolen';
    if (!ct.e.confirmed && !ct.e.natDone[manip === 'SRC' ? 'src' : 'dst'] && ct.info !== 'RELATED') {
      let target: Target | undefined;
      // nf_nat_inet_fn: the nat chains of both front ends, by priority, until one binds.
      for (const lookup of this.natLookups(p.hook, p.family)) {
        const r = lookup(p);
        if (r === 'drop') return 'stolen';
        if (r) {
          target = r;
          break;
        }
      }
      this.setupNat(ct, manip, target, p.layers, p.ctx);
    }
    if (needsManip(ct.e, manip, ct.dir)) {
      const before = p.layers;
      p.layers =
        // An ICMP error's quoted packet is translated too; a related TCP reset is NATed
        // like any packet of its direction (nf_nat_packet).
        ct.info === 'RELATED' && isIcmpError(before)
          ? natIcmpError(before, ct.e, manip, ct.dir)
          : natPacket(before, ct.e, manip, ct.dir);
      this.natEvent(p.hook, manip, ct, before, p.layers, p.skb0);
    }
    return 'continue';
  }

  /**
   * The nat chains registered at a hook (nf_nat_register_fn keeps them in nf_hook_entries of
   * their own, ordered the same way): iptables' nat table and nft's nat base chains.
   */
  private natLookups(hook: Hook, family: 'ipv4' | 'ipv6'): ((p: NfPacket) => Target | 'drop' | undefined)[] {
    const pri = MANIP[hook] === 'DST' ? NF_IP_PRI_NAT_DST : NF_IP_PRI_NAT_SRC;
    const out: { priority: number; registered: number; fn: (p: NfPacket) => Target | 'drop' | undefined }[] =
      [];
    for (const st of xtStates(this.ns, family))
      out.push({ priority: pri, registered: stamp(st, 'nat', hook), fn: (p) => this.xtNat(st, p) });
    for (const { table, chain } of nftBaseChains(this.ns.nftables))
      if (chain.base!.type === 'nat' && NFT_HOOKS[chain.base!.hook] === hook && nftSees(table, family))
        out.push({
          priority: chain.base!.priority,
          registered: baseChainRegistered(chain),
          fn: (p) => this.nftNat(table, chain, p),
        });
    return out.sort(hookOrder).map((l) => l.fn);
  }

  /** iptables' nat table: the chain of this hook picks the binding for a new connection. */
  private xtNat(st: IptablesState, p: NfPacket): Target | 'drop' | undefined {
    const table = st.tables.nat;
    const chain = table.chains.get(p.hook);
    if (!chain || (chain.rules.length === 0 && pristine(table))) return undefined;
    const nv = this.view(p);
    const res = this.evalChain(table, p.hook, nv, p.skb0);
    // MARK in the nat table (KUBE-MARK-MASQ) sets the mark later hooks read.
    p.mark = nv.mark;
    if (res.outcome.verdict === 'DROP') {
      this.dropEvent(p.family, p.hook, 'nat', res, p.skb0, p.ctx);
      return 'drop';
    }
    this.chainEvent(p.family, p.hook, 'nat', res, p.skb0);
    return res.outcome.verdict === 'NAT' ? res.outcome.target : undefined;
  }

  /** An nft nat base chain: its NAT statement, if one is reached, binds the connection. */
  private nftNat(table: NftTable, chain: NftChain, p: NfPacket): Target | 'drop' | undefined {
    const v = this.view(p);
    const res = nftDoChain(table, chain, v);
    p.mark = v.mark;
    const o = res.outcome;
    if (o.verdict === 'drop' || o.verdict === 'reject') {
      this.nftDropEvent(p, table, res);
      return 'drop';
    }
    this.nftChainEvent(p, table, res);
    return o.verdict === 'nat' ? o.target : undefined;
  }

  /** An nft filter or route base chain at its priority. */
  private nftChain(table: NftTable, chain: NftChain, p: NfPacket): NfStageResult {
    const v = this.view(p);
    const res = nftDoChain(table, chain, v);
    p.mark = v.mark;
    const o = res.outcome;
    if (o.verdict === 'drop' || o.verdict === 'reject') {
      this.nftDropEvent(p, table, res);
      if (o.verdict === 'reject') this.reject(p, nftRejectHow(o.with));
      return 'stolen';
    }
    this.nftChainEvent(p, table, res);
    return 'continue';
  }

  /**
   * kube-proxy's nftables mode picks an endpoint with `numgen random mod N vmap`: name the
   * Service chain, the endpoint taken (its chain ends "__IP/PORT") and each endpoint's odds.
   */
  private nftEndpointEvent(p: NfPacket, res: NftChainResult): void {
    const c = res.choice;
    if (!c) return;
    const ep = (chain: string): string =>
      (/__([\d.]+)\/(\d+)$/.exec(chain) ?? []).slice(1).join(':') || chain;
    const pct = Math.round(1000 / c.candidates.length) / 10;
    emit(this.ns, {
      kind: 'netfilter',
      skb: p.skb0,
      decidedBy: { table: 'nftables', row: c.row },
      code: 'nf.endpoint',
      args: {
        service: c.chain.replace(/^(service|local)-[A-Z0-9]{8}-/, ''),
        endpoint: ep(c.candidates[c.picked] ?? ''),
        odds: c.candidates.map((x) => `${ep(x)} ${pct}%`).join(', '),
        pinned: this.ns.world.pinEndpoint ? 'pinned by the flow' : 'random',
      },
    });
  }

  private nftChainEvent(p: NfPacket, table: NftTable, res: NftChainResult): void {
    const o = res.outcome;
    emit(this.ns, {
      kind: 'netfilter',
      skb: p.skb0,
      decidedBy: { table: 'nftables', row: o.row },
      traversed: res.traversed,
      code: o.verdict === 'nat' ? 'nft.nat-rule' : o.rule ? 'nft.accept' : 'nft.policy',
      args: {
        hook: p.hook,
        table: `${table.family} ${table.name}`,
        chain: res.chain,
        rule: o.row.trim(),
        n: res.traversed.length,
      },
    });
    this.nftEndpointEvent(p, res);
  }

  private nftDropEvent(p: NfPacket, table: NftTable, res: NftChainResult): void {
    const o = res.outcome;
    emit(this.ns, {
      kind: 'drop',
      dev: p.ctx.in ?? p.ctx.out,
      skb: p.skb0,
      decidedBy: { table: 'nftables', row: o.row },
      traversed: res.traversed,
      reason: 'NETFILTER_DROP',
      code: o.verdict === 'reject' ? 'drop.nft-reject' : o.rule ? 'drop.nft-rule' : 'drop.nft-policy',
      args: {
        hook: p.hook,
        table: `${table.family} ${table.name}`,
        chain: res.chain,
        rule: o.row.trim(),
        ns: this.ns.name,
      },
    });
  }

  /**
   * __nf_conntrack_confirm confirms only from the original direction: a REJECT's reset
   * carries its entry the other way, and the entry dies with it.
   */
  private ctConfirm(p: NfPacket): NfStageResult {
    const ct = p.ct;
    if (ct && ct.dir === 'orig') {
      if (!ct.e.natDone.src && !ct.e.confirmed) this.setupNat(ct, 'SRC', undefined, p.layers, p.ctx);
      this.confirm(ct, this.skbOf(p));
    }
    return 'continue';
  }

  /** nf_conntrack_attach: related to orig's entry, in the other direction (RELATED_REPLY when orig went forward). */
  attach(orig: Skb): Skb['ct'] {
    const ct = this.ctFromSkb(orig);
    return ct && this.related(ct);
  }

  private related(ct: Ct): Skb['ct'] {
    const rel: Ct = { e: ct.e, dir: ct.dir === 'orig' ? 'reply' : 'orig', info: 'RELATED' };
    return { netns: this.ns.name, ref: rel };
  }

  /** NAT's hooks are registered: iptables' nat table is in use, or nft has a nat base chain. */
  private natRegistered(): boolean {
    if (xtStates(this.ns).some((st) => !pristine(st.tables.nat))) return true;
    for (const { chain } of nftBaseChains(this.ns.nftables)) if (chain.base!.type === 'nat') return true;
    return false;
  }

  /**
   * nf_nat_icmp_reply_translation: "Redirects on non-null nats must be dropped, else they'll
   * start talking to each other without our translation". A redirect goes out only when its
   * connection's NAT is set up in both directions and binds nothing; one sent while the first
   * packet is still being forwarded (its SNAT binding not made yet) is always dropped.
   */
  private redirectOnNat(ct: Ct, p: NfPacket): boolean {
    const icmp = p.layers[1];
    if (icmp?.proto !== 'icmp' || icmp.type !== 5 || !this.natRegistered()) return false;
    const e = ct.e;
    if (e.natDone.src && e.natDone.dst && !e.srcNat && !e.dstNat) return false;
    emit(this.ns, {
      kind: 'drop',
      dev: p.ctx.out ?? p.ctx.in,
      skb: p.skb0,
      decidedBy: { table: 'conntrack', row: formatEntry(e) },
      // nf_nat_ipv4_fn returns NF_DROP, which nf_hook_slow frees as NETFILTER_DROP.
      reason: 'NETFILTER_DROP',
      code: e.natDone.src && e.natDone.dst ? 'drop.nat-redirect-nated' : 'drop.nat-redirect-unbound',
      args: { hook: p.hook, entry: formatEntry(e), ns: this.ns.name },
    });
    return true;
  }

  private ctFromSkb(skb: Skb): Ct | undefined {
    if (skb.ct && skb.ct.netns === this.ns.name) return skb.ct.ref as Ct;
    return undefined;
  }

  private random(p: number, rule: Rule): boolean {
    // Pins are keyed by the rule as iptables-save prints it, chain included.
    const row = this.rows.get(rule) ?? formatRule('nat', '', rule);
    const pin = this.ns.world.randomPins?.get(row);
    if (pin !== undefined) return pin;
    // A flow that pins a Service endpoint: kube-proxy's per-endpoint rule says "-> IP:port"
    // (or "-> [IPv6]:port") in its comment.
    const want = this.ns.world.pinEndpoint;
    const to = ENDPOINT_COMMENT.exec(row);
    const ep = to?.[1] ?? to?.[2];
    if (want !== undefined && ep !== undefined) return ep === want;
    // A probability of 0 or 1 leaves no choice (xt_statistic compares a u32 draw with it).
    const choose = this.ns.world.chooseBranch;
    if (choose && p > 0 && p < 1) return choose(2) === 0;
    const n = this.randomCount.get(rule) ?? 0;
    this.randomCount.set(rule, n + 1);
    return this.draw(`${row}/${n}`) < p;
  }

  /** nf_conntrack_in: find or create the entry; work out NEW/ESTABLISHED/RELATED. */
  private conntrackIn(layers: Layer[], skb: Skb): Ct | undefined {
    const ns = this.ns;
    if (isIcmpError(layers)) {
      const inner = tupleOf(layers.slice(2));
      const hit = inner ? this.ct.find(invert(inner)) : undefined;
      if (!hit) return undefined;
      emit(ns, {
        kind: 'netfilter',
        skb,
        decidedBy: { table: 'conntrack', row: formatEntry(hit.e) },
        code: 'ct.related',
        args: { entry: formatEntry(hit.e) },
      });
      return { e: hit.e, dir: hit.dir, info: 'RELATED' };
    }
    const t = tupleOf(layers);
    if (!t) return undefined;
    const hit = this.ct.find(t);
    // nf_conntrack_icmpv6_packet: only an echo request (or node information query) is a
    // valid new connection; a lone echo reply is INVALID and gets no entry.
    if (!hit && t.v6 && t.proto === IPPROTO_ICMPV6 && t.dport !== 128 && t.dport !== 139) return undefined;
    if (hit) {
      const e = hit.e;
      if (hit.dir === 'reply' && !e.seenReply) {
        e.seenReply = true;
        if (e.orig.proto !== 6) e.assured = e.orig.proto === 17 ? false : e.assured;
      } else if (hit.dir === 'orig' && e.seenReply && e.orig.proto === 17) e.assured = true;
      this.tcpTrack(e, hit.dir, layers);
      ns.changed('conntrack');
      const info: CtInfo = hit.dir === 'reply' || e.seenReply ? 'ESTABLISHED' : 'NEW';
      emit(ns, {
        kind: 'netfilter',
        skb,
        decidedBy: { table: 'conntrack', row: formatEntry(e) },
        code: hit.dir === 'reply' ? 'ct.hit-reply' : 'ct.hit',
        args: { entry: formatEntry(e), state: info },
      });
      return { e, dir: hit.dir, info };
    }
    const e = this.ct.create(t);
    this.tcpTrack(e, 'orig', layers);
    emit(ns, { kind: 'netfilter', skb, code: 'ct.new', args: { tuple: formatEntry(e) } });
    return { e, dir: 'orig', info: 'NEW' };
  }

  /** The TCP state machine of nf_conntrack_proto_tcp, enough for a handshake and a close. */
  private tcpTrack(e: CtEntry, dir: Dir, layers: Layer[]): void {
    const tcp = layers[1];
    if (tcp?.proto !== 'tcp') return;
    const f = tcp.flags;
    if (f.includes('R')) e.tcpState = 'CLOSE';
    else if (f.includes('S') && !f.includes('.')) e.tcpState ??= 'SYN_SENT';
    else if (f.includes('S') && f.includes('.') && dir === 'reply') e.tcpState = 'SYN_RECV';
    else if (f.includes('F')) {
      if (e.finDir === undefined) {
        e.finDir = dir;
        e.tcpState = 'FIN_WAIT';
      } else if (e.finDir !== dir) e.tcpState = 'LAST_ACK';
    } else if (f.includes('.')) {
      if (e.tcpState === 'SYN_RECV' && dir === 'orig') {
        e.tcpState = 'ESTABLISHED';
        e.assured = true;
      } else if (e.tcpState === 'LAST_ACK' && dir === e.finDir) e.tcpState = 'TIME_WAIT';
    }
  }

  private confirm(ct: Ct, skb: Skb): void {
    if (ct.e.confirmed) return;
    this.ct.confirm(ct.e);
    this.ns.changed('conntrack');
    emit(this.ns, {
      kind: 'netfilter',
      skb,
      decidedBy: { table: 'conntrack', row: formatEntry(ct.e) },
      code: 'ct.confirm',
      args: { entry: formatEntry(ct.e) },
    });
  }

  /** Bind the connection's NAT for this manip type from the matched target, or a null binding. */
  private setupNat(ct: Ct, manip: Manip, t: Target | undefined, layers: Layer[], ctx: HookContext): void {
    const e = ct.e;
    e.natDone[manip === 'SRC' ? 'src' : 'dst'] = true;
    if (!t) {
      // nf_nat_alloc_null_binding: no rule, but the reply tuple must still be unique.
      if (manip === 'SRC' && this.ct.inUse(e.reply, e))
        bindNat(this.ct, e, 'SRC', { addr: e.orig.src }, false);
      return;
    }
    if (e.orig.v6) return this.setupNat6(ct, t, ctx);
    const ip = layers[0] as Ipv4Layer;
    if (t.kind === 'DNAT')
      bindNat(this.ct, e, 'DST', { addr: pickAddr(t.to, e.orig, e.orig.dst), ports: t.to.ports }, false);
    else if (t.kind === 'REDIRECT') {
      // REDIRECT: to the primary address of the incoming device, or 127.0.0.1 for local traffic.
      const addr = ctx.in ? (ctx.in.addrs.find((a) => !a.secondary)?.addr ?? 0x7f000001) : 0x7f000001;
      bindNat(this.ct, e, 'DST', { addr, ports: t.toPorts }, false);
    } else if (t.kind === 'SNAT')
      bindNat(
        this.ct,
        e,
        'SRC',
        // The tuple as it stands after any DNAT (get_unique_tuple works on the inverted reply).
        { addr: pickAddr(t.to, invert(e.reply), e.orig.src, t.persistent === true), ports: t.to.ports },
        t.randomFully === true || t.random === true,
      );
    else if (t.kind === 'MASQUERADE') {
      const outDev = ctx.out;
      const res = routeOutput(this.ns, e.orig.dst === e.reply.src ? e.orig.dst : e.reply.src, {
        oif: outDev,
      });
      const addr = res.ok ? res.src : (outDev?.addrs[0]?.addr ?? 0);
      bindNat(this.ct, e, 'SRC', { addr, ports: t.toPorts }, t.randomFully === true || t.random === true);
      void ip;
    }
  }

  /**
   * NAT66 (nf_nat_ipv6): DNAT and SNAT to their range's address, MASQUERADE to the address
   * ipv6_dev_get_saddr picks on the outgoing device for the destination
   * (nf_nat_masquerade_ipv6), REDIRECT to the incoming device's first global address or ::1
   * (nf_nat_redirect_ipv6). A range of several addresses takes its first: the model does not
   * spread IPv6 connections over a range (find_best_ips_proto's per-word hash).
   */
  private setupNat6(ct: Ct, t: Target, ctx: HookContext): void {
    const e = ct.e;
    const random = 'randomFully' in t && (t.randomFully === true || ('random' in t && t.random === true));
    const dst = e.reply.v6!.src;
    if (t.kind === 'DNAT')
      bindNat(this.ct, e, 'DST', { addr: 0, addr6: t.to.addr6From, ports: t.to.ports }, false);
    else if (t.kind === 'SNAT')
      bindNat(this.ct, e, 'SRC', { addr: 0, addr6: t.to.addr6From, ports: t.to.ports }, random);
    else if (t.kind === 'REDIRECT') {
      const addr6 = ctx.in ? (ctx.in.addrs6.find((a) => a.scope === 'global')?.addr ?? 1n) : 1n;
      bindNat(this.ct, e, 'DST', { addr: 0, addr6, ports: t.toPorts }, false);
    } else if (t.kind === 'MASQUERADE' && ctx.out) {
      const addr6 = selectSource6(this.ns, ctx.out, dst);
      // No address to masquerade to: nf_nat_masquerade_ipv6 returns NF_DROP; the model binds nothing.
      if (addr6 !== undefined) bindNat(this.ct, e, 'SRC', { addr: 0, addr6, ports: t.toPorts }, random);
    }
  }

  private evalChain(
    table: Table,
    hook: string,
    v: PacketView,
    skb: Skb,
  ): { outcome: Outcome; traversed: TraversedRule[]; chain: string } {
    const traversed: TraversedRule[] = [];
    const passed = new PassedRuns(table.id, traversed);
    const stack: { chain: string; i: number }[] = [];
    let chain = hook;
    let i = 0;
    for (let guard = 0; guard < 100_000; guard++) {
      const c = table.chains.get(chain);
      if (!c || i >= c.rules.length) {
        passed.flush();
        const back = stack.pop();
        if (back) {
          chain = back.chain;
          i = back.i;
          continue;
        }
        return { outcome: policyOutcome(table, hook, v, traversed), traversed, chain: hook };
      }
      const r = c.rules[i++]!;
      const prob = r.matches.find((m) => m.module === 'statistic' && m.mode === 'random');
      // A random match finds the flow's pin by the rule's text: printed before it is matched.
      if (prob) this.rows.set(r, formatRule(table.id, chain, r));
      const matched = ruleMatches(r, v);
      // A rule passed without a match waits in its run; its text is printed only if needed.
      if (!matched && !prob) {
        passed.add(chain, r);
        continue;
      }
      passed.flush();
      const row = formatRule(table.id, chain, r);
      const probability =
        prob?.module === 'statistic' && prob.mode === 'random' ? prob.probability : undefined;
      traversed.push({
        table: table.id,
        chain,
        row,
        matched,
        ...(probability !== undefined ? { probability } : {}),
      });
      if (!matched) continue;
      r.counters.packets++;
      r.counters.bytes += v.bytes;
      const t = r.target;
      if (!t) continue;
      switch (t.kind) {
        case 'ACCEPT':
        case 'DROP':
          return { outcome: { verdict: t.kind, rule: r, row }, traversed, chain };
        case 'REJECT':
          return { outcome: { verdict: 'REJECT', rule: r, row, with: t.with }, traversed, chain };
        case 'RETURN': {
          const back = stack.pop();
          if (back) {
            chain = back.chain;
            i = back.i;
          } else i = Number.MAX_SAFE_INTEGER;
          continue;
        }
        case 'CHAIN':
          if (!t.goto) stack.push({ chain, i });
          chain = t.chain;
          i = 0;
          continue;
        case 'MARK':
        case 'CONNMARK':
        case 'LOG':
          this.continueTarget(t, v, skb, row);
          continue;
        default:
          return { outcome: { verdict: 'NAT', rule: r, row, target: t }, traversed, chain };
      }
    }
    passed.flush();
    return { outcome: { verdict: 'ACCEPT', row: `-P ${hook} ACCEPT` }, traversed, chain: hook };
  }

  /** The targets after which the chain goes on (XT_CONTINUE): MARK, CONNMARK, LOG. */
  private continueTarget(
    t: Extract<Target, { kind: 'MARK' | 'CONNMARK' | 'LOG' }>,
    v: PacketView,
    skb: Skb,
    row: string,
  ): void {
    if (t.kind === 'MARK') v.mark = ((v.mark & ~t.mask) ^ t.value) >>> 0;
    else if (t.kind === 'CONNMARK') connmarkTg(v, t);
    else
      emit(this.ns, { kind: 'netfilter', skb, code: 'nf.log', args: { prefix: t.prefix ?? '', rule: row } });
  }

  private chainEvent(
    family: 'ipv4' | 'ipv6',
    hook: Hook,
    tid: TableId,
    res: { outcome: Outcome; traversed: TraversedRule[] },
    skb: Skb,
  ): void {
    const o = res.outcome;
    emit(this.ns, {
      kind: 'netfilter',
      skb,
      decidedBy: { table: xtTableName(family), row: o.row },
      traversed: res.traversed,
      code: o.verdict === 'NAT' ? 'nf.nat-rule' : o.row.startsWith('-P') ? 'nf.policy' : 'nf.accept',
      args: { hook, table: tid, rule: o.row, n: traversedCount(res.traversed), verdict: o.verdict },
    });
    this.endpointEvent(family, res.traversed, skb);
  }

  /**
   * kube-proxy's per-endpoint rules carry "SERVICE -> IP:PORT" comments: when one of them
   * matched, name the Service, the endpoint taken and the odds every endpoint had.
   */
  private endpointEvent(family: 'ipv4' | 'ipv6', traversed: TraversedRule[], skb: Skb): void {
    const re = /--comment "([^"]+) -> ([^"]+)"/;
    const hit = traversed.find((t) => t.matched && re.test(t.row));
    if (!hit) return;
    // All of the chain's endpoint rules, not only those reached: the odds concern each endpoint.
    const st = family === 'ipv6' ? this.ns.ip6tables : this.ns.iptables;
    const rules = st?.tables[hit.table as TableId]?.chains.get(hit.chain)?.rules ?? [];
    const candidates: { row: string; probability?: number }[] = rules
      .map((r) => {
        const prob = r.matches.find((m) => m.module === 'statistic' && m.mode === 'random');
        return {
          row: formatRule(hit.table as TableId, hit.chain, r),
          ...(prob && prob.module === 'statistic' && prob.mode === 'random'
            ? { probability: prob.probability }
            : {}),
        };
      })
      // Session-affinity checks (-m recent --rcheck) name an endpoint too but carry no odds.
      .filter((c) => re.test(c.row) && !c.row.includes(' -m recent '));
    let reach = 1;
    const odds = candidates.map((t) => {
      const p = t.probability ?? 1;
      const mine = reach * p;
      reach *= 1 - p;
      return `${re.exec(t.row)![2]} ${Math.round(mine * 1000) / 10}%`;
    });
    const [, service, endpoint] = re.exec(hit.row)!;
    emit(this.ns, {
      kind: 'netfilter',
      skb,
      decidedBy: { table: xtTableName(family), row: hit.row },
      code: 'nf.endpoint',
      args: {
        service: service!,
        endpoint: endpoint!,
        odds: odds.join(', '),
        // An affinity check (-m recent --rcheck) that matched decided before any random choice.
        pinned: hit.row.includes(' -m recent --rcheck')
          ? 'session affinity'
          : this.ns.world.pinEndpoint
            ? 'pinned by the flow'
            : 'random',
      },
    });
  }

  private dropEvent(
    family: 'ipv4' | 'ipv6',
    hook: Hook,
    tid: TableId,
    res: { outcome: Outcome; traversed: TraversedRule[]; chain: string },
    skb: Skb,
    ctx: HookContext,
  ): void {
    const o = res.outcome;
    emit(this.ns, {
      kind: 'drop',
      dev: ctx.in ?? ctx.out,
      skb,
      decidedBy: { table: xtTableName(family), row: o.row },
      traversed: res.traversed,
      reason: 'NETFILTER_DROP',
      code: o.row.startsWith('-P')
        ? 'drop.nf-policy'
        : o.verdict === 'REJECT'
          ? 'drop.nf-reject'
          : 'drop.nf-rule',
      args: { hook, table: tid, chain: res.chain, rule: o.row, ns: this.ns.name },
    });
  }

  private natEvent(hook: Hook, manip: Manip, ct: Ct, before: Layer[], after: Layer[], skb: Skb): void {
    const b = before[0] as Ipv4Layer;
    const a = after[0] as Ipv4Layer;
    const port = (ls: Layer[], which: 'sport' | 'dport'): string => {
      const l4 = ls[1];
      return l4 && (l4.proto === 'tcp' || l4.proto === 'udp') ? `:${l4[which]}` : '';
    };
    // An IPv6 address with a port is written in brackets, as conntrack and ip6tables print it.
    const at = (addr: string, p: string): string =>
      p && addr.includes(':') ? `[${addr}]${p}` : `${addr}${p}`;
    const from = manip === 'SRC' ? at(b.src, port(before, 'sport')) : at(b.dst, port(before, 'dport'));
    const to = manip === 'SRC' ? at(a.src, port(after, 'sport')) : at(a.dst, port(after, 'dport'));
    // nf_nat_packet runs the manip on every hook of a NATed connection; where the packet already
    // carries the target tuple (a looped-back packet after OUTPUT's DNAT) it rewrites nothing.
    if (from === to) return;
    const undo = ct.dir === 'reply';
    emit(this.ns, {
      kind: 'nat',
      skb: { ...skb, layers: after },
      decidedBy: { table: 'conntrack', row: formatEntry(ct.e) },
      code:
        ct.info === 'RELATED'
          ? 'nat.related'
          : undo
            ? manip === 'SRC'
              ? 'nat.undo-dnat'
              : 'nat.undo-snat'
            : manip === 'SRC'
              ? 'nat.snat'
              : 'nat.dnat',
      args: { hook, from, to, entry: key(ct.e.orig) },
    });
  }
}
