/**
 * Finding a place in a big topology by name (pure, no DOM): machines, namespaces and interfaces,
 * an interface written "netns/interface" as the placeholder of the canvas names places.
 */
import type { Topology } from '../../engine/kernel/trace';
import { machineNames } from './lod';

export interface Place {
  /** What the reader types or picks: "node-17", "n17-pod0", "n17-pod0/eth0". */
  label: string;
  machine: string;
  netns: string | null;
  iface: string | null;
}

/** Every place of the topology, machines first, then namespaces, then their interfaces. */
export function placesOf(t: Topology): Place[] {
  const out: Place[] = machineNames(t).map((m) => ({ label: m, machine: m, netns: null, iface: null }));
  for (const n of t.netns) out.push({ label: n.name, machine: n.machine, netns: n.name, iface: null });
  for (const n of t.netns) {
    for (const i of n.interfaces) {
      if (i.kind === 'loopback') continue;
      out.push({ label: `${n.name}/${i.name}`, machine: n.machine, netns: n.name, iface: i.name });
    }
  }
  return out;
}

/** Up to `max` places whose label contains `query` (case-insensitive), those that start with it first. */
export function matchPlaces(places: readonly Place[], query: string, max = 30): Place[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const starts: Place[] = [];
  const within: Place[] = [];
  for (const p of places) {
    const l = p.label.toLowerCase();
    if (l.startsWith(q)) starts.push(p);
    else if (l.includes(q)) within.push(p);
    if (starts.length >= max) break;
  }
  return [...starts, ...within].slice(0, max);
}

/** The place a query names: the one spelled exactly so, else the first match; null when none. */
export function findPlace(places: readonly Place[], query: string): Place | null {
  const q = query.trim().toLowerCase();
  if (!q) return null;
  return places.find((p) => p.label.toLowerCase() === q) ?? matchPlaces(places, q, 1)[0] ?? null;
}
