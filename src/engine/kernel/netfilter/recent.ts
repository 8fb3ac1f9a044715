/**
 * xt_recent: named lists of addresses with the times they were seen, one set of lists per
 * network namespace (/proc/net/xt_recent/NAME). `--set` records the packet's address,
 * `--rcheck` asks whether it was seen (within `--seconds`, at least `--hitcount` times),
 * `--update` does the same and records this sighting, `--remove` forgets it; `--reap`
 * drops the sightings older than `--seconds`. kube-proxy's session affinity is built on it.
 */
import type { Match } from './types';

export type RecentMatch = Extract<Match, { module: 'recent' }>;

/** ip_pkt_list_tot: sightings kept per address (the module's default). */
export const IP_PKT_LIST_TOT = 20;

interface Entry {
  stamps: number[];
  ttl: number;
}

export class RecentTables {
  readonly tables = new Map<string, Map<number, Entry>>();

  private table(name: string): Map<number, Entry> {
    let t = this.tables.get(name);
    if (!t) this.tables.set(name, (t = new Map()));
    return t;
  }

  /** recent_mt: the match's verdict for a packet from/to `addr` at time `now` (microseconds). */
  match(m: RecentMatch, addr: number, ttl: number, now: number): boolean {
    const t = this.table(m.name);
    const key = (addr & m.mask) >>> 0;
    let ret = m.neg;
    const e = t.get(key);
    const ttlOk = !m.rttl || e?.ttl === ttl;
    if (!e || !ttlOk) {
      if (m.cmd !== 'set') return ret;
      t.set(key, { stamps: [now], ttl });
      return !ret;
    }
    if (m.cmd === 'set') ret = !ret;
    else if (m.cmd === 'remove') {
      t.delete(key);
      return !ret;
    } else {
      const since = now - (m.seconds ?? 0) * 1_000_000;
      let hits = 0;
      for (const s of e.stamps) {
        if (m.seconds && s < since) continue;
        if (!m.hitcount || ++hits >= m.hitcount) {
          ret = !ret;
          break;
        }
      }
      // recent_entry_reap: the sightings older than --seconds go (all of them: the entry too).
      if (m.reap) {
        e.stamps = e.stamps.filter((s) => s >= since);
        if (e.stamps.length === 0) t.delete(key);
      }
    }
    if (m.cmd === 'set' || (m.cmd === 'update' && ret !== m.neg)) {
      const cur = t.get(key) ?? { stamps: [], ttl };
      cur.stamps = [...cur.stamps, now].slice(-IP_PKT_LIST_TOT);
      cur.ttl = ttl;
      t.set(key, cur);
    }
    return ret;
  }
}
