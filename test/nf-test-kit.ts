/**
 * Test helpers for the netfilter unit tests: one host with two interfaces, iptables rules
 * typed as commands, and packets handed straight to a hook as the stack would.
 */
import { runCommand } from '../src/engine/commands/index';
import type { Device } from '../src/engine/kernel/device';
import type { Hook, HookContext } from '../src/engine/kernel/nf-hook';
import type { Skb } from '../src/engine/kernel/skb';
import { World } from '../src/engine/kernel/world';
import type { Layer } from '../src/engine/net/layers';
import { conntrackOf } from '../src/engine/kernel/netfilter/engine';
import type { TableId } from '../src/engine/kernel/netfilter/types';

export function nfHost(setup: string[] = []) {
  const world = new World('nf-test');
  const machine = world.addMachine('h');
  const ns = machine.root;
  const sh = (line: string): string => runCommand({ world, machine, ns, origin: 'test' }, line).output;
  for (const l of [
    'ip link add eth0 type dummy',
    'ip link add eth1 type dummy',
    'ip addr add 10.0.0.1/24 dev eth0',
    'ip addr add 192.0.2.1/24 dev eth1',
    'ip link set eth0 up',
    'ip link set eth1 up',
    'ip link set lo up',
    'sysctl -w net.ipv4.ip_forward=1',
    ...setup,
  ])
    sh(l);
  const dev = (name: string): Device => ns.device(name)!;
  /** Runs one hook; null means dropped (or stolen by REJECT). */
  const hook = (h: Hook, skb: Skb, ctx: { in?: string; out?: string } = {}): Skb | null => {
    const c: HookContext = {};
    if (ctx.in) c.in = dev(ctx.in);
    if (ctx.out) c.out = dev(ctx.out);
    return ns.netfilter ? ns.netfilter.run(ns, h, skb, c) : skb;
  };
  /** A forwarded packet: PREROUTING, FORWARD, POSTROUTING. */
  const forward = (skb: Skb, inDev: string, outDev: string): Skb | null => {
    const a = hook('PREROUTING', skb, { in: inDev });
    const b = a && hook('FORWARD', a, { in: inDev, out: outDev });
    return b && hook('POSTROUTING', b, { out: outDev });
  };
  /** A locally delivered packet: PREROUTING then INPUT. */
  const input = (skb: Skb, inDev: string): Skb | null => {
    const a = hook('PREROUTING', skb, { in: inDev });
    return a && hook('INPUT', a, { in: inDev });
  };
  /** Packet counters of a chain's rules: iptables-nft's rule set, or iptables-legacy's. */
  const counters = (table: TableId, chain: string, backend: 'nft' | 'legacy' = 'nft'): number[] =>
    (backend === 'legacy' ? ns.iptablesLegacy! : ns.iptables!).tables[table].chains
      .get(chain)!
      .rules.map((r) => r.counters.packets);
  const ct = () => conntrackOf(ns)!;
  return { world, machine, ns, sh, dev, hook, forward, input, counters, ct };
}

let ids = 0;
function ip(src: string, dst: string, protocol: number): Layer {
  return { proto: 'ipv4', src, dst, ttl: 64, protocol, id: ++ids, df: true, tos: 0 };
}

export function tcp(src: string, sport: number, dst: string, dport: number, flags = 'S'): Skb {
  return {
    id: ++ids,
    layers: [ip(src, dst, 6), { proto: 'tcp', sport, dport, flags, seq: 1000, ack: 0, window: 64240 }],
    payload: 0,
    mark: 0,
  };
}

export function udp(src: string, sport: number, dst: string, dport: number): Skb {
  return { id: ++ids, layers: [ip(src, dst, 17), { proto: 'udp', sport, dport }], payload: 10, mark: 0 };
}

export function echo(src: string, dst: string, id = 7, type = 8): Skb {
  return {
    id: ++ids,
    layers: [ip(src, dst, 1), { proto: 'icmp', type, code: 0, id, seq: 1 }],
    payload: 56,
    mark: 0,
  };
}

export const ipOfSkb = (s: Skb | null) => s?.layers[0] as { src: string; dst: string } | undefined;
export const l4OfSkb = (s: Skb | null) => s?.layers[1] as { sport: number; dport: number } | undefined;
