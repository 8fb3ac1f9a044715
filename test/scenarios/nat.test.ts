/** pod-to-internet (two SNATs) and nat-types (static, dynamic and PAT). */
import { describe, expect, it } from 'vitest';
import type { Capture, Trace } from '../../src/engine';
import { finalRows, ip, trace } from '../helpers';

const tcp = (c: Capture) =>
  c.layers.find((l) => l.proto === 'tcp') as { flags: string; sport: number; dport: number } | undefined;
const first = (t: Trace, netns: string, iface: string, dir: 'tx' | 'rx', flags: string) =>
  t.captures.find(
    (c) => c.netns === netns && c.interface === iface && c.direction === dir && tcp(c)?.flags === flags,
  );

describe('pod-to-internet: pod-to-web', () => {
  const t = trace('pod-to-internet', 'pod-to-web');

  it('is delivered', () => {
    expect(t.verdict).toBe('delivered');
  });

  it("is SNATed to 192.168.1.11 on node1's uplink, then to 198.51.100.7 past gw", () => {
    const pod = first(t, 'pod', 'eth0', 'tx', 'S')!;
    expect(ip(pod)).toMatchObject({ src: '10.244.1.5', dst: '203.0.113.10', ttl: 64 });
    const node = first(t, 'node1', 'eth0', 'tx', 'S')!;
    expect(ip(node)).toMatchObject({ src: '192.168.1.11', dst: '203.0.113.10', ttl: 63 });
    const gw = first(t, 'gw', 'eth1', 'tx', 'S')!;
    expect(ip(gw)).toMatchObject({ src: '198.51.100.7', dst: '203.0.113.10', ttl: 62 });
    const web = first(t, 'web', 'eth0', 'rx', 'S')!;
    expect(ip(web)).toMatchObject({ src: '198.51.100.7', ttl: 61 });
    const snats = t.events.filter((e) => e.kind === 'nat' && e.explain.code === 'nat.snat');
    expect(snats.map((e) => e.netns).slice(0, 2)).toEqual(['node1', 'gw']);
    expect(
      t.events.some(
        (e) =>
          e.netns === 'node1' &&
          e.decidedBy?.row === '-A POSTROUTING -s 10.244.0.0/16 ! -d 224.0.0.0/4 -j MASQUERADE',
      ),
    ).toBe(true);
  });

  it('has its reply un-NATed twice: to 192.168.1.11 at gw, to 10.244.1.5 at node1', () => {
    expect(ip(first(t, 'gw', 'eth1', 'rx', 'S.')!)?.dst).toBe('198.51.100.7');
    expect(ip(first(t, 'gw', 'eth0', 'tx', 'S.')!)?.dst).toBe('192.168.1.11');
    expect(ip(first(t, 'node1', 'eth0', 'rx', 'S.')!)?.dst).toBe('192.168.1.11');
    expect(ip(first(t, 'pod', 'eth0', 'rx', 'S.')!)).toMatchObject({
      src: '203.0.113.10',
      dst: '10.244.1.5',
    });
    const undo = t.events.filter((e) => e.kind === 'nat' && e.explain.code === 'nat.undo-snat');
    expect(undo.map((e) => e.netns).slice(0, 2)).toEqual(['gw', 'node1']);
  });

  it('leaves one conntrack entry on each NAT box', () => {
    expect(
      finalRows(t, 'gw', 'conntrack').some(
        (r) => r.includes('src=192.168.1.11 dst=203.0.113.10') && r.includes('dst=198.51.100.7'),
      ),
    ).toBe(true);
    expect(
      finalRows(t, 'node1', 'conntrack').some(
        (r) => r.includes('src=10.244.1.5 dst=203.0.113.10') && r.includes('dst=192.168.1.11'),
      ),
    ).toBe(true);
  });
});

describe('nat-types: static-nat-inbound', () => {
  const t = trace('nat-types', 'static-nat-inbound');

  it('is delivered to h1, which sees web as the source', () => {
    expect(t.verdict).toBe('delivered');
    const syn = first(t, 'h1', 'eth0', 'rx', 'S')!;
    expect(ip(syn)).toMatchObject({ src: '203.0.113.10', dst: '10.0.0.11' });
  });

  it('r answers ARP for 198.51.100.11 and DNATs it in PREROUTING', () => {
    const reply = t.captures.find(
      (c) =>
        c.netns === 'r' &&
        c.interface === 'eth1' &&
        c.direction === 'tx' &&
        c.layers.some((l) => l.proto === 'arp' && l.op === 2 && l.spa === '198.51.100.11'),
    );
    expect(reply).toBeDefined();
    const dnat = t.events.find((e) => e.kind === 'nat' && e.explain.code === 'nat.dnat')!;
    expect(dnat.explain.args).toMatchObject({
      hook: 'PREROUTING',
      from: '198.51.100.11:80',
      to: '10.0.0.11:80',
    });
  });

  it('answers from 198.51.100.11 outside', () => {
    expect(ip(first(t, 'r', 'eth1', 'tx', 'S.')!)?.src).toBe('198.51.100.11');
    expect(ip(first(t, 'h1', 'eth0', 'tx', 'S.')!)?.src).toBe('10.0.0.11');
  });
});

describe('nat-types: dynamic-nat', () => {
  const t = trace('nat-types', 'dynamic-nat');
  const echo = (c: Capture, type: number) => c.layers.some((l) => l.proto === 'icmp' && l.type === type);

  it("gives h2 an address from the pool, and the reply reaches h2's own address", () => {
    expect(t.verdict).toBe('delivered');
    const out = t.captures.find(
      (c) => c.netns === 'r' && c.interface === 'eth1' && c.direction === 'tx' && echo(c, 8),
    )!;
    expect(['198.51.100.20', '198.51.100.21']).toContain(ip(out)?.src);
    // The kernel hashes source and destination to pick .20 for this pair (seen in the lab).
    expect(ip(out)?.src).toBe('198.51.100.20');
    const back = t.captures.find((c) => c.netns === 'h2' && c.direction === 'rx' && echo(c, 0))!;
    expect(ip(back)).toMatchObject({ src: '203.0.113.10', dst: '10.0.0.12' });
    expect(
      t.events.some(
        (e) =>
          e.decidedBy?.row ===
          '-A POSTROUTING -s 10.0.0.12/32 -o eth1 -j SNAT --to-source 198.51.100.20-198.51.100.21',
      ),
    ).toBe(true);
  });
});

describe('nat-types: pat-two-clients', () => {
  const t = trace('nat-types', 'pat-two-clients');

  it("h2's earlier connection from port 40000 still holds the tuple in r's conntrack", () => {
    const ct = finalRows(t, 'r', 'conntrack');
    expect(
      ct.some((r) =>
        /^tcp +6 \d+ TIME_WAIT src=10\.0\.0\.12 dst=203\.0\.113\.10 sport=40000 dport=80 src=203\.0\.113\.10 dst=198\.51\.100\.2 sport=80 dport=40000 /.test(
          r,
        ),
      ),
    ).toBe(true);
  });

  it("rewrites h3's source port 40000, because the first connection holds it", () => {
    expect(t.verdict).toBe('delivered');
    const inside = first(t, 'r', 'eth0', 'rx', 'S')!;
    expect(ip(inside)?.src).toBe('10.0.0.13');
    expect(tcp(inside)?.sport).toBe(40000);
    const out = first(t, 'r', 'eth1', 'tx', 'S')!;
    expect(ip(out)?.src).toBe('198.51.100.2');
    expect(tcp(out)?.sport).not.toBe(40000);
    expect(tcp(out)?.sport).toBeGreaterThanOrEqual(1024);
  });

  it('sends the replies to the new port back to h3:40000', () => {
    const port = tcp(first(t, 'r', 'eth1', 'tx', 'S')!)!.sport;
    expect(tcp(first(t, 'r', 'eth1', 'rx', 'S.')!)?.dport).toBe(port);
    const back = first(t, 'h3', 'eth0', 'rx', 'S.')!;
    expect(ip(back)?.dst).toBe('10.0.0.13');
    expect(tcp(back)?.dport).toBe(40000);
  });
});
