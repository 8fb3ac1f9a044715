/**
 * Kubernetes Service facts (catalog): how kube-proxy's three modes get a packet for a
 * virtual address to a pod. Chain names are recomputed here the way kube-proxy derives
 * them (base32 of SHA-256, with Node's own crypto), not read back from the engine.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Capture } from '../../src/engine';
import { finalRows, ip, trace } from '../helpers';

const tcp = (c: Capture) =>
  c.layers.find((l) => l.proto === 'tcp') as { flags: string; sport: number; dport: number } | undefined;

/** kube-proxy's portProtoHash/servicePortEndpointChainName: base32(sha256(...))[:16]. */
function kubeHash(s: string): string {
  const bytes = createHash('sha256').update(s).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.slice(0, 16);
}

describe('k8s-service-iptables', () => {
  const svc = `KUBE-SVC-${kubeHash('default/web:http' + 'tcp')}`;
  const sep2 = `KUBE-SEP-${kubeHash('default/web:http' + 'tcp' + '10.244.2.10:8080')}`;

  describe('client-to-clusterip', () => {
    const t = trace('k8s-service-iptables', 'client-to-clusterip');

    it('is delivered', () => expect(t.verdict).toBe('delivered'));

    it("DNATs in node1's PREROUTING to 10.244.2.10:8080 through the KUBE-SVC and KUBE-SEP chains kube-proxy names", () => {
      const dnat = t.events.find((e) => e.kind === 'nat' && e.explain.code === 'nat.dnat')!;
      expect(dnat).toMatchObject({ netns: 'node1' });
      expect(dnat.explain.args).toMatchObject({
        hook: 'PREROUTING',
        from: '10.96.0.100:80',
        to: '10.244.2.10:8080',
      });
      const rows = finalRows(t, 'node1', 'iptables');
      expect(rows).toContain(
        `-A KUBE-SERVICES -d 10.96.0.100/32 -p tcp -m comment --comment "default/web:http cluster IP" -m tcp --dport 80 -j ${svc}`,
      );
      expect(rows.some((r) => r.startsWith(`-A ${svc} `) && r.includes('--probability 0.50000000000'))).toBe(
        true,
      );
      expect(rows).toContain(
        `-A ${sep2} -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination 10.244.2.10:8080`,
      );
    });

    it('records the odds of each endpoint', () => {
      const choice = t.events.find((e) => e.explain.code === 'nf.endpoint')!;
      expect(choice.explain.args.endpoint).toBe('10.244.2.10:8080');
      expect(String(choice.explain.args.odds)).toBe('10.244.1.10:8080 50%, 10.244.2.10:8080 50%');
      const first = t.events
        .flatMap((e) => e.traversed ?? [])
        .find((r) => r.row.startsWith(`-A ${svc} `) && r.probability !== undefined);
      expect(first?.probability).toBe(0.5);
    });

    it('routes it to node2 without SNAT, and the client only ever sees 10.96.0.100:80', () => {
      const wire = t.captures.find(
        (c) => c.netns === 'node1' && c.interface === 'eth0' && c.direction === 'tx' && tcp(c)?.flags === 'S',
      )!;
      expect(ip(wire)).toMatchObject({ src: '10.244.1.5', dst: '10.244.2.10' });
      const atClient = t.captures.filter((c) => c.netns === 'client' && c.direction === 'rx' && tcp(c));
      expect(atClient.length).toBeGreaterThan(0);
      for (const c of atClient) {
        expect(ip(c)?.src).toBe('10.96.0.100');
        expect(tcp(c)?.sport).toBe(80);
      }
    });
  });

  it('pod-to-itself-via-service: masqueraded, so web-1 sees a source other than its own address', () => {
    const t = trace('k8s-service-iptables', 'pod-to-itself-via-service');
    expect(t.verdict).toBe('delivered');
    const syn = t.captures.find((c) => c.netns === 'web-1' && c.direction === 'rx' && tcp(c)?.flags === 'S')!;
    expect(ip(syn)?.dst).toBe('10.244.1.10');
    expect(ip(syn)?.src).not.toBe('10.244.1.10');
    const marked = t.events
      .flatMap((e) => e.traversed ?? [])
      .some((r) => r.matched && r.row.includes('-s 10.244.1.10/32') && r.row.endsWith('-j KUBE-MARK-MASQ'));
    expect(marked).toBe(true);
    expect(t.events.some((e) => e.kind === 'nat' && e.explain.code === 'nat.snat')).toBe(true);
  });

  it("external-to-nodeport: DNAT to the endpoint on node2 and SNAT to node1's address", () => {
    const t = trace('k8s-service-iptables', 'external-to-nodeport');
    expect(t.verdict).toBe('delivered');
    const toNode2 = t.captures.find(
      (c) =>
        c.netns === 'node1' && c.interface === 'eth0' && c.direction === 'tx' && ip(c)?.dst === '10.244.2.10',
    )!;
    expect(ip(toNode2)?.src).toBe('192.168.1.11');
    expect(tcp(toNode2)?.dport).toBe(8080);
    const back = t.captures.find((c) => c.netns === 'ext' && c.direction === 'rx' && tcp(c)?.flags === 'S.')!;
    expect(ip(back)?.src).toBe('192.168.1.11');
    expect(tcp(back)?.sport).toBe(30080);
  });
});

describe('k8s-service-userspace: client-to-service', () => {
  const t = trace('k8s-service-userspace', 'client-to-service');

  it('is delivered', () => expect(t.verdict).toBe('delivered'));

  it('redirects the client to kube-proxy on node1 (port 33761)', () => {
    const redirect = t.events.find((e) => e.kind === 'nat' && e.explain.code === 'nat.dnat')!;
    expect(redirect.netns).toBe('node1');
    expect(String(redirect.explain.args.to)).toMatch(/:33761$/);
    expect(
      t.events.some((e) => e.explain.code === 'tcp.syn-listener' && e.explain.args.process === 'kube-proxy'),
    ).toBe(true);
  });

  it('kube-proxy opens a second connection from 192.168.1.129 to frontend-2 on node3', () => {
    const second = t.captures.find(
      (c) => c.netns === 'node1' && c.interface === 'eth0' && c.direction === 'tx' && tcp(c)?.flags === 'S',
    )!;
    expect(ip(second)).toMatchObject({ src: '192.168.1.129', dst: '10.1.30.4' });
    expect(tcp(second)?.dport).toBe(80);
    expect(
      t.captures.some(
        (c) => c.netns === 'frontend-2' && c.direction === 'rx' && ip(c)?.src === '192.168.1.129',
      ),
    ).toBe(true);
  });

  it('the client only ever sees 20.1.244.75:80', () => {
    for (const c of t.captures.filter((c) => c.netns === 'client' && tcp(c))) {
      const peer = c.direction === 'tx' ? ip(c)?.dst : ip(c)?.src;
      expect(peer).toBe('20.1.244.75');
    }
  });
});

describe('k8s-service-userspace: node1-to-service (the host itself, OUTPUT-chain DNAT)', () => {
  const t = trace('k8s-service-userspace', 'node1-to-service');

  it('is delivered: the default route gives the SYN a route before OUTPUT rewrites it', () => {
    expect(t.verdict).toBe('delivered');
  });

  it("OUTPUT's KUBE-PORTALS-HOST DNATs to node1's own address and port 33761, then the kernel routes again over lo", () => {
    const dnat = t.events.filter((e) => e.explain.code === 'nat.dnat');
    expect(dnat[0]).toMatchObject({ netns: 'node1' });
    expect(dnat[0]!.explain.args).toMatchObject({
      hook: 'OUTPUT',
      from: '20.1.244.75:80',
      to: '192.168.1.129:33761',
    });
    // The SYN never leaves node1 for 20.1.244.75: it loops back to kube-proxy.
    expect(t.captures.some((c) => c.interface === 'eth0' && ip(c)?.dst === '20.1.244.75')).toBe(false);
    const syn = t.captures.find((c) => c.netns === 'node1' && c.interface === 'lo' && tcp(c)?.flags === 'S')!;
    expect(ip(syn)).toMatchObject({ src: '192.168.1.129', dst: '192.168.1.129' });
    expect(tcp(syn)?.dport).toBe(33761);
  });

  it('reports no rewrite that changes nothing (nf_nat_packet on the looped-back packet is a no-op)', () => {
    for (const e of t.events.filter((e) => e.kind === 'nat'))
      expect(e.explain.args.from).not.toBe(e.explain.args.to);
    // The looped-back SYN enters PREROUTING already carrying 192.168.1.129:33761: no DNAT event there.
    expect(t.events.some((e) => e.explain.code === 'nat.dnat' && e.explain.args.hook === 'PREROUTING')).toBe(
      false,
    );
  });

  it('kube-proxy opens the second connection to frontend-1, and curl sees 20.1.244.75:80 answer', () => {
    const second = t.captures.find(
      (c) => c.netns === 'node1' && c.interface === 'eth0' && c.direction === 'tx' && tcp(c)?.flags === 'S',
    )!;
    expect(ip(second)).toMatchObject({ src: '192.168.1.129', dst: '10.1.20.4' });
    const synAck = t.captures.find(
      (c) => c.netns === 'node1' && c.interface === 'lo' && tcp(c)?.flags === 'S.',
    )!;
    // The reply's source is restored in POSTROUTING (the SRC manip hook), before lo's tap sees it.
    expect(ip(synAck)?.src).toBe('20.1.244.75');
    expect(tcp(synAck)?.sport).toBe(80);
    expect(t.output).toContain('from 20.1.244.75:80');
  });
});

describe('k8s-service-ipvs: client-to-clusterip', () => {
  const t = trace('k8s-service-ipvs', 'client-to-clusterip');

  it('goes through IPVS instead of DNAT chains', () => {
    expect(t.verdict).toBe('delivered');
    expect(
      t.events.some((e) => e.explain.code === 'ipvs.schedule' && e.explain.args.real === '10.244.2.10:8080'),
    ).toBe(true);
    expect(t.events.some((e) => e.explain.code === 'nat.dnat')).toBe(false);
    const rows = finalRows(t, 'node1', 'ipvs');
    expect(rows).toContain('TCP  10.96.0.100:80 rr');
    expect(rows.some((r) => /^ {2}-> 10\.244\.2\.10:8080 +Masq +1 /.test(r))).toBe(true);
  });

  it('holds the ClusterIP on kube-ipvs0 and un-NATs the reply to 10.96.0.100:80', () => {
    expect(
      finalRows(t, 'node1', 'addrs').some((r) => r.startsWith('kube-ipvs0') && r.includes('10.96.0.100/32')),
    ).toBe(true);
    const synAck = t.captures.find(
      (c) => c.netns === 'client' && c.direction === 'rx' && tcp(c)?.flags === 'S.',
    )!;
    expect(ip(synAck)?.src).toBe('10.96.0.100');
    expect(tcp(synAck)?.sport).toBe(80);
  });
});
