/**
 * Subscribes to the kernel model and writes the Trace: events in order, captures as
 * tcpdump would see them, and the tables of the namespaces the journey touches: their
 * state when first touched, then a new version whenever one changes. A namespace the flow
 * never touches keeps its tables as they were built; they are read on demand (netnsTables).
 */
import { packetLength } from '../net/encode';
import { formatTcpdump } from '../net/tcpdump';
import type { KernelCapture, KernelEvent, KernelObserver } from '../kernel/observer';
import type { Netns } from '../kernel/netns';
import type { Layer } from '../net/layers';
import { SPARSE_TABLES, TABLE_READERS } from './tables';
import { freezeIptables, partialRows, sameFrozen } from './iptables-partial';
import { freezeNftables, partialNftRows, sameFrozenNft } from './nftables-partial';
import { freezeIpvs, partialIpvsRows, sameFrozenIpvs } from './ipvs-partial';
import { renderExplain } from './messages';
import { partialRoutes } from './routes-partial';
import type { Capture, TableName, TableSnapshot, TraceEvent } from '../kernel/trace';

const TABLES = Object.keys(TABLE_READERS) as TableName[];
const READERS = TABLES.map((t) => TABLE_READERS[t]!);
const TABLE_INDEX = new Map(TABLES.map((t, i) => [t, i]));
const IPTABLES = TABLE_INDEX.get('iptables');
const IPVS = TABLE_INDEX.get('ipvs');
const NFTABLES = TABLE_INDEX.get('nftables');
/** Stands for a frozen (big) iptables version in `last`: unlike any rows read. */
const FROZEN: string[] = ['\u0000frozen'];

/** Length of the rows joined by newlines. */
function joinedLength(rows: readonly string[]): number {
  let n = rows.length - 1;
  for (const r of rows) n += r.length;
  return Math.max(0, n);
}

/**
 * One kind of big table (iptables, IPVS, nftables) whose versions are frozen at a step and
 * rendered in part once the journey is known: how to freeze it, when two versions are the same,
 * its slot among the tables, the versions kept and the last one of each namespace.
 */
class FrozenTables<S extends { total: number }> {
  readonly versions: { snap: TableSnapshot; state: S }[] = [];
  readonly last = new Map<string, S>();
  constructor(
    readonly table: TableName,
    readonly slot: number,
    readonly freeze: (ns: Netns) => S | undefined,
    readonly same: (a: S, b: S) => boolean,
  ) {}
}

/** Do two versions read the same, rows joined by newlines (as the Trace compares them)? */
function sameText(x: readonly string[], y: readonly string[]): boolean {
  if (x.length === y.length) {
    let i = 0;
    while (i < x.length && x[i] === y[i]) i++;
    if (i === x.length) return true;
  }
  // Different rows can still join alike when a row holds a newline: compare the texts, if their lengths agree.
  return joinedLength(x) === joinedLength(y) && x.join('\n') === y.join('\n');
}

export class Recorder implements KernelObserver {
  readonly events: TraceEvent[] = [];
  readonly captures: Capture[] = [];
  readonly tables: TableSnapshot[] = [];
  /** The rows of the last version of each table (in TABLES order), by netns name. */
  private last = new Map<string, (string[] | undefined)[]>();
  private pending = new Map<string, Netns>();
  /** The netns of the last event: already read, nothing pending under its name. */
  private touched: Netns | undefined;
  private dirty = new Map<string, { ns: Netns; table: TableName }>();
  /**
   * The last few captures rendered: a frame is usually captured where it leaves and again
   * where it arrives, with the same (immutable) layers, payload and link type.
   */
  private rendered: { layers: Layer[]; payload: number; link: string; length: number; tcpdump: string }[] =
    [];
  private nextRendered = 0;
  /** Big iptables versions, rendered at the end (only the chains walked). */
  private readonly frozen = new FrozenTables('iptables', IPTABLES!, freezeIptables, sameFrozen);
  /** Big IPVS versions, rendered at the end (only the services the journey was scheduled by). */
  private readonly frozenIpvs = new FrozenTables('ipvs', IPVS!, freezeIpvs, sameFrozenIpvs);
  /** Big nftables versions, rendered at the end (base chains and the chains walked). */
  private readonly frozenNft = new FrozenTables('nftables', NFTABLES!, freezeNftables, sameFrozenNft);

  constructor(private readonly now: () => number) {}

  /** The namespaces whose tables are recorded, in the order the flow first touched them. */
  readonly recorded: string[] = [];

  /**
   * Record the tables of these namespaces as they are now (the state before the flow), for
   * those the flow touches. The rows are read lazily, the first time the flow touches a
   * namespace (every change in a namespace follows an event there, or is reported as a
   * table change): a 5,000-namespace world costs what the flow touches.
   */
  snapshotAll(netns: Iterable<Netns>): void {
    for (const ns of netns) this.pending.set(ns.name, ns);
    this.touched = undefined;
  }

  private ensure(ns: Netns): void {
    if (ns === this.touched) return;
    this.touched = ns;
    if (!this.pending.delete(ns.name)) return;
    this.recorded.push(ns.name);
    for (let i = 0; i < TABLES.length; i++) this.snapAt(ns, i, 0);
  }

  event(e: KernelEvent): void {
    // The namespace whose table decided is part of the journey too (the rows must be in the Trace).
    if (e.decidedBy?.netns) this.ensure(e.decidedBy.netns);
    this.ensure(e.netns);
    this.flush();
    const ev: TraceEvent = {
      step: this.events.length,
      time: this.now(),
      netns: e.netns.name,
      machine: e.netns.machine,
      kind: e.kind,
      explain: e.explain,
      explanation: renderExplain(e.explain),
    };
    if (e.interface !== undefined) ev.interface = e.interface;
    if (e.packetId !== undefined) ev.packetId = e.packetId;
    if (e.layers) ev.packet = e.layers;
    if (e.payload !== undefined && e.layers) ev.payload = e.payload;
    if (e.decidedBy)
      ev.decidedBy = {
        table: e.decidedBy.table,
        netns: (e.decidedBy.netns ?? e.netns).name,
        row: e.decidedBy.row,
      };
    if (e.reason !== undefined) ev.reason = e.reason;
    if (e.traversed && e.traversed.length > 0) ev.traversed = e.traversed;
    this.events.push(ev);
  }

  private render(c: KernelCapture): { length: number; tcpdump: string } {
    for (const r of this.rendered) {
      if (r.layers === c.layers && r.payload === c.payload && r.link === c.link) return r;
    }
    const pkt = { layers: c.layers, payload: c.payload };
    const r = {
      layers: c.layers,
      payload: c.payload,
      link: c.link,
      length: packetLength(pkt),
      tcpdump: formatTcpdump(pkt, { link: c.link === 'eth' }),
    };
    this.rendered[this.nextRendered] = r;
    this.nextRendered = (this.nextRendered + 1) % 8;
    return r;
  }

  capture(c: KernelCapture): void {
    const step = Math.max(0, this.events.length - 1);
    const { length, tcpdump } = this.render(c);
    this.captures.push({
      step,
      time: this.now(),
      netns: c.netns.name,
      machine: c.netns.machine,
      interface: c.interface,
      direction: c.direction,
      packetId: c.packetId,
      link: c.link,
      layers: c.layers,
      payload: c.payload,
      length,
      tcpdump,
    });
  }

  tableChanged(ns: Netns, table: TableName): void {
    this.ensure(ns);
    this.dirty.set(`${ns.name}\u0000${table}`, { ns, table });
  }

  /** Write pending table versions; they take effect from the next event's step. */
  flush(): void {
    if (this.dirty.size === 0) return;
    for (const { ns, table } of this.dirty.values()) this.snap(ns, table);
    this.dirty.clear();
  }

  /** End of the flow: pending changes; versions in step order. */
  finish(): void {
    this.flush();
    this.renderFrozen();
    partialRoutes(this.tables, this.events);
    // A stable sort by step. Versions after step 0 were written in step order already, so
    // it only moves the step-0 ones (initial states read late) to the front, in order.
    const t = this.tables;
    const later: TableSnapshot[] = [];
    let k = 0;
    for (const v of t) {
      if (v.step === 0) t[k++] = v;
      else later.push(v);
    }
    for (const v of later) t[k++] = v;
    for (let i = 1; i < t.length; i++) {
      if (t[i - 1]!.step > t[i]!.step) {
        t.sort((a, b) => a.step - b.step);
        break;
      }
    }
  }

  private snap(ns: Netns, table: TableName, step = this.events.length): void {
    const i = TABLE_INDEX.get(table);
    if (i !== undefined) this.snapAt(ns, i, step);
  }

  /** Read table TABLES[i] of the namespace; record it if it differs from the last version. */
  private snapAt(ns: Netns, i: number, step: number): void {
    let last = this.last.get(ns.name);
    if (!last) this.last.set(ns.name, (last = TABLES.map(() => undefined)));
    if (i === IPTABLES && this.snapFrozen(this.frozen, ns, step, last)) return;
    if (i === IPVS && this.snapFrozen(this.frozenIpvs, ns, step, last)) return;
    if (i === NFTABLES && this.snapFrozen(this.frozenNft, ns, step, last)) return;
    const { rows, origins } = READERS[i]!(ns);
    const prev = last[i];
    if (prev !== undefined) {
      // A new version only if the rows, joined by newlines, differ.
      if (sameText(prev, rows)) return;
    } else if (rows.length === 0 && SPARSE_TABLES.has(TABLES[i]!)) {
      // Netfilter and IPVS tables are empty in most namespaces: an absent version means empty.
      last[i] = rows;
      return;
    }
    last[i] = rows;
    this.tables.push({ step, netns: ns.name, table: TABLES[i]!, rows, origins });
  }

  /** A big table: frozen now, rendered in part at the end. False when the table is small. */
  private snapFrozen<S extends { total: number }>(
    kind: FrozenTables<S>,
    ns: Netns,
    step: number,
    last: (string[] | undefined)[],
  ): boolean {
    const state = kind.freeze(ns);
    if (!state) {
      kind.last.delete(ns.name);
      return false;
    }
    const prev = kind.last.get(ns.name);
    if (prev && last[kind.slot] === FROZEN && kind.same(prev, state)) return true;
    kind.last.set(ns.name, state);
    last[kind.slot] = FROZEN;
    const snap: TableSnapshot = {
      step,
      netns: ns.name,
      table: kind.table,
      rows: [],
      origins: [],
      total: state.total,
    };
    this.tables.push(snap);
    kind.versions.push({ snap, state });
    return true;
  }

  /** The lines of the frozen nftables versions: base chains, and the chains walked in that namespace. */
  private renderFrozenNft(drop: Set<TableSnapshot>): void {
    const walked = new Map<string, Set<string>>();
    const named = new Map<string, Set<string>>();
    const add = (m: Map<string, Set<string>>, netns: string, key: string): void => {
      let set = m.get(netns);
      if (!set) m.set(netns, (set = new Set()));
      set.add(key);
    };
    for (const e of this.events) {
      if (e.decidedBy?.table !== 'nftables') continue;
      for (const t of e.traversed ?? []) {
        add(walked, e.netns, `${t.table}\u0000${t.chain}`);
        add(named, e.netns, `${t.table}\u0000${t.row}`);
        if (t.last !== undefined) add(named, e.netns, `${t.table}\u0000${t.last}`);
      }
    }
    const prev = new Map<string, string[]>();
    for (const { snap, state } of this.frozenNft.versions) {
      const key = snap.netns;
      const { rows, origins } = partialNftRows(
        state,
        walked.get(key) ?? new Set(),
        named.get(key) ?? new Set(),
      );
      snap.rows = rows;
      snap.origins = origins;
      const before = prev.get(key);
      if (before && sameText(before, rows)) drop.add(snap);
      prev.set(key, rows);
    }
  }

  /** The rows of the frozen IPVS versions: the services events name as deciding, in that namespace. */
  private renderFrozenIpvs(drop: Set<TableSnapshot>): void {
    const used = new Map<string, Set<string>>();
    for (const e of this.events) {
      const d = e.decidedBy;
      if (d?.table !== 'ipvs') continue;
      let set = used.get(d.netns);
      if (!set) used.set(d.netns, (set = new Set()));
      set.add(d.row);
    }
    const prev = new Map<string, string[]>();
    for (const { snap, state } of this.frozenIpvs.versions) {
      const { rows, origins } = partialIpvsRows(state, used.get(snap.netns) ?? new Set());
      snap.rows = rows;
      snap.origins = origins;
      const before = prev.get(snap.netns);
      if (before && sameText(before, rows)) drop.add(snap);
      prev.set(snap.netns, rows);
    }
  }

  /**
   * The rows of the frozen versions: built-in chains and the chains the journey walked in
   * that namespace (a rule it decided by included), as `iptables -S` orders them. A
   * version that reads as the one before it is dropped, as the text comparison would.
   */
  private renderFrozen(): void {
    if (
      this.frozen.versions.length === 0 &&
      this.frozenIpvs.versions.length === 0 &&
      this.frozenNft.versions.length === 0
    )
      return;
    const drop = new Set<TableSnapshot>();
    this.renderFrozenIpvs(drop);
    this.renderFrozenNft(drop);
    const walked = new Map<string, Set<string>>();
    const walk = (netns: string, key: string): void => {
      let set = walked.get(netns);
      if (!set) walked.set(netns, (set = new Set()));
      set.add(key);
    };
    /** The rows each namespace's walks named ("TABLE\0ROW"): what a long chain keeps. */
    const named = new Map<string, Set<string>>();
    const name = (netns: string, table: string, row: string): void => {
      let set = named.get(netns);
      if (!set) named.set(netns, (set = new Set()));
      set.add(`${table}\u0000${row}`);
    };
    for (const e of this.events) {
      for (const t of e.traversed ?? []) {
        walk(e.netns, `${t.table} ${t.chain}`);
        name(e.netns, t.table, t.row);
        if (t.last !== undefined) name(e.netns, t.table, t.last);
      }
      const d = e.decidedBy;
      const chain = d?.table === 'iptables' ? /^-A (\S+)/.exec(d.row)?.[1] : undefined;
      if (chain)
        for (const id of ['raw', 'mangle', 'nat', 'filter']) {
          walk(d!.netns, `${id} ${chain}`);
          name(d!.netns, id, d!.row);
        }
    }
    const prev = new Map<string, string[]>();
    for (const { snap, state } of this.frozen.versions) {
      const { rows, origins } = partialRows(
        state,
        walked.get(snap.netns) ?? new Set(),
        named.get(snap.netns) ?? new Set(),
      );
      snap.rows = rows;
      snap.origins = origins;
      const before = prev.get(snap.netns);
      if (before && sameText(before, rows)) drop.add(snap);
      prev.set(snap.netns, rows);
    }
    if (drop.size > 0) {
      const kept = this.tables.filter((t) => !drop.has(t));
      this.tables.length = 0;
      this.tables.push(...kept);
    }
  }
}
