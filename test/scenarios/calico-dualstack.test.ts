/**
 * calico-dualstack: Calico with an IPv4 pool (/26 blocks) and an IPv6 pool (/122 blocks).
 * Expected rows are what this kernel (6.18) prints for the same commands (the routes of a
 * cali veth set up as Calico's CNI plugin does, bird6's routes, the NA captured on the cali
 * veth with tcpdump); `npx tsx src/cli/conformance.ts calico-dualstack` agrees on every frame
 * of the three flows, NDP included.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario, buildWorld, runCommand, type Capture, type Trace } from '../../src/engine';
import type { Store } from '../../src/engine/controllers/store';
import { ScenarioError } from '../../src/engine/scenario/errors';
import { trace, world } from '../helpers';
import { readFileSync } from 'node:fs';

function at(t: Trace, netns: string, iface: string, dir: 'tx' | 'rx'): Capture[] {
  return t.captures.filter((c) => c.netns === netns && c.interface === iface && c.direction === dir);
}

const yaml = readFileSync('scenarios/calico-dualstack.yaml', 'utf8');

describe('calico-dualstack: what the CNI plugin, Felix and bird6 program', () => {
  const { world: w } = world('calico-dualstack');
  const run = (ns: string, line: string): string =>
    runCommand({ world: w, machine: w.machines.get(ns)!, ns: w.netns.get(ns)!, origin: 'test' }, line).output;
  const cali = (node: string): string => run(node, 'ip -o link').match(/cali[0-9a-f]{11}/)![0];

  it("routes the pod's IPv6 default via the host side's link-local address", () => {
    expect(run('pod-a', 'ip -6 route').split('\n')).toEqual([
      'fd00:10:244:1::2 dev eth0 proto kernel metric 256 pref medium',
      'fe80::/64 dev eth0 proto kernel metric 256 pref medium',
      'default via fe80::ecee:eeff:feee:eeee dev eth0 metric 1024 pref medium',
    ]);
    // The kernel derives that address from the cali veth's MAC (EUI-64 of ee:ee:ee:ee:ee:ee).
    expect(run('node1', `ip -6 addr show dev ${cali('node1')}`)).toContain(
      'inet6 fe80::ecee:eeff:feee:eeee/64 scope link',
    );
  });

  it('sets the host-side sysctls the CNI plugin writes, and Felix turns IPv6 forwarding on', () => {
    const dev = cali('node1');
    const get = (k: string): number => w.netns.get('node1')!.sysctl.get(k);
    expect(get(`net.ipv6.conf.${dev}.proxy_ndp`)).toBe(1);
    expect(get(`net.ipv6.conf.${dev}.accept_dad`)).toBe(0);
    expect(get(`net.ipv6.conf.${dev}.accept_ra`)).toBe(0);
    expect(get(`net.ipv6.conf.${dev}.forwarding`)).toBe(1);
    expect(get('net.ipv6.conf.all.forwarding')).toBe(1);
    expect(w.netns.get('pod-a')!.sysctl.get('net.ipv6.conf.eth0.accept_dad')).toBe(0);
  });

  it("holds a blackhole for its /122, a /128 per pod, and the other node's block via its IPv6 address", () => {
    const routes = run('node1', 'ip -6 route').split('\n');
    expect(routes).toContain('blackhole fd00:10:244:1::/122 dev lo proto bird metric 1024 pref medium');
    expect(routes).toContain(`fd00:10:244:1::2 dev ${cali('node1')} metric 1024 pref medium`);
    expect(routes).toContain(
      'fd00:10:244:2::40/122 via fd00:1::12 dev eth0 proto bird metric 1024 pref medium',
    );
    // IPv4 keeps its own /26 and BIRD route; neither family goes through tunl0.
    expect(run('node1', 'ip route')).toContain('10.244.2.64/26 via 192.168.1.12 dev eth0 proto bird');
  });

  it('keeps the IPv6 block and affinity under ipv6 keys, and both addresses in the endpoint', () => {
    const store = w.store as Store;
    const block = store.list('/calico/ipam/v2/assignment/ipv6/block/');
    expect(block.map((e) => e.key)).toEqual([
      '/calico/ipam/v2/assignment/ipv6/block/fd00:10:244:1::-122',
      '/calico/ipam/v2/assignment/ipv6/block/fd00:10:244:2::40-122',
    ]);
    expect(JSON.parse(block[0]!.value).allocations).toEqual({
      'fd00:10:244:1::2': 'default.pod-a',
      'fd00:10:244:1::3': 'default.pod-c',
    });
    expect(store.list('/calico/ipam/v2/host/node2/ipv6/block/').map((e) => e.key)).toEqual([
      '/calico/ipam/v2/host/node2/ipv6/block/fd00:10:244:2::40-122',
    ]);
    const wep = store.list('/calico/resources/v3/projectcalico.org/workloadendpoints/default/');
    const b = wep.find((e) => e.key.endsWith('node2-k8s-pod--b-eth0'))!;
    expect(JSON.parse(b.value).ipNetworks).toEqual(['10.244.2.66/32', 'fd00:10:244:2::42/128']);
  });
});

describe('calico-dualstack: pod-a-ping6-pod-b', () => {
  const t = trace('calico-dualstack', 'pod-a-ping6-pod-b');

  it('is delivered routed twice, with no encapsulation: hop limit 62 at pod-b', () => {
    expect(t.verdict).toBe('delivered');
    expect(t.output).toContain('64 bytes from fd00:10:244:2::42: icmp_seq=1 ttl=62');
    const wire = at(t, 'node1', 'eth0', 'tx').find((c) =>
      c.layers.some((l) => l.proto === 'icmpv6' && l.type === 128),
    )!;
    expect(wire.layers.map((l) => l.proto)).toEqual(['eth', 'ipv6', 'icmpv6']);
    expect(wire.layers[1]).toMatchObject({ src: 'fd00:10:244:1::2', dst: 'fd00:10:244:2::42', hlim: 63 });
  });

  it("gets the gateway's MAC from node1's own NA, router flag set, not from a proxy", () => {
    const na = at(t, 'pod-a', 'eth0', 'rx')[0]!.layers;
    expect(na[0]).toMatchObject({ src: 'ee:ee:ee:ee:ee:ee' });
    expect(na[1]).toMatchObject({ src: 'fe80::ecee:eeff:feee:eeee', dst: 'fd00:10:244:1::2', hlim: 255 });
    // tcpdump on the kernel: "Flags [router, solicited, override]", target the link-local address.
    expect(na[2]).toMatchObject({ type: 136, target: 'fe80::ecee:eeff:feee:eeee', flags: 0xe0 });
  });
});

describe('calico-dualstack: IPv4 and the same node', () => {
  it('carries IPv4 on the same veths, by proxy ARP for 169.254.1.1', () => {
    const t = trace('calico-dualstack', 'pod-a-ping-pod-b-ipv4');
    expect(t.verdict).toBe('delivered');
    const arp = at(t, 'pod-a', 'eth0', 'rx')[0]!.layers[1];
    expect(arp).toMatchObject({ proto: 'arp', op: 2, spa: '169.254.1.1', sha: 'ee:ee:ee:ee:ee:ee' });
  });

  it('routes to pod-c on node1 and solicits it from the same link-local address', () => {
    const t = trace('calico-dualstack', 'pod-a-ping6-pod-c');
    expect(t.output).toContain('64 bytes from fd00:10:244:1::3: icmp_seq=1 ttl=63');
    const ns = t.captures.find(
      (c) =>
        c.netns === 'node1' &&
        c.direction === 'tx' &&
        c.layers.some((l) => l.proto === 'icmpv6' && l.type === 135) &&
        c.interface !== 'eth0' &&
        (c.layers[1] as { src: string }).src === 'fe80::ecee:eeff:feee:eeee',
    );
    expect(ns?.layers[2]).toMatchObject({ target: 'fd00:10:244:1::3' });
  });
});

describe('calico-dualstack: pools Calico refuses', () => {
  const withPool6 = (spec: string): string =>
    yaml.replace('{"cidr": "fd00:10:244::/56", "blockSize": 122}', spec);
  const refused = (spec: string): string => {
    try {
      buildWorld(loadScenario(withPool6(spec), 'calico-dualstack.yaml'));
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioError);
      return (e as Error).message;
    }
    throw new Error('built');
  };

  it('refuses IPIP on an IPv6 pool, in the CRD validation words', () => {
    expect(refused('{"cidr": "fd00:10:244::/56", "ipipMode": "Always"}')).toContain(
      'IPIP is not supported on IPv6 pools',
    );
  });

  it('refuses an IPv6 block outside /116../128', () => {
    expect(refused('{"cidr": "fd00:10:244::/56", "blockSize": 64}')).toContain(
      'blockSize must be between 20 and 32 for IPv4 pools, and between 116 and 128 for IPv6 pools',
    );
  });
});
