/**
 * A Linux bridge's forwarding database: which port a MAC address was seen on. Local
 * entries (the addresses of the ports and the bridge itself) mean "deliver to this host".
 */
import type { Device } from './device';

export interface FdbEntry {
  mac: string;
  /** The port the address lives behind; the bridge device itself for its own address. */
  port: Device;
  /** is_local: one of this bridge's own addresses. */
  local: boolean;
  /** Added by a user (`bridge fdb add ... master static`), never aged. */
  isStatic: boolean;
  /** Simulated time of the last refresh, in µs. */
  updated: number;
  origin: string;
}

export const DEFAULT_AGEING_US = 300 * 1_000_000;

export class Fdb {
  private entries = new Map<string, FdbEntry>();
  ageingUs = DEFAULT_AGEING_US;

  constructor(private readonly bridge: Device) {}

  lookup(mac: string, now: number): FdbEntry | undefined {
    const e = this.entries.get(mac);
    if (!e) return undefined;
    if (!e.local && !e.isStatic && now - e.updated > this.ageingUs) {
      this.entries.delete(mac);
      return undefined;
    }
    return e;
  }

  /**
   * br_fdb_update: learn or refresh a source address on a port. Returns true when the
   * table changed (a new entry, or the address moved to another port).
   */
  learn(mac: string, port: Device, now: number, origin: string): boolean {
    const e = this.entries.get(mac);
    if (e?.local || e?.isStatic) return false;
    if (e && e.port === port) {
      e.updated = now;
      return false;
    }
    this.entries.set(mac, { mac, port, local: false, isStatic: false, updated: now, origin });
    return true;
  }

  set(entry: FdbEntry): void {
    this.entries.set(entry.mac, entry);
  }

  delete(mac: string): boolean {
    return this.entries.delete(mac);
  }

  /** Rebuild local entries from the current port and bridge addresses (after ports or MACs change). */
  syncLocal(ports: Device[]): void {
    for (const [mac, e] of this.entries) if (e.local) this.entries.delete(mac);
    for (const p of ports) {
      this.entries.set(p.mac, {
        mac: p.mac,
        port: p,
        local: true,
        isStatic: true,
        updated: 0,
        origin: 'kernel',
      });
    }
    if (!this.entries.has(this.bridge.mac)) {
      this.entries.set(this.bridge.mac, {
        mac: this.bridge.mac,
        port: this.bridge,
        local: true,
        isStatic: true,
        updated: 0,
        origin: 'kernel',
      });
    }
  }

  /** Forget what was learned on a port (it went down); with `all`, its static entries too (it left). */
  flushPort(port: Device, all = false): void {
    for (const [mac, e] of this.entries) {
      if (e.port === port && (all || (!e.isStatic && !e.local))) this.entries.delete(mac);
    }
  }

  list(now: number): FdbEntry[] {
    return [...this.entries.values()].filter(
      (e) => e.local || e.isStatic || now - e.updated <= this.ageingUs,
    );
  }

  /** A row as `bridge fdb show` prints it. */
  static format(e: FdbEntry, bridgeName: string): string {
    const state = e.local ? ' permanent' : e.isStatic ? ' static' : '';
    return `${e.mac} dev ${e.port.name} master ${bridgeName}${state}`;
  }
}
