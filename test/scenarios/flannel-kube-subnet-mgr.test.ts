/**
 * flannel-kube-subnet-mgr (issue 20, point 5: flannel "uses either the Kubernetes API or etcd
 * directly"). Expected values from flannel's pkg/subnet/kube: the lease is Node.spec.podCIDR,
 * the peers' data are the flannel.alpha.coreos.com/* annotations, a Node without a podCIDR
 * makes AcquireLease fail with `node "NAME" pod cidr not assigned`, and no etcd lease exists.
 */
import { describe, expect, it } from 'vitest';
import { formatIp } from '../../src/engine/net/ipv4';
import type { Store } from '../../src/engine/controllers/store';
import { echoes, finalRows, ip, trace, world } from '../helpers';

describe('flannel-kube-subnet-mgr: the world', () => {
  const { world: w } = world('flannel-kube-subnet-mgr');
  const store = w.store as Store;

  it('writes no etcd lease; each Node carries its flannel annotations', () => {
    expect(store.list('/coreos.com/network/subnets/')).toHaveLength(0);
    const node2 = JSON.parse(store.list('/registry/minions/node2')[0]!.value) as {
      spec: { podCIDR: string };
      metadata: { annotations: Record<string, string> };
    };
    const vtep = w.netns.get('node2')!.device('flannel.1')!.mac;
    expect(node2.spec.podCIDR).toBe('10.244.1.0/24');
    expect(node2.metadata.annotations).toMatchObject({
      'flannel.alpha.coreos.com/public-ip': '192.168.0.12',
      'flannel.alpha.coreos.com/backend-type': 'vxlan',
      'flannel.alpha.coreos.com/kube-subnet-manager': 'true',
    });
    expect(JSON.parse(node2.metadata.annotations['flannel.alpha.coreos.com/backend-data']!)).toEqual({
      VNI: 1,
      VtepMAC: vtep,
    });
  });

  it("node1 leases its podCIDR and programs node2's from the annotations", () => {
    const ns1 = w.netns.get('node1')!;
    // flannel.1 gets the podCIDR's network address /32, as flanneld gives its lease's.
    expect(ns1.device('flannel.1')!.addrs.map((a) => `${formatIp(a.addr)}/${a.len}`)).toEqual([
      '10.244.0.0/32',
    ]);
    const routes = ns1.routes.routes.map((r) => r.origin ?? '');
    expect(routes.some((o) => o.includes('flanneld on node1, after the lease for 10.244.1.0/24'))).toBe(true);
    expect(store.list('/registry/minions/node3')[0]!.value).not.toContain('public-ip');
  });
});

describe('flannel-kube-subnet-mgr: pod-a-ping-pod-b', () => {
  const t = trace('flannel-kube-subnet-mgr', 'pod-a-ping-pod-b');

  it('crosses in VXLAN to node2 (VNI 1, UDP 8472), as with etcd', () => {
    expect(t.verdict).toBe('delivered');
    const wire = echoes(t, 'request', 'node1', 'eth0', 'tx')[0]!;
    expect(ip(wire)).toMatchObject({ src: '192.168.0.11', dst: '192.168.0.12' });
    expect(wire.layers.find((l) => l.proto === 'vxlan')).toMatchObject({ vni: 1 });
    expect(wire.layers.find((l) => l.proto === 'udp')).toMatchObject({ dport: 8472 });
    expect(finalRows(t, 'node1', 'routes')).toContain('10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink');
  });
});

describe('flannel-kube-subnet-mgr: node3-no-podcidr', () => {
  it('fails as flanneld does when the Node has no podCIDR, and programs nothing', () => {
    const t = trace('flannel-kube-subnet-mgr', 'node3-no-podcidr');
    expect(t.verdict).toBe('error');
    expect(t.output).toContain('failed to acquire lease: node "node3" pod cidr not assigned');
    expect(finalRows(t, 'node3', 'routes').some((r) => r.includes('flannel'))).toBe(false);
  });
});
