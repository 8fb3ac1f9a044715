/**
 * Per-netns sysctls. Only keys the model acts on exist; writing anything else fails
 * as `sysctl` does when /proc/sys has no such file.
 *
 * Per-device `net.ipv4.conf.<dev>.*` keys are created with the device from the
 * `default` values, as the kernel copies devconf on register; so are the per-device
 * `net.ipv4.neigh.<dev>.*` keys (neigh_parms_alloc copies the table's default parms).
 */
import { CommandError } from './errors';

const CONF_KEYS: Record<string, number> = {
  forwarding: 0,
  proxy_arp: 0,
  rp_filter: 0,
  send_redirects: 1,
  accept_redirects: 1,
  arp_ignore: 0,
  arp_announce: 0,
  arp_accept: 0,
  proxy_arp_pvlan: 0,
};

/** Neighbour parameters that exist per device as well as under `default`. */
const NEIGH_KEYS: Record<string, number> = {
  retrans_time_ms: 1000,
  mcast_solicit: 3,
  ucast_solicit: 3,
  proxy_delay: 80,
  base_reachable_time_ms: 30000,
  gc_stale_time: 60,
};

const GLOBAL_KEYS: Record<string, number> = {
  'net.ipv4.ip_forward': 0,
  'net.ipv4.ip_default_ttl': 64,
  'net.ipv4.neigh.default.retrans_time_ms': 1000,
  'net.ipv4.neigh.default.mcast_solicit': 3,
  'net.ipv4.neigh.default.ucast_solicit': 3,
  'net.ipv4.neigh.default.proxy_delay': 80,
  'net.ipv4.neigh.default.base_reachable_time_ms': 30000,
  'net.ipv4.neigh.default.gc_stale_time': 60,
  'net.ipv4.icmp_echo_ignore_all': 0,
  'net.ipv4.ip_local_port_range': 32768,
  // br_netfilter is loaded on container hosts (Docker and kubeadm load it); its default is 1.
  'net.bridge.bridge-nf-call-iptables': 1,
};

export class Sysctls {
  private values = new Map<string, number>();

  constructor() {
    for (const [k, v] of Object.entries(GLOBAL_KEYS)) this.values.set(k, v);
    for (const scope of ['all', 'default']) {
      for (const [k, v] of Object.entries(CONF_KEYS)) this.values.set(`net.ipv4.conf.${scope}.${k}`, v);
    }
  }

  /** Register `net.ipv4.conf.<dev>.*` and `net.ipv4.neigh.<dev>.*` from the `default` values. */
  addDevice(dev: string): void {
    for (const k of Object.keys(CONF_KEYS)) {
      this.values.set(`net.ipv4.conf.${dev}.${k}`, this.get(`net.ipv4.conf.default.${k}`));
    }
    for (const k of Object.keys(NEIGH_KEYS)) {
      this.values.set(`net.ipv4.neigh.${dev}.${k}`, this.get(`net.ipv4.neigh.default.${k}`));
    }
  }

  removeDevice(dev: string): void {
    for (const k of Object.keys(CONF_KEYS)) this.values.delete(`net.ipv4.conf.${dev}.${k}`);
    for (const k of Object.keys(NEIGH_KEYS)) this.values.delete(`net.ipv4.neigh.${dev}.${k}`);
  }

  renameDevice(from: string, to: string): void {
    for (const [scope, keys] of [
      ['conf', CONF_KEYS],
      ['neigh', NEIGH_KEYS],
    ] as const) {
      for (const k of Object.keys(keys)) {
        const v = this.values.get(`net.ipv4.${scope}.${from}.${k}`);
        this.values.delete(`net.ipv4.${scope}.${from}.${k}`);
        if (v !== undefined) this.values.set(`net.ipv4.${scope}.${to}.${k}`, v);
      }
    }
  }

  /** A per-device neighbour parameter (the device's own copy), falling back to `default`. */
  neighGet(dev: string, key: string): number {
    return this.values.get(`net.ipv4.neigh.${dev}.${key}`) ?? this.get(`net.ipv4.neigh.default.${key}`);
  }

  has(key: string): boolean {
    return this.values.has(normalizeKey(key));
  }

  get(key: string): number {
    return this.values.get(normalizeKey(key)) ?? 0;
  }

  /**
   * Writes a key with the kernel's side effects: `ip_forward` and `conf.all.forwarding`
   * switch forwarding on every device (devinet's inet_forward_change).
   */
  set(key: string, value: number): void {
    const k = normalizeKey(key);
    if (!this.values.has(k)) {
      throw new CommandError(
        `sysctl: cannot stat /proc/sys/${k.replace(/\./g, '/')}: No such file or directory`,
        255,
      );
    }
    this.values.set(k, value);
    if (k === 'net.ipv4.ip_forward' || k === 'net.ipv4.conf.all.forwarding') {
      for (const key2 of [...this.values.keys()]) {
        if (key2.startsWith('net.ipv4.conf.') && key2.endsWith('.forwarding')) this.values.set(key2, value);
      }
      this.values.set('net.ipv4.ip_forward', value);
    }
  }

  /** IN_DEV_CONF_GET(in_dev, X) || IPV4_DEVCONF_ALL(net, X): the "OR" semantics of proxy_arp etc. */
  devOr(dev: string, key: string): boolean {
    return this.get(`net.ipv4.conf.all.${key}`) !== 0 || this.get(`net.ipv4.conf.${dev}.${key}`) !== 0;
  }

  devGet(dev: string, key: string): number {
    return this.get(`net.ipv4.conf.${dev}.${key}`);
  }

  /** `sysctl -a` style rows for the keys that differ from a fresh namespace plus the main ones. */
  rows(): string[] {
    return [...this.values.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${k} = ${v}`);
  }

  entries(): [string, number][] {
    return [...this.values.entries()];
  }
}

/** sysctl accepts both dotted and slashed paths. */
export function normalizeKey(key: string): string {
  if (!key.includes('/')) return key;
  return key.replace(/^\/proc\/sys\//, '').replace(/\//g, '.');
}
