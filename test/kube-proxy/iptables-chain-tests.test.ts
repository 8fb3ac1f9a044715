/**
 * The tests of kube-proxy's iptables mode that assert one whole chain
 * (assertIPTablesChainEqual in pkg/proxy/iptables/proxier_test.go, kubernetes 1.33): the
 * KUBE-FIREWALL chain of TestNodePorts, the KUBE-FORWARD chain of TestDropInvalidRule and
 * the KUBE-POSTROUTING chain of TestMasqueradeRule. The fake proxier is ./overall's with each
 * case's flags; the expected rules are the tests' own, in order.
 */
import { describe, expect, it } from 'vitest';
import type { KubeProxyOptions, Service } from '../../src/engine/controllers/kube-proxy';
import { iptablesModeWrites } from '../../src/engine/controllers/kube-proxy-iptables';
import { normalize } from './normalize';
import { fakeProxier } from './overall';

/** The rules of one chain in the batch the model writes, in order ([] when it has none). */
function chain(services: Service[], o: KubeProxyOptions, table: string, name: string): string[] {
  return normalize(iptablesModeWrites(services, o).restore!)[table]!.rules[name] ?? [];
}

/** TestNodePorts' Service: one NodePort, an endpoint elsewhere and one on this node. */
function nodePortService(v6: boolean): Service {
  return {
    namespace: 'ns1',
    name: 'svc1',
    type: 'NodePort',
    externalTrafficPolicy: 'Cluster',
    clusterIP: v6 ? 'fd00:172:30::41' : '172.30.0.41',
    ports: [{ name: 'p80', port: 80, targetPort: 80, protocol: 'TCP', nodePort: 3001 }],
    endpoints: v6
      ? [{ ip: 'fd00:10:180::1' }, { ip: 'fd00:10:180::2:1', node: 'test-node' }]
      : [{ ip: '10.180.0.1' }, { ip: '10.180.2.1', node: 'test-node' }],
  };
}

const FIREWALL =
  '-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP';
const both = ['192.168.0.0/24', '192.168.1.0/24', '2001:db8::/64'];

describe('kube-proxy iptables mode: TestNodePorts, KUBE-FIREWALL', () => {
  const cases: [string, 4 | 6, boolean, string[] | undefined, boolean][] = [
    ['ipv4, localhost-nodeports enabled', 4, true, undefined, true],
    ['ipv4, localhost-nodeports disabled', 4, false, undefined, false],
    [
      'ipv4, localhost-nodeports disabled, localhost in nodeport-addresses',
      4,
      false,
      ['192.168.0.0/24', '127.0.0.1/32'],
      false,
    ],
    ['ipv4, localhost-nodeports enabled, multiple nodeport-addresses', 4, false, both, false],
    ['ipv6, localhost-nodeports enabled', 6, true, undefined, false],
    ['ipv6, localhost-nodeports disabled', 6, false, undefined, false],
    ['ipv6, localhost-nodeports disabled, multiple nodeport-addresses', 6, false, both, false],
  ];
  for (const [name, family, localhostNodePorts, nodePortAddresses, firewall] of cases)
    it(name, () => {
      const o: KubeProxyOptions = {
        ...fakeProxier,
        localhostNodePorts,
        ...(nodePortAddresses ? { nodePortAddresses } : {}),
        ...(family === 6 ? { ipFamily: 6 as const, clusterCIDR: 'fd00:10::/64', nodeIP: '2001:db8::1' } : {}),
      };
      const got = chain([nodePortService(family === 6)], o, 'filter', 'KUBE-FIREWALL');
      expect(got).toEqual(firewall ? [FIREWALL] : []);
    });
});

describe('kube-proxy iptables mode: TestDropInvalidRule, KUBE-FORWARD', () => {
  const rest = [
    '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT',
    '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
  ];
  const cases: [string, Partial<KubeProxyOptions>, string[]][] = [
    [
      'tcpLiberal is false and nfacctEnsured is false',
      { nfacct: false },
      ['-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP'],
    ],
    [
      'tcpLiberal is false and nfacctEnsured is true',
      { nfacct: true },
      [
        '-A KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name ct_state_invalid_dropped_pkts -j DROP',
      ],
    ],
    ['tcpLiberal is true and nfacctEnsured is false', { nfacct: false, conntrackTCPLiberal: true }, []],
  ];
  for (const [name, flags, drop] of cases)
    it(name, () => {
      expect(chain([], { ...fakeProxier, ...flags }, 'filter', 'KUBE-FORWARD')).toEqual([...drop, ...rest]);
    });
});

describe('kube-proxy iptables mode: TestMasqueradeRule, KUBE-POSTROUTING', () => {
  for (const randomFully of [false, true])
    it(`randomFully ${randomFully}`, () => {
      expect(chain([], { ...fakeProxier, randomFully }, 'nat', 'KUBE-POSTROUTING')).toEqual([
        '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
        '-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000',
        `-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE${randomFully ? ' --random-fully' : ''}`,
      ]);
    });
});
