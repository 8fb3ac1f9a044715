/**
 * The kube-proxy flags and Service fields that change iptables-mode rules, each checked
 * against what pkg/proxy/iptables/proxier.go (1.33) writes for it: --masquerade-all,
 * --detect-local-mode, --nodeport-addresses, --iptables-localhost-nodeports,
 * internalTrafficPolicy and the serving/terminating fallback.
 */
import { describe, expect, it } from 'vitest';
import type { KubeProxyOptions, Service } from '../../src/engine/controllers/kube-proxy';
import { iptablesModeWrites } from '../../src/engine/controllers/kube-proxy-iptables';
import { kubeHash } from './hash';

const svc = (over: Partial<Service> = {}): Service => ({
  name: 'svc1',
  namespace: 'ns1',
  clusterIP: '172.30.0.41',
  type: 'NodePort',
  externalTrafficPolicy: 'Cluster',
  ports: [{ name: 'p80', port: 80, targetPort: 80, protocol: 'TCP', nodePort: 3001 }],
  endpoints: [{ ip: '10.180.0.1', node: 'node-a' }],
  ...over,
});
const base: KubeProxyOptions = {
  mode: 'iptables',
  node: 'node-a',
  nodeIP: '192.168.0.2',
  clusterCIDR: '10.0.0.0/8',
};
const rules = (s: Service, o: Partial<KubeProxyOptions> = {}): string[] =>
  iptablesModeWrites([s], { ...base, ...o }).restore!.split('\n');
const SVC = `KUBE-SVC-${kubeHash('ns1/svc1:p80tcp')}`;
const SVL = `KUBE-SVL-${kubeHash('ns1/svc1:p80tcp')}`;
const EXT = `KUBE-EXT-${kubeHash('ns1/svc1:p80tcp')}`;
const CLUSTER_IP = '-m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80';
const NODEPORTS =
  '-m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain"';

describe('kube-proxy flags in iptables mode', () => {
  it('--masquerade-all marks every ClusterIP packet, whatever its source', () => {
    expect(rules(svc(), { masqueradeAll: true })).toContain(`-A ${SVC} ${CLUSTER_IP} -j KUBE-MARK-MASQ`);
  });

  it('--cluster-cidr marks only traffic from outside the pod network', () => {
    expect(rules(svc())).toContain(`-A ${SVC} ${CLUSTER_IP} ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ`);
  });

  it('without a local-traffic detector nothing marks ClusterIP traffic', () => {
    const r = rules(svc(), { clusterCIDR: undefined });
    expect(r.some((l) => l.startsWith(`-A ${SVC} `) && l.endsWith('-j KUBE-MARK-MASQ'))).toBe(false);
  });

  it('--detect-local-mode BridgeInterface and InterfaceNamePrefix match the input interface', () => {
    expect(rules(svc(), { detectLocal: { mode: 'BridgeInterface', bridge: 'cni0' } })).toContain(
      `-A ${SVC} ${CLUSTER_IP} ! -i cni0 -j KUBE-MARK-MASQ`,
    );
    const local = svc({ externalTrafficPolicy: 'Local' });
    const r = rules(local, { detectLocal: { mode: 'InterfaceNamePrefix', prefix: 'veth' } });
    expect(r).toContain(`-A ${SVC} ${CLUSTER_IP} ! -i veth+ -j KUBE-MARK-MASQ`);
    expect(r).toContain(
      `-A ${EXT} -m comment --comment "pod traffic for ns1/svc1:p80 external destinations" -i veth+ -j ${SVC}`,
    );
  });

  it('--nodeport-addresses sends only those node addresses to KUBE-NODEPORTS', () => {
    const r = rules(svc(), {
      nodePortAddresses: ['192.168.0.0/24'],
      nodeIPs: ['192.168.0.2', '10.0.0.1', '127.0.0.1'],
    });
    expect(r.filter((l) => l.includes('-j KUBE-NODEPORTS'))).toEqual([
      `-A KUBE-SERVICES ${NODEPORTS} -d 192.168.0.2 -j KUBE-NODEPORTS`,
    ]);
    // The loopback is not among them, so localhost NodePorts (and KUBE-FIREWALL) are off.
    expect(r).not.toContain(':KUBE-FIREWALL - [0:0]');
  });

  it('--iptables-localhost-nodeports=false keeps 127.0.0.0/8 out of KUBE-NODEPORTS', () => {
    const r = rules(svc(), { localhostNodePorts: false });
    expect(r).toContain(
      `-A KUBE-SERVICES ${NODEPORTS} -m addrtype --dst-type LOCAL ! -d 127.0.0.0/8 -j KUBE-NODEPORTS`,
    );
    expect(r).not.toContain(':KUBE-FIREWALL - [0:0]');
    expect(rules(svc())).toContain(':KUBE-FIREWALL - [0:0]');
  });
});

describe('Service fields in iptables mode', () => {
  it('internalTrafficPolicy Local without a local endpoint: the ClusterIP is DROPped in filter', () => {
    const r = rules(
      svc({ internalTrafficPolicy: 'Local', endpoints: [{ ip: '10.180.0.9', node: 'node-b' }] }),
    );
    expect(r).toContain(
      '-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 has no local endpoints" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j DROP',
    );
    expect(r.some((l) => l.includes(SVL))).toBe(false);
  });

  it('internalTrafficPolicy Local with a local endpoint: the ClusterIP goes to KUBE-SVL', () => {
    const r = rules(svc({ internalTrafficPolicy: 'Local' }));
    expect(r).toContain(`-A KUBE-SERVICES ${CLUSTER_IP} -j ${SVL}`);
    expect(r).toContain(`-A ${SVL} ${CLUSTER_IP} ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ`);
  });

  it('a not-ready endpoint is left out while a ready one exists', () => {
    const r = rules(
      svc({
        endpoints: [
          { ip: '10.180.0.1' },
          { ip: '10.180.0.2', ready: false, serving: true, terminating: true },
        ],
      }),
    );
    expect(r.filter((l) => l.startsWith(`-A ${SVC} -m comment --comment "ns1/svc1:p80 -> `))).toEqual([
      `-A ${SVC} -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -j KUBE-SEP-${kubeHash('ns1/svc1:p80tcp10.180.0.1:80')}`,
    ]);
  });

  it('an endpoint that is neither ready nor serving is never used: the Service REJECTs', () => {
    const r = rules(
      svc({ endpoints: [{ ip: '10.180.0.1', ready: false, serving: false, terminating: true }] }),
    );
    expect(r).toContain(
      '-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 has no endpoints" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j REJECT',
    );
  });

  it('healthCheckNodePort is opened for a Local LoadBalancer only', () => {
    const lb = { type: 'LoadBalancer' as const, loadBalancerIPs: ['1.2.3.4'], healthCheckNodePort: 30000 };
    const accept =
      '-A KUBE-NODEPORTS -m comment --comment "ns1/svc1:p80 health check node port" -m tcp -p tcp --dport 30000 -j ACCEPT';
    expect(rules(svc({ ...lb, externalTrafficPolicy: 'Local' }))).toContain(accept);
    expect(rules(svc(lb))).not.toContain(accept);
  });
});
