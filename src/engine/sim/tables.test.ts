/**
 * The Trace carries the tables of the namespaces the journey touches; every other namespace
 * keeps its tables as built, and netnsTables reads them on demand.
 */
import { describe, expect, it } from 'vitest';
import { applyExec, buildWorld } from '../scenario/build';
import { scenario } from '../../../test/helpers';
import { traceBuilt, traceFlow } from './run';
import { netnsTables, TABLE_READERS } from './tables';
import { nfHost } from '../../../test/nf-test-kit';

describe('tables of a Trace', () => {
  it('records only the namespaces the journey touches, and any other on demand', () => {
    const s = scenario('k8s-service-iptables');
    const t = traceFlow(s, 'external-to-nodeport');
    // ext reaches web-2 through node1's NodePort: the pods client and web-1 on node1 are not on the way.
    expect(t.tableNetns).toEqual(expect.arrayContaining(['ext', 'node1', 'node2', 'web-2']));
    expect(t.tableNetns).not.toContain('client');
    expect(t.tableNetns).not.toContain('web-1');
    for (const e of t.events) expect(t.tableNetns).toContain(e.netns);
    expect(new Set(t.tables.map((v) => v.netns))).toEqual(new Set(t.tableNetns));
    const client = netnsTables(buildWorld(s).world, 'client')!;
    // `ip route show table all`: the main table first, then the kernel's local table.
    expect(client.find((v) => v.table === 'routes')?.rows.slice(0, 3)).toEqual([
      'default via 10.244.1.1 dev eth0',
      '10.244.1.0/24 dev eth0 proto kernel scope link src 10.244.1.5',
      'local 10.244.1.5 dev eth0 table local proto kernel scope host src 10.244.1.5',
    ]);
    // No iptables rules in the pod: no version (an absent sparse table means empty).
    expect(client.some((v) => v.table === 'iptables')).toBe(false);
    expect(netnsTables(buildWorld(s).world, 'nowhere')).toBeUndefined();
  });

  it('a namespace the flow never touches reads the same before and after the flow', () => {
    const s = scenario('k8s-service-iptables');
    const built = buildWorld(s);
    const before = JSON.stringify(netnsTables(built.world, 'web-1'));
    const t = traceBuilt(s, 'external-to-nodeport', built);
    expect(t.tableNetns).not.toContain('web-1');
    expect(JSON.stringify(netnsTables(built.world, 'web-1'))).toBe(before);
  });

  it('a world given an exec after its build traces as one built with it', () => {
    const s = scenario('k8s-service-iptables');
    const ex = { netns: 'node1', line: 'iptables -I FORWARD -d 10.244.2.10 -j DROP' };
    const built = buildWorld(s);
    applyExec(built, ex);
    const reused = traceBuilt(s, 'client-to-clusterip', built);
    const rebuilt = traceFlow(s, 'client-to-clusterip', { exec: [ex] });
    expect(reused.verdict).not.toBe('delivered');
    expect(JSON.stringify(reused)).toBe(JSON.stringify(rebuilt));
  });
  it("the iptables panel lists iptables-nft's rules, then iptables-legacy's under a heading", () => {
    const h = nfHost(['iptables -A INPUT -p tcp -j ACCEPT', 'iptables-legacy -A INPUT -p udp -j DROP']);
    expect(TABLE_READERS.iptables!(h.ns).rows).toEqual([
      '*filter',
      '-P INPUT ACCEPT',
      '-P FORWARD ACCEPT',
      '-P OUTPUT ACCEPT',
      '-A INPUT -p tcp -j ACCEPT',
      '# iptables-legacy',
      '*filter',
      '-P INPUT ACCEPT',
      '-P FORWARD ACCEPT',
      '-P OUTPUT ACCEPT',
      '-A INPUT -p udp -j DROP',
    ]);
  });
});
