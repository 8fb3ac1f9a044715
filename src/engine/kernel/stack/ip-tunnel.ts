/**
 * What IPIP and GRE share (net/ipv4/ip_tunnel.c): finding the tunnel a received packet
 * belongs to. ip_tunnel_lookup tries, in order, a tunnel whose remote and local both match,
 * one with this remote and any local, one with this local and any remote, then a tunnel open
 * at both ends; within each, the key must match (a keyed tunnel takes only packets with its
 * key, an unkeyed one only packets without). Only devices that are up answer. The fallback
 * device (tunl0, gre0) is open at both ends, so it is found last.
 */
import type { Device } from '../device';

export interface TunnelEnds {
  local?: number;
  remote?: number;
  /** i_key: unset for a tunnel without `key`/`ikey`. */
  ikey?: number;
}

export function ipTunnelLookup<T extends Device & { params: TunnelEnds }>(
  tunnels: readonly T[],
  src: number,
  dst: number,
  key: number | undefined,
): T | undefined {
  const up = tunnels.filter((t) => t.adminUp && t.params.ikey === key);
  return (
    up.find((t) => t.params.remote === src && t.params.local === dst) ??
    up.find((t) => t.params.remote === src && t.params.local === undefined) ??
    up.find((t) => t.params.remote === undefined && t.params.local === dst) ??
    up.find((t) => t.params.remote === undefined && t.params.local === undefined)
  );
}
