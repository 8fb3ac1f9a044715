/**
 * k8s-service-dualstack: one Service with an IPv4 and an IPv6 ClusterIP, kube-proxy's two
 * proxiers in iptables mode. The expected ip6tables rules are `ip6tables-save` on this kernel
 * (iptables 1.8.9, nf_tables) after the lab loaded what kube-proxy writes (the lab's pin rule
 * left out); the chain hashes are base32(sha256(...))[:16] of kube-proxy's inputs, computed
 * apart (python hashlib); the frames are those `npm run conformance -- k8s-service-dualstack`
 * captured on the kernel, which agreed with these traces frame by frame.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadScenario, runCommand, type Capture, type Trace } from '../../src/engine';
import { trace, world } from '../helpers';

function at(t: Trace, netns: string, iface: string, dir: 'tx' | 'rx'): Capture[] {
  return t.captures.filter((c) => c.netns === netns && c.interface === iface && c.direction === dir);
}

const syn = (c: Capture): boolean => c.layers.some((l) => l.proto === 'tcp' && l.flags === 'S');

describe('k8s-service-dualstack: what the two proxiers write', () => {
  const { world: w } = world('k8s-service-dualstack');
  const run = (ns: string, line: string): string =>
    runCommand({ world: w, machine: w.machines.get(ns)!, ns: w.netns.get(ns)!, origin: 'test' }, line).output;
  const save = (tool: string, table: string): string[] =>
    run('node1', `${tool} -t ${table}`)
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'));

  it("leaves node1's ip6tables as the kernel lists them after ip6tables-restore", () => {
    const kernel = readFileSync('test/fixtures/k8s-service-dualstack/node1-ip6tables-save.txt', 'utf8');
    expect([...save('ip6tables-save', 'nat'), ...save('ip6tables-save', 'filter')]).toEqual(
      kernel.trimEnd().split('\n'),
    );
  });

  it('names the Service chain after the port name and protocol only: the same in both families', () => {
    // base32(sha256("default/web:http" + "tcp"))[:16]
    const v4 = save('iptables-save', 'nat');
    const v6 = save('ip6tables-save', 'nat');
    for (const rows of [v4, v6]) expect(rows).toContain(':KUBE-SVC-CDGGSHYLG3RE2FKL - [0:0]');
    // The endpoint chains hash Endpoint.String(): "10.244.2.10:8080", "[fd00:10:244:2::2]:8080".
    expect(v4).toContain(':KUBE-SEP-IQIBSY2R4USWK4F3 - [0:0]');
    expect(v6).toContain(':KUBE-SEP-44OAPYS4LDTTYJA2 - [0:0]');
  });

  it('gives the IPv6-only Service no IPv4 rule at all', () => {
    expect(run('node1', 'iptables-save')).not.toContain('default/db:sql');
  });
});

describe('k8s-service-dualstack: client-to-clusterip-ipv6', () => {
  const t = trace('k8s-service-dualstack', 'client-to-clusterip-ipv6');

  it('DNATs the IPv6 ClusterIP in node1 and routes it to node2 without SNAT', () => {
    expect(t.verdict).toBe('delivered');
    const dnat = t.events.find((e) => e.kind === 'nat' && e.netns === 'node1');
    expect(dnat?.explain?.args).toMatchObject({
      hook: 'PREROUTING',
      from: '[fd00:10:96::100]:80',
      to: '[fd00:10:244:2::2]:8080',
    });
    const arrived = at(t, 'node2', 'eth0', 'rx').find(syn)!;
    expect(arrived.layers[1]).toMatchObject({ src: 'fd00:10:244:1::2', dst: 'fd00:10:244:2::2', hlim: 63 });
    expect(arrived.layers[2]).toMatchObject({ dport: 8080 });
  });

  it('un-DNATs the reply: the client only sees [fd00:10:96::100]:80', () => {
    const back = at(t, 'client', 'eth0', 'rx').filter((c) => c.layers[2]?.proto === 'tcp');
    expect(back.length).toBeGreaterThan(0);
    for (const c of back) {
      expect(c.layers[1]).toMatchObject({ src: 'fd00:10:96::100' });
      expect(c.layers[2]).toMatchObject({ sport: 80 });
    }
  });
});

describe('k8s-service-dualstack: pod-to-itself-via-service-ipv6', () => {
  const t = trace('k8s-service-dualstack', 'pod-to-itself-via-service-ipv6');

  it("stays bridged after br_netfilter's DNAT and is masqueraded to cni0's address", () => {
    expect(t.verdict).toBe('delivered');
    const own = at(t, 'web-1', 'eth0', 'tx')[0]!.layers[0];
    const back = at(t, 'web-1', 'eth0', 'rx').find(syn)!;
    expect(back.layers[1]).toMatchObject({ src: 'fd00:10:244:1::1', dst: 'fd00:10:244:1::3' });
    // br_dev_xmit puts the original source MAC back: the pod's own (the kernel showed it).
    expect(back.layers[0]).toMatchObject({ src: (own as { src: string }).src });
  });
});

describe('k8s-service-dualstack: API validation of a dual-stack Service', () => {
  const base = readFileSync('scenarios/k8s-service-dualstack.yaml', 'utf8');
  const load =
    (text: string): (() => unknown) =>
    () =>
      loadScenario(text, 'k8s-service-dualstack.yaml');

  it('refuses SingleStack with two clusterIPs, in the API server words', () => {
    const text = base.replace('ipFamilyPolicy: RequireDualStack', 'ipFamilyPolicy: SingleStack');
    expect(load(text)).toThrow(
      `must be RequireDualStack or PreferDualStack when multiple 'clusterIPs' are specified`,
    );
  });

  it('refuses a first clusterIP that is not clusterIP, and two of one family', () => {
    expect(load(base.replace('clusterIPs: [10.96.0.100,', 'clusterIPs: [10.96.0.101,'))).toThrow(
      'first value must match `clusterIP`',
    );
    expect(load(base.replace('"fd00:10:96::100"]', '10.96.0.102]'))).toThrow(
      'may specify no more than one IP for each IP family',
    );
  });

  it('refuses an ipFamilies entry that contradicts the clusterIP', () => {
    const text = base.replace('ipFamilies: [IPv6]', 'ipFamilies: [IPv4]');
    expect(load(text)).toThrow('expected an IPv4 value as indicated by `ipFamilies[0]`');
  });
});
