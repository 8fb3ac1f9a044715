/**
 * kube-proxy's IPVS mode for the Services of the iptables TestOverallIPTablesRules, checked
 * against what pkg/proxy/ipvs/proxier.go (1.33) does with them: which ipset holds which
 * entry (syncProxyRules), the rules writeIptablesRules derives from the non-empty sets, and
 * the virtual servers (ClusterIP, external and LoadBalancer IPs, NodePort per node address).
 */
import { describe, expect, it } from 'vitest';
import { ipvsModeWrites } from '../../src/engine/controllers/kube-proxy-ipvs';
import { fakeProxier, overallServices } from './overall';

const o = { ...fakeProxier, mode: 'ipvs' as const, nodeIPs: ['192.168.0.2'] };
const w = ipvsModeWrites(overallServices, o);
/** Every call, a batch's lines as the tool's own commands ("ipvsadm -R" line "-A ..." is "ipvsadm -A ..."). */
const calls = [
  ...w.commands,
  ...(w.batches ?? []).flatMap((b) =>
    b.stdin
      .trim()
      .split('\n')
      .map((l) => `${b.command.split(' ')[0]} ${l}`),
  ),
];
const members = (set: string): string[] =>
  calls.filter((c) => c.startsWith(`ipset add ${set} `)).map((c) => c.split(' ')[3]!);
const rules = w.restore!.split('\n');

describe('kube-proxy IPVS mode: ipsets', () => {
  it('creates all seventeen sets with kube-proxy defaults', () => {
    const creates = w.commands.filter((c) => c.startsWith('ipset create '));
    expect(creates).toHaveLength(17);
    expect(creates).toContain(
      'ipset create KUBE-CLUSTER-IP hash:ip,port family inet hashsize 1024 maxelem 65536 -exist',
    );
    expect(creates).toContain('ipset create KUBE-NODE-PORT-TCP bitmap:port range 0-65535 -exist');
  });

  it('fills each set as syncProxyRules does', () => {
    expect(members('KUBE-CLUSTER-IP').sort()).toEqual(
      ['172.30.0.41', '172.30.0.42', '172.30.0.43', '172.30.0.44', '172.30.0.45', '172.30.0.46'].map(
        (ip) => `${ip},tcp:80`,
      ),
    );
    // Only endpoints on this node hairpin through KUBE-LOOP-BACK.
    expect(members('KUBE-LOOP-BACK')).toEqual(['10.180.0.5,tcp:80,10.180.0.5']);
    expect(members('KUBE-EXTERNAL-IP')).toEqual(['192.168.99.33,tcp:80']);
    expect(members('KUBE-EXTERNAL-IP-LOCAL')).toEqual(['192.168.99.22,tcp:80']);
    expect(members('KUBE-LOAD-BALANCER').sort()).toEqual(['1.2.3.4,tcp:80', '5.6.7.8,tcp:80']);
    expect(members('KUBE-LOAD-BALANCER-LOCAL')).toEqual(['1.2.3.4,tcp:80']);
    expect(members('KUBE-LOAD-BALANCER-FW')).toEqual(['5.6.7.8,tcp:80']);
    expect(members('KUBE-LOAD-BALANCER-SOURCE-CIDR')).toEqual(['5.6.7.8,tcp:80,203.0.113.0/25']);
    expect(members('KUBE-NODE-PORT-TCP').sort()).toEqual(['3001', '3002', '3003']);
    expect(members('KUBE-NODE-PORT-LOCAL-TCP')).toEqual(['3001']);
    expect(members('KUBE-HEALTH-CHECK-NODE-PORT')).toEqual(['30000']);
    // Every VIP bound to kube-ipvs0 (the node holds none of them itself).
    expect(members('KUBE-IPVS-IPS')).toContain('192.168.99.22');
    expect(members('KUBE-IPVS-IPS')).toContain('5.6.7.8');
  });
});

describe('kube-proxy IPVS mode: iptables rules', () => {
  it('jumps from the non-empty sets, in ipsetWithIptablesChain order', () => {
    expect(rules).toContain(
      '-A KUBE-POSTROUTING -m comment --comment "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose" -m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE',
    );
    expect(rules).toContain(
      '-A KUBE-NODE-PORT -p tcp -m comment --comment "Kubernetes nodeport TCP port with externalTrafficPolicy=local" -m set --match-set KUBE-NODE-PORT-LOCAL-TCP dst -j RETURN',
    );
    const local = rules.findIndex((r) => r.includes('KUBE-NODE-PORT-LOCAL-TCP dst'));
    const masq = rules.findIndex((r) => r.includes('KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ'));
    expect(local).toBeLessThan(masq);
    expect(rules.some((r) => r.includes('KUBE-NODE-PORT-UDP'))).toBe(false);
  });

  it('masquerades off-cluster traffic to a ClusterIP and accepts what IPVS owns', () => {
    expect(rules).toContain(
      '-A KUBE-SERVICES -m comment --comment "Kubernetes service cluster ip + port for masquerade purpose" -m set --match-set KUBE-CLUSTER-IP dst,dst ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ',
    );
    const accept = rules.indexOf('-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT');
    expect(accept).toBeGreaterThan(
      rules.indexOf('-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT'),
    );
  });

  it('blocks the node from a source-ranged LoadBalancer it is not allowed into', () => {
    expect(rules).toContain(
      '-A KUBE-IPVS-OUT-FILTER -s 5.6.7.8 -m ipvs --vaddr 5.6.7.8 --vproto tcp --vport 80 -j DROP',
    );
    expect(rules.at(-3)).toBe(
      '-A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS dst -j REJECT',
    );
  });

  it('writes nat before filter, each with its chains', () => {
    expect(rules[0]).toBe('*nat');
    expect(rules.indexOf('*filter')).toBeGreaterThan(rules.indexOf('COMMIT'));
    expect(rules).toContain(':KUBE-IPVS-OUT-FILTER - [0:0]');
  });
});

describe('kube-proxy IPVS mode: virtual servers', () => {
  it('has one per VIP and one per node address for each NodePort, real servers by policy', () => {
    expect(calls).toContain('ipvsadm -A -t 172.30.0.44:80 -s rr');
    expect(calls).toContain('ipvsadm -a -t 172.30.0.44:80 -r 10.180.0.4:80 -m -w 1');
    expect(calls).toContain('ipvsadm -a -t 172.30.0.44:80 -r 10.180.0.5:80 -m -w 1');
    // svc2 is Local with no local endpoint: its external virtual servers have no real server.
    expect(calls).toContain('ipvsadm -A -t 192.168.0.2:3001 -s rr');
    expect(calls.some((c) => c.startsWith('ipvsadm -a -t 192.168.0.2:3001 '))).toBe(false);
    expect(calls).toContain('ipvsadm -a -t 172.30.0.42:80 -r 10.180.0.2:80 -m -w 1');
    // svc6 has no endpoints: a virtual server without real servers.
    expect(calls).toContain('ipvsadm -A -t 172.30.0.46:80 -s rr');
    expect(calls.some((c) => c.startsWith('ipvsadm -a -t 172.30.0.46:80 '))).toBe(false);
  });
});

describe('kube-proxy IPVS mode: batches', () => {
  it('feeds addresses, virtual servers and set members each to one command', () => {
    expect((w.batches ?? []).map((b) => b.command)).toEqual([
      'ip -batch -',
      'ipvsadm -R',
      'ipset restore -exist',
    ]);
    expect(calls).toContain('ip addr add 172.30.0.44/32 dev kube-ipvs0');
    // The sets exist before the batch that fills them.
    expect(w.commands.filter((c) => c.startsWith('ipset add '))).toEqual([]);
  });
});
