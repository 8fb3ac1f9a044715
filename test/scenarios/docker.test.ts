/** docker-bridge east-west: docker0 switches between containers after learning their MACs. */
import { describe, expect, it } from 'vitest';
import { echoes, finalRows, ip, trace } from '../helpers';

describe('docker-bridge: c1-ping-c2', () => {
  const t = trace('docker-bridge', 'c1-ping-c2');

  it('is delivered with TTL 64 and no NAT', () => {
    expect(t.verdict).toBe('delivered');
    expect(ip(echoes(t, 'request', 'c2', 'eth0', 'rx')[0]!)).toMatchObject({
      src: '172.17.0.2',
      dst: '172.17.0.3',
      ttl: 64,
    });
  });

  it("learns c1's MAC on c1's veth and forwards at L2 by that FDB", () => {
    expect(finalRows(t, 'host1', 'fdb')).toContain('02:42:ac:11:00:02 dev veth6f8a2b1 master docker0');
    const fwd = t.events.find(
      (e) => e.kind === 'bridge-forward' && e.decidedBy?.row.startsWith('02:42:ac:11:00:03'),
    );
    expect(fwd?.decidedBy?.row).toBe('02:42:ac:11:00:03 dev vethb41c9d0 master docker0');
    // Switched, not routed: the host's IP stack never sees the echo.
    expect(
      t.events.some((e) => e.netns === 'host1' && (e.kind === 'forward' || e.kind === 'route-lookup')),
    ).toBe(false);
  });
});

describe('docker-bridge: c1-to-web (MASQUERADE)', () => {
  const t = trace('docker-bridge', 'c1-to-web');
  const tcp = (c: { layers: { proto: string }[] }) =>
    c.layers.find((l) => l.proto === 'tcp') as { flags: string; sport: number; dport: number } | undefined;

  it('is delivered: curl gets the response', () => {
    expect(t.verdict).toBe('delivered');
  });

  it("leaves host1's eth0 with host1's address as the source, TTL 63", () => {
    const syn = t.captures.find(
      (c) => c.netns === 'host1' && c.interface === 'eth0' && c.direction === 'tx' && tcp(c)?.flags === 'S',
    )!;
    expect(ip(syn)).toMatchObject({ src: '192.168.145.128', dst: '203.0.113.10', ttl: 63 });
    // web never sees the container's address.
    expect(
      t.captures
        .filter((c) => c.netns === 'web')
        .every((c) => !JSON.stringify(c.layers).includes('172.17.0.2')),
    ).toBe(true);
  });

  it('is NATed by the MASQUERADE rule Docker writes, and the reply is de-NATed by conntrack', () => {
    const nat = t.events.find(
      (e) =>
        e.kind === 'netfilter' &&
        e.decidedBy?.row === '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE',
    );
    expect(nat).toBeDefined();
    const synAck = t.captures.find(
      (c) => c.netns === 'c1' && c.direction === 'rx' && tcp(c)?.flags === 'S.',
    )!;
    expect(ip(synAck)).toMatchObject({ src: '203.0.113.10', dst: '172.17.0.2' });
    expect(t.events.some((e) => e.kind === 'nat' && e.explain.code === 'nat.undo-snat')).toBe(true);
    // The connection's entry, as conntrack -L prints it: original tuple from c1, reply tuple to host1.
    const ct = finalRows(t, 'host1', 'conntrack');
    expect(
      ct.some((r) =>
        /^tcp +6 \d+ \w+ src=172\.17\.0\.2 dst=203\.0\.113\.10 sport=\d+ dport=80 src=203\.0\.113\.10 dst=192\.168\.145\.128 sport=80/.test(
          r,
        ),
      ),
    ).toBe(true);
  });

  it('ends dropped in FORWARD, naming the chain and the rule, when a DROP rule is inserted', () => {
    const d = trace('docker-bridge', 'c1-to-web', ['host1: iptables -I FORWARD -s 172.17.0.2 -j DROP']);
    expect(d.verdict).toBe('dropped');
    expect(d.reason).toContain('FORWARD');
    expect(d.reason).toContain('-A FORWARD -s 172.17.0.2/32 -j DROP');
    expect(d.captures.some((c) => c.netns === 'host1' && c.interface === 'eth0' && tcp(c))).toBe(false);
  });
});

describe('docker-bridge: web-to-c1-hostport (DNAT)', () => {
  const t = trace('docker-bridge', 'web-to-c1-hostport');
  const tcp = (c: { layers: { proto: string }[] }) =>
    c.layers.find((l) => l.proto === 'tcp') as { flags: string; sport: number; dport: number } | undefined;

  it('is delivered', () => {
    expect(t.verdict).toBe('delivered');
  });

  it('is DNATed in PREROUTING to 172.17.0.2:80 by the DOCKER chain', () => {
    const dnat = t.events.find((e) => e.kind === 'nat' && e.explain.code === 'nat.dnat')!;
    expect(dnat.explain.args).toMatchObject({
      hook: 'PREROUTING',
      from: '192.168.145.128:8080',
      to: '172.17.0.2:80',
    });
    const rule = t.events.find(
      (e) =>
        e.decidedBy?.row ===
        '-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80',
    );
    expect(
      rule?.traversed?.some(
        (r) => r.row === '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER' && r.matched,
      ),
    ).toBe(true);
  });

  it("arrives at c1 with web's own address as the source (no SNAT)", () => {
    const syn = t.captures.find((c) => c.netns === 'c1' && c.direction === 'rx' && tcp(c)?.flags === 'S')!;
    expect(ip(syn)).toMatchObject({ src: '203.0.113.10', dst: '172.17.0.2' });
    expect(tcp(syn)?.dport).toBe(80);
  });

  it('answers from 192.168.145.128:8080 on host1 eth0', () => {
    const synAck = t.captures.find(
      (c) => c.netns === 'host1' && c.interface === 'eth0' && c.direction === 'tx' && tcp(c)?.flags === 'S.',
    )!;
    expect(ip(synAck)?.src).toBe('192.168.145.128');
    expect(tcp(synAck)?.sport).toBe(8080);
  });
});

describe("docker0's MAC", () => {
  it("is in Docker's locally administered 02:42 range (libnetwork's GenerateRandomMAC), as are the containers'", () => {
    const t = trace('docker-bridge', 'c1-ping-c2');
    // The request leaves c1 for c2 directly; docker0's own MAC is the gateway's, seen in c1's ARP for 172.17.0.1.
    const t2 = trace('docker-bridge', 'c1-to-web');
    const toGw = t2.captures.find(
      (c) =>
        c.netns === 'c1' &&
        c.interface === 'eth0' &&
        c.direction === 'tx' &&
        c.layers.some((l) => l.proto === 'tcp'),
    )!;
    const gwMac = (toGw.layers[0] as { dst: string }).dst;
    expect(gwMac).toMatch(/^02:42:/);
    const req = echoes(t, 'request', 'c1', 'eth0', 'tx')[0]!;
    expect((req.layers[0] as { src: string }).src).toMatch(/^02:42:ac:11:00:02$/);
  });
});
