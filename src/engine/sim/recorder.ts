/**
 * Subscribes to the kernel model and writes the Trace: events in order, captures as
 * tcpdump would see them, and a new version of a table whenever it changes.
 */
import { packetLength } from '../net/encode';
import { formatTcpdump } from '../net/tcpdump';
import type { KernelCapture, KernelEvent, KernelObserver } from '../kernel/observer';
import type { Netns } from '../kernel/netns';
import { TABLE_READERS } from './tables';
import { renderExplain } from './messages';
import type { Capture, TableName, TableSnapshot, TraceEvent } from './trace';

/** Tables recorded only once they have rows (see TableSnapshot). */
const SPARSE = new Set<TableName>(['iptables', 'conntrack', 'ipvs']);

export class Recorder implements KernelObserver {
  readonly events: TraceEvent[] = [];
  readonly captures: Capture[] = [];
  readonly tables: TableSnapshot[] = [];
  private last = new Map<string, string>();
  private pending = new Map<string, Netns>();
  private dirty = new Map<string, { ns: Netns; table: TableName }>();

  constructor(private readonly now: () => number) {}

  /**
   * Record every table of every namespace as it is now (the state before the flow). The
   * rows are read lazily: a namespace is read the first time the flow touches it (every
   * change in a namespace follows an event there) and the untouched ones at the end, when
   * they still hold their initial state. A 1,000-namespace world thus costs what the
   * flow touches.
   */
  snapshotAll(netns: Iterable<Netns>): void {
    for (const ns of netns) this.pending.set(ns.name, ns);
  }

  private ensure(ns: Netns): void {
    if (!this.pending.delete(ns.name)) return;
    for (const t of Object.keys(TABLE_READERS) as TableName[]) this.snap(ns, t, 0);
  }

  event(e: KernelEvent): void {
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

  capture(c: KernelCapture): void {
    const step = Math.max(0, this.events.length - 1);
    const pkt = { layers: c.layers, payload: c.payload };
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
      length: packetLength(pkt),
      tcpdump: formatTcpdump(pkt, { link: c.link === 'eth' }),
    });
  }

  tableChanged(ns: Netns, table: TableName): void {
    this.ensure(ns);
    this.dirty.set(`${ns.name}\u0000${table}`, { ns, table });
  }

  /** Write pending table versions; they take effect from the next event's step. */
  flush(): void {
    for (const { ns, table } of this.dirty.values()) this.snap(ns, table);
    this.dirty.clear();
  }

  /** End of the flow: pending changes, then the namespaces the flow never touched; versions in step order. */
  finish(): void {
    this.flush();
    for (const ns of [...this.pending.values()]) this.ensure(ns);
    this.tables.sort((a, b) => a.step - b.step);
  }

  private snap(ns: Netns, table: TableName, step = this.events.length): void {
    const read = TABLE_READERS[table];
    if (!read) return;
    const { rows, origins } = read(ns);
    const key = `${ns.name}\u0000${table}`;
    const sig = rows.join('\n');
    if (this.last.get(key) === sig) return;
    // Netfilter and IPVS tables are empty in most namespaces: an absent version means empty.
    if (!this.last.has(key) && rows.length === 0 && SPARSE.has(table)) {
      this.last.set(key, sig);
      return;
    }
    this.last.set(key, sig);
    this.tables.push({ step, netns: ns.name, table, rows, origins });
  }
}
