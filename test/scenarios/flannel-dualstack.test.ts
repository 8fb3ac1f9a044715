/**
 * flannel-dualstack: flannel with EnableIPv6 and the vxlan backend. The device, the routes,
 * the neighbour and FDB entries are what flannel's vxlan backend writes (pkg/backend/vxlan:
 * device.go, vxlan_network.go) as this kernel (6.18) shows them for the same commands; the
 * frames are tcpdump's on em1 for a ping between pods on the two nodes (`npm run conformance
 * -- flannel-dualstack`: outer hop limit 64, flow label 0, UDP 8472, VNI 1).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { buildWorld, loadScenario, runCommand, traceBuilt, type Capture, type Trace } from '../../src/engine';
import type { Store } from '../../src/engine/controllers/store';
import { trace, world } from '../helpers';

function at(t: Trace, netns: string, iface: string, dir: 'tx' | 'rx'): Capture[] {
  return t.captures.filter((c) => c.netns === netns && c.interface === iface && c.direction === dir);
}

describe('flannel-dualstack: what flanneld programs', () => {
  const { world: w } = world('flannel-dualstack');
  const run = (ns: string, line: string): string =>
    runCommand({ world: w, machine: w.machines.get(ns)!, ns: w.netns.get(ns)!, origin: 'test' }, line).output;

  it('makes flannel-v6.1 over the IPv6 underlay, its MTU lowered from 1450 to 1430 by the kernel', () => {
    const link = run('node-1', 'ip -d link show flannel-v6.1').split('\n');
    expect(link[0]).toContain('flannel-v6.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1430 ');
    expect(link[2]).toBe(
      '    vxlan id 1 local fd00:10::216 dev em1 srcport 0 0 dstport 8472 nolearning ttl auto ageing 300 udpcsum noudp6zerocsumtx noudp6zerocsumrx',
    );
    // flannel.1, over IPv4 on the same em1, keeps the kernel's default of 1500 - 50.
    expect(run('node-1', 'ip link show flannel.1')).toContain(' mtu 1450 ');
  });

  it("writes the peer's lease as a neighbour, an FDB entry and an onlink route", () => {
    expect(run('node-1', 'ip -6 neigh show dev flannel-v6.1')).toBe(
      'fd00:10:244:2:: lladdr 3e:01:ed:47:de:62 PERMANENT',
    );
    expect(run('node-1', 'bridge fdb show dev flannel-v6.1')).toBe(
      '3e:01:ed:47:de:62 dst fd00:10::217 self permanent',
    );
    const routes = run('node-1', 'ip -6 route').split('\n');
    expect(routes).toContain('fd00:10:244:1:: dev flannel-v6.1 proto kernel metric 256 pref medium');
    expect(routes).toContain(
      'fd00:10:244:2::/64 via fd00:10:244:2:: dev flannel-v6.1 metric 1024 onlink pref medium',
    );
  });

  it('keeps both halves of the lease in one etcd key', () => {
    const leases = (w.store as Store).list('/coreos.com/network/subnets/');
    const mine = leases.find((e) => e.key.endsWith('10.244.1.0-24&fd00:10:244:1::-64'));
    expect(JSON.parse(mine!.value)).toEqual({
      PublicIP: '10.10.10.216',
      PublicIPv6: 'fd00:10::216',
      BackendType: 'vxlan',
      BackendData: { VNI: 1, VtepMAC: '3e:01:ed:47:de:01' },
      BackendV6Data: { VNI: 1, VtepMAC: '3e:01:ed:47:de:61' },
    });
  });
});

describe('flannel-dualstack: pod-a-ping6-pod-b', () => {
  const t = trace('flannel-dualstack', 'pod-a-ping6-pod-b');

  it('is delivered across two routers: hop limit 62 at pod-b', () => {
    expect(t.verdict).toBe('delivered');
    expect(t.output).toContain('64 bytes from fd00:10:244:2::2: icmp_seq=1 ttl=62');
  });

  it('finds node-2 by neighbour discovery on the underlay, then sends VXLAN inside IPv6', () => {
    const out = at(t, 'node-1', 'em1', 'tx');
    const ns = out[0]!.layers;
    expect(ns[1]).toMatchObject({ src: 'fd00:10::216', dst: 'ff02::1:ff00:217', hlim: 255 });
    expect(ns[2]).toMatchObject({ type: 135, target: 'fd00:10::217' });
    const vx = out.find((c) => c.layers.some((l) => l.proto === 'vxlan'))!.layers;
    expect(vx.map((l) => l.proto)).toEqual(['eth', 'ipv6', 'udp', 'vxlan', 'eth', 'ipv6', 'icmpv6']);
    expect(vx[1]).toMatchObject({
      src: 'fd00:10::216',
      dst: 'fd00:10::217',
      hlim: 64,
      next: 17,
      tc: 0,
      flow: 0,
    });
    expect(vx[2]).toMatchObject({ dport: 8472 });
    expect(vx[2]).not.toHaveProperty('zeroChecksum');
    expect(vx[3]).toMatchObject({ vni: 1 });
    expect(vx[4]).toMatchObject({ src: '3e:01:ed:47:de:61', dst: '3e:01:ed:47:de:62' });
    expect(vx[5]).toMatchObject({ src: 'fd00:10:244:1::2', dst: 'fd00:10:244:2::2', hlim: 63 });
  });

  it('sends no solicitation into flannel-v6.1: the permanent entry answers', () => {
    const tx = at(t, 'node-1', 'flannel-v6.1', 'tx');
    expect(tx.some((c) => c.layers.some((l) => l.proto === 'icmpv6' && l.type === 135))).toBe(false);
    const encap = t.events.find((e) => e.kind === 'encap' && e.netns === 'node-1');
    expect(encap?.decidedBy?.row).toBe('3e:01:ed:47:de:62 dev flannel-v6.1 dst fd00:10::217 self permanent');
  });
});

describe('flannel-dualstack: pod-a-ping-pod-b-ipv4', () => {
  const t = trace('flannel-dualstack', 'pod-a-ping-pod-b-ipv4');

  it('takes flannel.1 and an IPv4 outer header', () => {
    expect(t.verdict).toBe('delivered');
    const vx = at(t, 'node-1', 'em1', 'tx').find((c) => c.layers.some((l) => l.proto === 'vxlan'))!.layers;
    expect(vx[1]).toMatchObject({ proto: 'ipv4', src: '10.10.10.216', dst: '10.10.10.217' });
    expect(vx[4]).toMatchObject({ src: '3e:01:ed:47:de:01', dst: '3e:01:ed:47:de:02' });
  });
});

describe('flannel-dualstack with the host-gw backend', () => {
  // The same nodes with Backend host-gw: hostgw.go's GetV6Route is {Dst: the lease's IPv6 subnet,
  // Gw: its PublicIPv6, LinkIndex: the extIface}, and no VXLAN device is made.
  const text = readFileSync('scenarios/flannel-dualstack.yaml', 'utf8').replace(
    '"Backend": {"Type": "vxlan"}}\'',
    '"Backend": {"Type": "host-gw"}}\'',
  );
  const w = buildWorld(loadScenario(text, 'flannel-dualstack.yaml')).world;
  const run = (ns: string, line: string): string =>
    runCommand({ world: w, machine: w.machines.get(ns)!, ns: w.netns.get(ns)!, origin: 'test' }, line).output;

  it('routes the peer IPv6 lease via its PublicIPv6 on em1, and has no flannel-v6.1', () => {
    const routes = run('node-1', 'ip -6 route').split('\n');
    expect(routes).toContain('fd00:10:244:2::/64 via fd00:10::217 dev em1 metric 1024 pref medium');
    expect(run('node-1', 'ip route')).toContain('10.244.2.0/24 via 10.10.10.217 dev em1');
    expect(w.netns.get('node-1')!.device('flannel-v6.1')).toBeUndefined();
  });

  it('carries pod-a ping6 to pod-b with no encapsulation', () => {
    const s = loadScenario(text, 'flannel-dualstack.yaml');
    const t = traceBuilt(s, 'pod-a-ping6-pod-b', buildWorld(s));
    expect(t.verdict).toBe('delivered');
    const em1 = t.captures.filter(
      (c) => c.netns === 'node-1' && c.interface === 'em1' && c.direction === 'tx',
    );
    const echo = em1.find((c) => c.layers.some((l) => l.proto === 'icmpv6' && l.type === 128))!;
    expect(echo.layers.map((l) => l.proto)).toEqual(['eth', 'ipv6', 'icmpv6']);
    expect(echo.layers[1]).toMatchObject({ src: 'fd00:10:244:1::2', dst: 'fd00:10:244:2::2', hlim: 63 });
  });
});
