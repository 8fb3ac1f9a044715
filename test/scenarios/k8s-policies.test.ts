/**
 * k8s-service-policies: the packet fates kube-proxy decides in the filter table
 * (pkg/proxy/iptables/proxier.go, 1.33): REJECT for a Service with no endpoints, DROP for
 * external traffic under Local policy without a local endpoint, the LoadBalancer firewall
 * for loadBalancerSourceRanges, and the serving-terminating fallback.
 */
import { describe, expect, it } from 'vitest';
import type { Capture } from '../../src/engine';
import { buildWorld, traceFlow } from '../../src/engine';
import type { NetfilterEngine } from '../../src/engine/kernel/netfilter/engine';
import { finalRows, ip, scenario, trace } from '../helpers';
import { kubeHash } from '../kube-proxy/hash';

const tcp = (c: Capture) =>
  c.layers.find((l) => l.proto === 'tcp') as { flags: string; sport: number; dport: number } | undefined;
const udp = (c: Capture) =>
  c.layers.find((l) => l.proto === 'udp') as { sport: number; dport: number } | undefined;
const icmp = (c: Capture) =>
  c.layers.find((l) => l.proto === 'icmp') as { type: number; code: number } | undefined;
const S = 'k8s-service-policies';

describe('k8s-service-policies', () => {
  it('client-to-service-without-endpoints: REJECTed in FORWARD by KUBE-SERVICES, no KUBE-SVC chain', () => {
    const t = trace(S, 'client-to-service-without-endpoints');
    expect(t.verdict).toBe('dropped');
    const drop = t.events.find((e) => e.kind === 'drop')!;
    expect(drop.netns).toBe('node1');
    expect(drop.explain.args).toMatchObject({ hook: 'FORWARD', table: 'filter', chain: 'KUBE-SERVICES' });
    expect(String(drop.explain.args.rule)).toContain('"default/empty:http has no endpoints"');
    // The client hears an ICMP port unreachable from its gateway: curl says "Couldn't connect".
    const back = t.captures.find((c) => c.netns === 'client' && c.direction === 'rx' && icmp(c))!;
    expect(icmp(back)).toMatchObject({ type: 3, code: 3 });
    expect(ip(back)?.src).toBe('10.244.1.1');
    const nat = finalRows(t, 'node1', 'iptables');
    expect(nat.some((r) => r.includes(`KUBE-SVC-${kubeHash('default/empty:http' + 'tcp')}`))).toBe(false);
    expect(nat).toContain(`-N KUBE-SVC-${kubeHash('default/lb:http' + 'tcp')}`);
  });

  it('external-to-local-nodeport-without-endpoint: not DNATed, DROPped in INPUT by KUBE-EXTERNAL-SERVICES', () => {
    const t = trace(S, 'external-to-local-nodeport-without-endpoint');
    expect(t.verdict).toBe('dropped');
    expect(t.events.some((e) => e.kind === 'nat')).toBe(false);
    const drop = t.events.find((e) => e.kind === 'drop')!;
    expect(drop.explain.args).toMatchObject({
      hook: 'INPUT',
      table: 'filter',
      chain: 'KUBE-EXTERNAL-SERVICES',
    });
    expect(String(drop.explain.args.rule)).toContain('"default/local:echo has no local endpoints"');
    // No empty KUBE-SVL chain on node1; node2 (with web-2) has one.
    const svl = `KUBE-SVL-${kubeHash('default/local:echo' + 'udp')}`;
    const rows = finalRows(t, 'node1', 'iptables');
    expect(rows.some((r) => r.includes(svl))).toBe(false);
    expect(rows).toContain(`-N KUBE-EXT-${kubeHash('default/local:echo' + 'udp')}`);
    expect(t.captures.some((c) => c.netns === 'web-2')).toBe(false);
  });

  it('external-to-local-nodeport: node2 DNATs through KUBE-SVL and keeps the client address', () => {
    const t = trace(S, 'external-to-local-nodeport');
    expect(t.verdict).toBe('delivered');
    const dgram = t.captures.find((c) => c.netns === 'web-2' && c.direction === 'rx' && udp(c))!;
    expect(ip(dgram)).toMatchObject({ src: '192.168.1.100', dst: '10.244.2.10' });
    expect(udp(dgram)?.dport).toBe(9000);
    expect(t.events.some((e) => e.kind === 'nat' && e.explain.code === 'nat.snat')).toBe(false);
    const svl = `KUBE-SVL-${kubeHash('default/local:echo' + 'udp')}`;
    const traversed = t.events.flatMap((e) => e.traversed ?? []).filter((r) => r.matched);
    expect(traversed.some((r) => r.row.startsWith(`-A ${svl} `))).toBe(true);
  });

  it('allowed-client-to-loadbalancer: KUBE-FW lets 192.168.1.100 through to web-1, masqueraded', () => {
    const t = trace(S, 'allowed-client-to-loadbalancer');
    expect(t.verdict).toBe('delivered');
    const fw = `KUBE-FW-${kubeHash('default/lb:http' + 'tcp')}`;
    const traversed = t.events.flatMap((e) => e.traversed ?? []).filter((r) => r.matched);
    expect(traversed.some((r) => r.row.startsWith(`-A ${fw} -s 192.168.1.100/32 `))).toBe(true);
    const syn = t.captures.find((c) => c.netns === 'web-1' && c.direction === 'rx' && tcp(c)?.flags === 'S')!;
    // KUBE-EXT marked it: the source is node1's address on cni0, not the client's.
    expect(ip(syn)).toMatchObject({ src: '10.244.1.1', dst: '10.244.1.10' });
    const back = t.captures.find((c) => c.netns === 'ext' && c.direction === 'rx' && tcp(c)?.flags === 'S.')!;
    expect(ip(back)?.src).toBe('203.0.113.10');
  });

  it('other-client-to-loadbalancer: falls off KUBE-FW undNATed; KUBE-PROXY-FIREWALL drops it in FORWARD', () => {
    const t = trace(S, 'other-client-to-loadbalancer');
    expect(t.verdict).toBe('dropped');
    expect(t.events.some((e) => e.kind === 'nat')).toBe(false);
    const drop = t.events.find((e) => e.kind === 'drop')!;
    expect(drop.explain.args).toMatchObject({
      hook: 'FORWARD',
      table: 'filter',
      chain: 'KUBE-PROXY-FIREWALL',
    });
    const fw = `KUBE-FW-${kubeHash('default/lb:echo' + 'udp')}`;
    expect(String(drop.explain.args.rule)).toContain(`traffic not accepted by ${fw}`);
    expect(t.captures.some((c) => c.netns === 'web-1')).toBe(false);
  });

  it('client-to-terminating-endpoint: the serving, terminating endpoint still gets the connection', () => {
    const t = trace(S, 'client-to-terminating-endpoint');
    expect(t.verdict).toBe('delivered');
    const dnat = t.events.find((e) => e.kind === 'nat' && e.explain.code === 'nat.dnat')!;
    expect(dnat.explain.args).toMatchObject({ from: '10.96.0.40:80', to: '10.244.2.10:8080' });
    expect(t.captures.some((c) => c.netns === 'web-2' && c.direction === 'rx' && tcp(c)?.flags === 'S')).toBe(
      true,
    );
  });

  it('external-to-external-ip: KUBE-SERVICES sends the externalIP to KUBE-EXT, masqueraded to web-1', () => {
    const t = trace(S, 'external-to-external-ip');
    expect(t.verdict).toBe('delivered');
    const traversed = t.events.flatMap((e) => e.traversed ?? []).filter((r) => r.matched);
    const ext = `KUBE-EXT-${kubeHash('default/front:http' + 'tcp')}`;
    expect(
      traversed.some(
        (r) => r.row.includes('"default/front:http external IP"') && r.row.endsWith(`-j ${ext}`),
      ),
    ).toBe(true);
    const syn = t.captures.find((c) => c.netns === 'web-1' && c.direction === 'rx' && tcp(c)?.flags === 'S')!;
    expect(ip(syn)).toMatchObject({ src: '10.244.1.1', dst: '10.244.1.10' });
    const back = t.captures.find((c) => c.netns === 'ext' && c.direction === 'rx' && tcp(c)?.flags === 'S.')!;
    expect(ip(back)?.src).toBe('192.168.1.50');
  });

  it('client-to-internal-local-service: no local endpoint, so node1 DROPs in FORWARD though web-2 is up', () => {
    const t = trace(S, 'client-to-internal-local-service');
    expect(t.verdict).toBe('dropped');
    expect(t.events.some((e) => e.kind === 'nat')).toBe(false);
    const drop = t.events.find((e) => e.kind === 'drop')!;
    expect(drop.explain.args).toMatchObject({ hook: 'FORWARD', table: 'filter', chain: 'KUBE-SERVICES' });
    expect(String(drop.explain.args.rule)).toContain('"default/node-local:echo has no local endpoints"');
    expect(t.captures.some((c) => c.netns === 'web-2')).toBe(false);
  });
});

/**
 * sessionAffinity ClientIP (kube-proxy iptables mode, 1.33): KUBE-SVC first checks each
 * endpoint's xt_recent list (--rcheck --seconds 10800 --reap), and the KUBE-SEP chain records
 * the client (--set) as it DNATs. The second connection from the client goes to the endpoint of
 * the first, whatever the random choice (here pinned to web-2) would have said.
 */
describe('k8s-service-policies: session affinity', () => {
  const sep = (ip: string) => `KUBE-SEP-${kubeHash(`default/sticky:httptcp${ip}:8080`)}`;

  it('client-to-sticky-service: no list holds the client yet, so the random choice decides and --set records it', () => {
    const t = trace(S, 'client-to-sticky-service');
    expect(t.verdict).toBe('delivered');
    const rows = t.events.flatMap((e) => (e.netns === 'node1' ? (e.traversed ?? []) : []));
    const checks = rows.filter((r) => r.row.includes('-m recent --rcheck --seconds 10800 --reap'));
    expect(checks.map((r) => r.matched)).toEqual([false, false]);
    const nat = t.events.find((e) => e.netns === 'node1' && e.explain.code === 'nf.nat-rule')!;
    expect(nat.decidedBy?.row).toContain(
      `-A ${sep('10.244.2.10')} -p tcp -m comment --comment "default/sticky:http" -m recent --set --name ${sep('10.244.2.10')} --mask 255.255.255.255 --rsource`,
    );
  });

  it('a second connection from the same client goes to the endpoint of the first', () => {
    // The first connection, before the flow: its endpoint is the random draw's, read from the
    // xt_recent list that recorded the client.
    const before = [{ netns: 'client', line: 'curl http://10.96.0.70/' }];
    const built = buildWorld(scenario(S), { exec: before });
    const engine = built.world.netns.get('node1')!.netfilter as unknown as NetfilterEngine;
    const lists = [...engine.recent.tables].filter(([, t]) => t.has(0x0af40105));
    expect(lists).toHaveLength(1);
    const firstEndpoint = ['10.244.1.10', '10.244.2.10'].find((e) => sep(e) === lists[0]![0])!;
    // The flow's own random choice is pinned to the other endpoint: affinity must win.
    const sc = scenario(S);
    const flow = sc.flows.find((f) => f.id === 'client-to-sticky-service')!;
    flow.endpoint = firstEndpoint === '10.244.1.10' ? '10.244.2.10' : '10.244.1.10';
    const t = traceFlow(sc, flow.id, { exec: before });
    const dnat = t.events.find((e) => e.kind === 'nat' && e.explain.code === 'nat.dnat')!;
    expect(dnat.explain.args.to).toBe(`${firstEndpoint}:8080`);
    // The rcheck of that endpoint's list decided, before any random choice.
    const choice = t.events.find((e) => e.netns === 'node1' && e.explain.code === 'nf.endpoint')!;
    expect(choice.explain.args.pinned).toBe('session affinity');
    expect(choice.decidedBy?.row).toContain(
      `-m recent --rcheck --seconds 10800 --reap --name ${sep(firstEndpoint)}`,
    );
  });
});
