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
  // 127.0.0.0/8 routable to and from a non-loopback device (kube-proxy sets it for localhost NodePorts).
  route_localnet: 0,
};

/**
 * Per-device IPv6 keys (`net.ipv6.conf.<dev>.*`), copied from `default` when the device
 * registers (ipv6_add_dev copies devconf_dflt). Calico's CNI plugin writes all of these on
 * a pod's host-side veth.
 */
const CONF6_KEYS: Record<string, number> = {
  forwarding: 0,
  disable_ipv6: 0,
  accept_dad: 1,
  proxy_ndp: 0,
  accept_ra: 1,
};

/** Neighbour parameters that exist per device as well as under `default`. */
const NEIGH_KEYS: Record<string, number> = {
  retrans_time_ms: 1000,
  mcast_solicit: 3,
  ucast_solicit: 3,
  proxy_delay: 80,
  base_reachable_time_ms: 30000,
  gc_stale_time: 60,
  delay_first_probe_time: 5,
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
  'net.ipv4.neigh.default.delay_first_probe_time': 5,
  'net.ipv4.icmp_echo_ignore_all': 0,
  'net.ipv4.tcp_syn_retries': 6,
  'net.ipv4.tcp_synack_retries': 5,
  // Out-of-window answers (a SYN-ACK again for a retransmitted SYN) at most one per 500 ms.
  'net.ipv4.tcp_invalid_ratelimit': 500,
  // Linux 6.9+: the first SYN retransmissions keep the initial 1 s timeout instead of doubling it.
  'net.ipv4.tcp_syn_linear_timeouts': 4,
  'net.ipv4.ip_local_port_range': 32768,
  // Multipath routes: policy 0 hashes the addresses (layer 3); a seed of 0 is a random
  // per-namespace key on the kernel, which a scenario that checks paths pins.
  'net.ipv4.fib_multipath_hash_policy': 0,
  'net.ipv4.fib_multipath_hash_seed': 0,
  // IPv6 (net.ipv6.conf.*): forwarding is namespace-wide (ip6_forward reads conf.all).
  'net.ipv6.conf.all.forwarding': 0,
  'net.ipv6.conf.default.forwarding': 0,
  'net.ipv6.conf.all.disable_ipv6': 0,
  'net.ipv6.conf.default.disable_ipv6': 0,
  // ipv6_devconf (all) has accept_dad 0, ipv6_devconf_dflt 1: a device does DAD unless either says no.
  'net.ipv6.conf.all.accept_dad': 0,
  'net.ipv6.conf.default.accept_dad': 1,
  'net.ipv6.conf.all.proxy_ndp': 0,
  'net.ipv6.conf.default.proxy_ndp': 0,
  'net.ipv6.conf.all.accept_ra': 1,
  'net.ipv6.conf.default.accept_ra': 1,
  // ip6_make_flowlabel: 1 (opt-out) labels every socket's packets from the flow hash; 0 never.
  'net.ipv6.auto_flowlabels': 1,
  // With 1, auto labels carry the high bit (IPV6_FLOWLABEL_STATELESS_FLAG); 0 by default.
  'net.ipv6.flowlabel_state_ranges': 0,
  'net.ipv6.conf.all.hop_limit': 64,
  'net.ipv6.conf.default.hop_limit': 64,
  // -1: solicit routers for ever, backing off (rtr_solicits). The model sends none; a scenario
  // turns them off (0) where, on the kernel, they would cross a tunnel and warm its underlay.
  'net.ipv6.conf.all.router_solicitations': -1,
  'net.ipv6.conf.default.router_solicitations': -1,
  'net.ipv6.neigh.default.retrans_time_ms': 1000,
  'net.ipv6.neigh.default.mcast_solicit': 3,
  // br_netfilter is loaded on container hosts (Docker and kubeadm load it); its default is 1.
  'net.bridge.bridge-nf-call-iptables': 1,
  'net.bridge.bridge-nf-call-ip6tables': 1,
};

const CONF_NAMES = Object.keys(CONF_KEYS);
const NEIGH_NAMES = Object.keys(NEIGH_KEYS);
const CONF6_NAMES = Object.keys(CONF6_KEYS);
/**
 * A device's values: CONF_NAMES in order, then NEIGH_NAMES, then CONF6_NAMES. Maps, not
 * objects: a key is user input.
 */
const CONF_INDEX = new Map(CONF_NAMES.map((k, i) => [k, i]));
const NEIGH_INDEX = new Map(NEIGH_NAMES.map((k, i) => [k, CONF_NAMES.length + i]));
const CONF6_AT = CONF_NAMES.length + NEIGH_NAMES.length;
const CONF6_INDEX = new Map(CONF6_NAMES.map((k, i) => [k, CONF6_AT + i]));
/** Each per-device group: its key prefix, names, and where its values start in a device's array. */
const GROUPS = [
  { prefix: 'net.ipv4.conf.', names: CONF_NAMES, at: 0 },
  { prefix: 'net.ipv4.neigh.', names: NEIGH_NAMES, at: CONF_NAMES.length },
  { prefix: 'net.ipv6.conf.', names: CONF6_NAMES, at: CONF6_AT },
] as const;
const DEFAULT_KEYS = GROUPS.flatMap((g) => g.names.map((k) => `${g.prefix}default.${k}`));
const CONF_PREFIX = 'net.ipv4.conf.';
const NEIGH_PREFIX = 'net.ipv4.neigh.';
const CONF6_PREFIX = 'net.ipv6.conf.';
const FORWARDING = CONF_INDEX.get('forwarding')!;
const FORWARDING6 = CONF6_INDEX.get('forwarding')!;

/** The keys a fresh namespace has, in the order it creates them. */
const FRESH: [string, number][] = [
  ...Object.entries(GLOBAL_KEYS),
  ...['all', 'default'].flatMap((scope) =>
    Object.entries(CONF_KEYS).map(([k, v]): [string, number] => [`net.ipv4.conf.${scope}.${k}`, v]),
  ),
];
const FRESH_KEYS = FRESH.map(([k]) => k);
const FRESH_VALUES = FRESH.map(([, v]) => v);
const FRESH_INDEX = new Map(FRESH_KEYS.map((k, i) => [k, i]));
/** Where a new device copies its values from: the `default` keys (all namespace-wide). */
const DEFAULT_AT = DEFAULT_KEYS.map((k) => FRESH_INDEX.get(k)!);
/** inet_forward_change's namespace-wide targets: every `net.ipv4.conf.*.forwarding` key. */
const FORWARDING_AT = FRESH_KEYS.flatMap((k, i) =>
  k.startsWith('net.ipv4.conf.') && k.endsWith('.forwarding') ? [i] : [],
);
const IP_FORWARD_AT = FRESH_INDEX.get('net.ipv4.ip_forward')!;
/** addrconf_fixup_forwarding's targets for conf.all: `default`, then every device. */
const FORWARDING6_AT = ['net.ipv6.conf.all.forwarding', 'net.ipv6.conf.default.forwarding'].map((k) =>
  FRESH_INDEX.get(k)!,
);

/** The keys the Trace's sysctl table shows per scope. */
const SHOWN = ['forwarding', 'proxy_arp', 'rp_filter'];
const SHOWN_INDEX = SHOWN.map((k) => CONF_INDEX.get(k)!);
const SHOWN_FIRST = 'net.ipv4.ip_forward';
const SHOWN_GLOBAL = ['all', 'default'].flatMap((scope) => SHOWN.map((k) => `net.ipv4.conf.${scope}.${k}`));
const SHOWN_LAST = 'net.bridge.bridge-nf-call-iptables';

/** `key = value` rows, built once per key and value and shared by every world. */
class RowText {
  private readonly prefix: string;
  private readonly byValue: string[] = [];
  constructor(key: string) {
    this.prefix = `${key} = `;
  }
  of(v: number): string {
    if (v !== 0 && v !== 1) return this.prefix + v;
    return (this.byValue[v] ??= this.prefix + v);
  }
}

const rowTexts = new Map<string, RowText>();

/** The rows of one key. */
function rowText(key: string): RowText {
  let t = rowTexts.get(key);
  if (!t) {
    if (rowTexts.size >= 16384) rowTexts.clear();
    rowTexts.set(key, (t = new RowText(key)));
  }
  return t;
}

const scopeTexts = new Map<string, RowText[]>();

/** The rows of one device's shown keys. */
function scopeText(scope: string): RowText[] {
  let t = scopeTexts.get(scope);
  if (!t) {
    if (scopeTexts.size >= 4096) scopeTexts.clear();
    scopeTexts.set(scope, (t = SHOWN.map((k) => new RowText(`net.ipv4.conf.${scope}.${k}`))));
  }
  return t;
}

/**
 * The namespace's sysctls, behaving as one ordered key/value map. Stored compactly: the
 * namespace-wide keys' values in an array, each device's `conf.<dev>.*` and `neigh.<dev>.*`
 * values in another (a 1,000-namespace world holds tens of thousands of such keys, and
 * building their names was most of the cost of creating namespaces and devices). Only a
 * device called "all" or "default" (or with a slash) could make the two overlap: with one
 * of those the store turns, for good, into the plain map it stands for (`values`).
 */
export class Sysctls {
  /** The namespace-wide keys' values, in FRESH order (undefined once flat). */
  private shared: number[] | undefined = FRESH_VALUES.slice();
  /** Per-device values by device name, in registration order (undefined once flat). */
  private devs: Map<string, number[]> | undefined = new Map();
  /** Once flat: every key. */
  private values: Map<string, number> | undefined;

  private static overlaps(dev: string): boolean {
    // A slash would also make the device's keys read differently once normalised.
    return dev === 'all' || dev === 'default' || dev.includes('/');
  }

  /** From now on every key lives in `values`, in the same order as entries() lists them. */
  private flatten(): Map<string, number> {
    if (!this.values) {
      this.values = new Map(this.entries());
      this.shared = undefined;
      this.devs = undefined;
    }
    return this.values;
  }

  /** The device slot a per-device key names, if that device is registered. */
  private slot(key: string): { vals: number[]; i: number } | undefined {
    const devs = this.devs;
    if (!devs || devs.size === 0) return undefined;
    let index: Map<string, number>;
    let rest: string;
    if (key.startsWith(CONF_PREFIX)) {
      index = CONF_INDEX;
      rest = key.slice(CONF_PREFIX.length);
    } else if (key.startsWith(NEIGH_PREFIX)) {
      index = NEIGH_INDEX;
      rest = key.slice(NEIGH_PREFIX.length);
    } else if (key.startsWith(CONF6_PREFIX)) {
      index = CONF6_INDEX;
      rest = key.slice(CONF6_PREFIX.length);
    } else return undefined;
    const dot = rest.lastIndexOf('.');
    if (dot < 0) return undefined;
    const i = index.get(rest.slice(dot + 1));
    if (i === undefined) return undefined;
    const vals = devs.get(rest.slice(0, dot));
    return vals ? { vals, i } : undefined;
  }

  /** The value of a normalised key, undefined when there is no such key. */
  private lookup(key: string): number | undefined {
    if (this.values) return this.values.get(key);
    const i = FRESH_INDEX.get(key);
    if (i !== undefined) return this.shared![i];
    const s = this.slot(key);
    return s ? s.vals[s.i] : undefined;
  }

  /** Register `net.ipv4.conf.<dev>.*`, `net.ipv4.neigh.<dev>.*` and `net.ipv6.conf.<dev>.*` from `default`. */
  addDevice(dev: string): void {
    const values = Sysctls.overlaps(dev) ? this.flatten() : this.values;
    if (!values) {
      const shared = this.shared!;
      this.devs!.set(
        dev,
        DEFAULT_AT.map((i) => shared[i]!),
      );
      return;
    }
    for (const g of GROUPS)
      for (const k of g.names) values.set(`${g.prefix}${dev}.${k}`, this.get(`${g.prefix}default.${k}`));
  }

  removeDevice(dev: string): void {
    const values = Sysctls.overlaps(dev) ? this.flatten() : this.values;
    if (!values) {
      this.devs!.delete(dev);
      return;
    }
    for (const g of GROUPS) for (const k of g.names) values.delete(`${g.prefix}${dev}.${k}`);
  }

  renameDevice(from: string, to: string): void {
    const values = Sysctls.overlaps(from) || Sysctls.overlaps(to) ? this.flatten() : this.values;
    if (!values) {
      const devs = this.devs!;
      const vals = devs.get(from);
      devs.delete(from);
      if (vals) devs.set(to, vals);
      return;
    }
    for (const g of GROUPS) {
      for (const k of g.names) {
        const v = values.get(`${g.prefix}${from}.${k}`);
        values.delete(`${g.prefix}${from}.${k}`);
        if (v !== undefined) values.set(`${g.prefix}${to}.${k}`, v);
      }
    }
  }

  /** A per-device neighbour parameter (the device's own copy), falling back to `default`. */
  neighGet(dev: string, key: string): number {
    const vals = this.devs?.get(dev);
    const i = NEIGH_INDEX.get(key);
    if (vals && i !== undefined) return vals[i]!;
    return this.lookup(`net.ipv4.neigh.${dev}.${key}`) ?? this.get(`net.ipv4.neigh.default.${key}`);
  }

  has(key: string): boolean {
    return this.lookup(normalizeKey(key)) !== undefined;
  }

  get(key: string): number {
    return this.lookup(normalizeKey(key)) ?? 0;
  }

  /**
   * Writes a key with the kernel's side effects: `ip_forward` and `conf.all.forwarding`
   * switch forwarding on every device and `conf.all.accept_redirects` to the opposite
   * (devinet's inet_forward_change); IPv6's
   * `conf.all.forwarding` sets `default` and every device too (addrconf_fixup_forwarding).
   */
  set(key: string, value: number): void {
    const k = normalizeKey(key);
    const missing = (): CommandError =>
      new CommandError(
        `sysctl: cannot stat /proc/sys/${k.replace(/\./g, '/')}: No such file or directory`,
        255,
      );
    const forward = k === 'net.ipv4.ip_forward' || k === 'net.ipv4.conf.all.forwarding';
    const forward6 = k === 'net.ipv6.conf.all.forwarding';
    // devinet_sysctl_forward calls inet_forward_change only when the value changes; it turns
    // conf.all.accept_redirects off for a router and back on for a host.
    const redirects = forward && this.has(k) && this.get(k) !== value ? (value ? 0 : 1) : undefined;
    if (redirects !== undefined) this.set('net.ipv4.conf.all.accept_redirects', redirects);
    const values = this.values;
    if (values) {
      if (!values.has(k)) throw missing();
      values.set(k, value);
      if (forward || forward6) {
        const scope = forward ? CONF_PREFIX : CONF6_PREFIX;
        for (const key2 of [...values.keys()]) {
          if (key2.startsWith(scope) && key2.endsWith('.forwarding')) values.set(key2, value);
        }
        if (forward) values.set('net.ipv4.ip_forward', value);
      }
      return;
    }
    const shared = this.shared!;
    const i = FRESH_INDEX.get(k);
    if (i !== undefined) shared[i] = value;
    else {
      const s = this.slot(k);
      if (!s) throw missing();
      s.vals[s.i] = value;
    }
    if (forward) {
      for (const at of FORWARDING_AT) shared[at] = value;
      for (const vals of this.devs!.values()) vals[FORWARDING] = value;
      shared[IP_FORWARD_AT] = value;
    }
    if (forward6) {
      for (const at of FORWARDING6_AT) shared[at] = value;
      for (const vals of this.devs!.values()) vals[FORWARDING6] = value;
    }
  }

  /** A device's own `net.ipv6.conf.<dev>.<key>` (0 when the device or key does not exist). */
  dev6Get(dev: string, key: string): number {
    const vals = this.devs?.get(dev);
    const i = CONF6_INDEX.get(key);
    if (vals && i !== undefined) return vals[i]!;
    return this.get(`${CONF6_PREFIX}${dev}.${key}`);
  }

  /** IN_DEV_CONF_GET(in_dev, X) || IPV4_DEVCONF_ALL(net, X): the "OR" semantics of proxy_arp etc. */
  devOr(dev: string, key: string): boolean {
    return this.get(`net.ipv4.conf.all.${key}`) !== 0 || this.devGet(dev, key) !== 0;
  }

  devGet(dev: string, key: string): number {
    const vals = this.devs?.get(dev);
    const i = CONF_INDEX.get(key);
    if (vals && i !== undefined) return vals[i]!;
    return this.get(`net.ipv4.conf.${dev}.${key}`);
  }

  /**
   * The rows the Trace's sysctl table shows: ip_forward, then forwarding, proxy_arp and
   * rp_filter for all, default and each device named, then bridge-nf-call-iptables; each
   * only if it exists, as `key = value`.
   */
  shownRows(devices: string[]): string[] {
    const rows: string[] = [];
    this.shownRow(rows, SHOWN_FIRST);
    for (const k of SHOWN_GLOBAL) this.shownRow(rows, k);
    for (const scope of devices) {
      const vals = this.devs?.get(scope);
      if (vals) {
        const t = scopeText(scope);
        for (let j = 0; j < SHOWN.length; j++) rows.push(t[j]!.of(vals[SHOWN_INDEX[j]!]!));
      } else for (const k of SHOWN) this.shownRow(rows, `net.ipv4.conf.${scope}.${k}`);
    }
    this.shownRow(rows, SHOWN_LAST);
    return rows;
  }

  private shownRow(rows: string[], k: string): void {
    const v = this.lookup(normalizeKey(k));
    if (v !== undefined) rows.push(rowText(k).of(v));
  }

  /** `sysctl -a` style rows for the keys that differ from a fresh namespace plus the main ones. */
  rows(): string[] {
    return this.entries()
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${k} = ${v}`);
  }

  /** Every key and value, in the order the keys were created. */
  entries(): [string, number][] {
    if (this.values) return [...this.values.entries()];
    const shared = this.shared!;
    const out = FRESH_KEYS.map((k, i): [string, number] => [k, shared[i]!]);
    for (const [dev, vals] of this.devs!)
      for (const g of GROUPS)
        g.names.forEach((k, i) => out.push([`${g.prefix}${dev}.${k}`, vals[g.at + i]!]));
    return out;
  }
}

/** sysctl accepts both dotted and slashed paths. */
export function normalizeKey(key: string): string {
  if (!key.includes('/')) return key;
  return key.replace(/^\/proc\/sys\//, '').replace(/\//g, '.');
}
