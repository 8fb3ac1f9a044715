/**
 * A small etcd-like store: keys with values, leases that expire, and watches on key
 * prefixes. flanneld keeps the network config and each node's subnet lease here; every
 * call is a control-plane message the Trace can show.
 */
import type { Netns } from '../kernel/netns';
import { emit as emitEvent, type Emit } from '../kernel/emit';
import { SECOND_US } from '../kernel/timing';
import type { World } from '../kernel/world';
import type { TimerHandle } from '../kernel/scheduler';

/** The codes this module reports (kernel/message-codes.ts). */
const emit: Emit<'store'> = emitEvent;

export interface StoreEntry {
  key: string;
  value: string;
  /** Simulated time (µs) at which the key expires, if it has a TTL. */
  expires?: number;
  /** etcd's modification index: bumps on every change. */
  modIndex: number;
}

export type WatchEvent = { action: 'set' | 'expire' | 'delete'; key: string; value?: string; prev?: string };

interface Watch {
  prefix: string;
  /** Where the watcher runs: the event is reported in its namespace. */
  ns: Netns;
  who: string;
  cb: (e: WatchEvent) => void;
}

export class Store {
  private entries = new Map<string, StoreEntry>();
  private timers = new Map<string, TimerHandle>();
  private watches: Watch[] = [];
  private index = 0;

  constructor(private readonly world: World) {}

  /** Load a value without any client (the scenario's initial contents). */
  seed(key: string, value: string): void {
    this.entries.set(key, { key, value, modIndex: ++this.index });
  }

  get(key: string, ns: Netns, who: string): StoreEntry | undefined {
    const e = this.entries.get(key);
    emit(ns, {
      kind: 'control',
      code: e ? 'store.get' : 'store.get-missing',
      args: { who, key, value: e?.value ?? '' },
    });
    return e;
  }

  list(prefix: string): StoreEntry[] {
    return [...this.entries.values()]
      .filter((e) => e.key.startsWith(prefix))
      .sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  /** PUT, optionally with a TTL in seconds; `prevExist: false` makes it a create that fails if the key exists. */
  put(
    key: string,
    value: string,
    opts: { ttlS?: number; ns: Netns; who: string; create?: boolean },
  ): boolean {
    const prev = this.entries.get(key);
    if (opts.create && prev) {
      emit(opts.ns, { kind: 'control', code: 'store.put-exists', args: { who: opts.who, key } });
      return false;
    }
    const e: StoreEntry = { key, value, modIndex: ++this.index };
    this.timers.get(key)?.cancel();
    if (opts.ttlS !== undefined) {
      e.expires = this.world.sched.now + opts.ttlS * SECOND_US;
      this.timers.set(
        key,
        this.world.sched.at(opts.ttlS * SECOND_US, () => this.expire(key)),
      );
    }
    this.entries.set(key, e);
    emit(opts.ns, {
      kind: 'control',
      code: opts.ttlS !== undefined ? 'store.put-ttl' : 'store.put',
      args: { who: opts.who, key, value, ttl: opts.ttlS ?? 0 },
    });
    this.notify({ action: 'set', key, value, ...(prev ? { prev: prev.value } : {}) });
    return true;
  }

  delete(key: string, ns: Netns, who: string): void {
    const prev = this.entries.get(key);
    if (!prev) return;
    this.entries.delete(key);
    this.timers.get(key)?.cancel();
    emit(ns, { kind: 'control', code: 'store.delete', args: { who, key } });
    this.notify({ action: 'delete', key, prev: prev.value });
  }

  /** Watch a prefix until the returned handle is cancelled (the watcher exits: its connection closes). */
  watch(prefix: string, ns: Netns, who: string, cb: (e: WatchEvent) => void): { cancel(): void } {
    const w: Watch = { prefix, ns, who, cb };
    this.watches.push(w);
    return { cancel: () => void (this.watches = this.watches.filter((x) => x !== w)) };
  }

  /** A lease ran out: the key disappears and watchers hear `expire`. */
  private expire(key: string): void {
    const prev = this.entries.get(key);
    if (!prev) return;
    this.entries.delete(key);
    this.timers.delete(key);
    this.notify({ action: 'expire', key, prev: prev.value });
  }

  private notify(e: WatchEvent): void {
    for (const w of this.watches) {
      if (!e.key.startsWith(w.prefix)) continue;
      emit(w.ns, {
        kind: 'control',
        code: `store.watch-${e.action}`,
        args: { who: w.who, key: e.key, value: e.value ?? e.prev ?? '' },
      });
      w.cb(e);
    }
  }

  /** Rows as `etcdctl get --prefix` would list them (key, value, TTL left). */
  rows(now: number): string[] {
    return this.list('').map(
      (e) =>
        `${e.key} ${e.value}${e.expires !== undefined ? `  (ttl ${Math.max(0, Math.round((e.expires - now) / SECOND_US))}s)` : ''}`,
    );
  }
}
