import { beforeAll, describe, expect, it } from 'vitest';
import { loadLang } from '../i18n';
import { fixtureProxyTrace, fixtureTrace } from './fixtures';
import {
  connectionIndices,
  describeMarker,
  dropReason,
  envelopeOf,
  icmp6Name,
  markerKindOf,
  markerStateAt,
  natRewrite,
  packetLabel,
  previousPlace,
} from './model';
import { ifaceTags, roleLabel, wording, type Wording } from './words';

describe('markerStateAt', () => {
  it('places the marker at the event interface, or the namespace when there is none', () => {
    expect(markerStateAt(fixtureTrace, 0)).toMatchObject({ netns: 'pod1', interface: null, kind: 'icmp' });
    expect(markerStateAt(fixtureTrace, 6)).toMatchObject({ netns: 'node1', interface: 'veth1' });
    expect(markerStateAt(fixtureTrace, 99)).toBeNull();
    expect(markerStateAt(fixtureTrace, -1)).toBeNull();
  });

  it('tells ARP requests from replies and from IP', () => {
    expect(markerStateAt(fixtureTrace, 1)?.kind).toBe('arp-request');
    expect(markerStateAt(fixtureTrace, 1)?.label).toBe('ARP request · who-has 10.244.1.1');
    expect(markerStateAt(fixtureTrace, 3)?.kind).toBe('arp-reply');
    expect(markerStateAt(fixtureTrace, 3)?.label).toMatch(/^ARP reply · 10\.244\.1\.1 is-at/);
    expect(markerStateAt(fixtureTrace, 5)?.kind).toBe('icmp');
    expect(markerStateAt(fixtureTrace, 5)?.label).toBe('ICMP echo request · TTL 64');
  });

  it('gains an envelope at encapsulation and loses it at decapsulation', () => {
    const before = markerStateAt(fixtureTrace, 6)!;
    expect(before.envelope).toBeNull();
    const encap = markerStateAt(fixtureTrace, 7)!;
    expect(encap.envelope).toEqual({ kind: 'vxlan', label: 'VXLAN 1' });
    expect(encap.transition).toBe('encap');
    // The label describes the inner packet (inner TTL), the envelope is labelled on its own.
    expect(encap.label).toBe('ICMP echo request · TTL 63');
    expect(markerStateAt(fixtureTrace, 8)).toMatchObject({ transition: null, envelope: { kind: 'vxlan' } });
    const decap = markerStateAt(fixtureTrace, 10)!;
    expect(decap.envelope).toBeNull();
    expect(decap.transition).toBe('decap');
  });

  it('marks a drop with its reason', () => {
    const m = markerStateAt(fixtureTrace, 13)!;
    expect(m.dropped).toBe(true);
    expect(m.reason).toContain('no route');
    expect(markerStateAt(fixtureTrace, 12)!.dropped).toBe(false);
    expect(describeMarker(m)).toContain('Dropped: pod2 has no route');
  });

  it('has no packet kind for events without a packet', () => {
    expect(markerStateAt(fixtureProxyTrace, 6)).toMatchObject({
      kind: 'none',
      label: '',
      connectionIndex: null,
    });
  });
});

describe('envelopeOf', () => {
  const ip = (protocol: number) =>
    ({ proto: 'ipv4', src: '1.1.1.1', dst: '2.2.2.2', ttl: 64, protocol, id: 0, df: false, tos: 0 }) as const;
  it('recognises IPIP and flannel UDP', () => {
    expect(envelopeOf([ip(4), ip(1), { proto: 'icmp', type: 8, code: 0 }])).toEqual({
      kind: 'ipip',
      label: 'IPIP',
    });
    expect(
      envelopeOf([
        ip(17),
        { proto: 'udp', sport: 1, dport: 8285 },
        ip(1),
        { proto: 'icmp', type: 8, code: 0 },
      ]),
    ).toEqual({ kind: 'udp', label: 'UDP 8285' });
    expect(envelopeOf([ip(17), { proto: 'udp', sport: 1, dport: 53 }])).toBeNull();
    expect(envelopeOf(undefined)).toBeNull();
  });
});

describe('connectionIndices', () => {
  it('numbers TCP connections, merging NAT rewrites of the same packet and both directions', () => {
    expect(connectionIndices(fixtureProxyTrace)).toEqual([0, 0, 0, 1, 1, 0, null]);
    expect(markerStateAt(fixtureProxyTrace, 3)?.connectionIndex).toBe(1);
    expect(markerStateAt(fixtureProxyTrace, 0)?.kind).toBe('tcp');
  });
});

describe('packetLabel', () => {
  it('is compact', () => {
    expect(packetLabel(fixtureProxyTrace.events[0]!.packet)).toBe('TCP SYN 40000→80 · TTL 64');
    expect(packetLabel(fixtureProxyTrace.events[2]!.packet)).toBe('TCP SYN-ACK 80→40000 · TTL 63');
    expect(packetLabel([])).toBe('');
  });

  it('names an ICMP error by its own header, not by the datagram it quotes', () => {
    // As `ping` on Linux prints it: "From 10.1.15.1 icmp_seq=1 Destination Net Unreachable", the
    // error is its own IPv4 + ICMP type 3, followed by the quoted echo request (RFC 792).
    const ip = (src: string, dst: string, ttl: number) =>
      ({ proto: 'ipv4', src, dst, ttl, protocol: 1, id: 0, df: false, tos: 0 }) as const;
    const error = [
      ip('10.1.15.1', '10.1.15.2', 64),
      { proto: 'icmp', type: 3, code: 0 },
      ip('10.1.15.2', '10.1.16.2', 63),
      { proto: 'icmp', type: 8, code: 0, id: 1, seq: 1 },
    ] as const;
    expect(packetLabel([...error])).toBe('ICMP unreachable · TTL 64');
    // The quoted header is not an envelope.
    expect(envelopeOf([...error])).toBeNull();
  });
});

describe('packetLabel on an IPv6 link', () => {
  const ip6 = (src: string, dst: string, hlim: number) =>
    ({ proto: 'ipv6', src, dst, hlim, next: 58, tc: 0, flow: 0 }) as const;
  const eth = { proto: 'eth', src: '02:42:ac:11:00:02', dst: '33:33:ff:11:00:03', type: 0x86dd } as const;

  it('names neighbour discovery as NDP, the hop limit instead of a TTL, and ICMPv6 by its own numbers', () => {
    const ns = [
      eth,
      ip6('fd00::242:ac11:2', 'ff02::1:ff11:3', 255),
      { proto: 'icmpv6', type: 135, code: 0, target: 'fd00::242:ac11:3', lladdr: '02:42:ac:11:00:02' },
    ] as const;
    expect(packetLabel([...ns])).toBe('NDP neighbour solicitation · who-has fd00::242:ac11:3');
    expect(markerKindOf([...ns])).toBe('arp-request');
    const echo = [
      eth,
      ip6('fd00::242:ac11:2', 'fd00::242:ac11:3', 64),
      { proto: 'icmpv6', type: 128, code: 0, id: 1, seq: 1 },
    ] as const;
    // Type 128 is ICMPv6's echo request; as ICMP's number it would mean nothing.
    expect(packetLabel([...echo])).toBe('ICMPv6 echo request · hop limit 64');
    expect(markerKindOf([...echo])).toBe('icmp');
    expect(icmp6Name(129)).toBe('echo reply');
    expect(icmp6Name(136)).toBe('neighbour advertisement');
  });
});

describe('previousPlace', () => {
  it('is the previous event of the same packet', () => {
    // Step 5 (packet 1 leaves pod1) follows the ARP exchange; packet 1 was last at pod1 (no interface).
    expect(previousPlace(fixtureTrace, 5)).toEqual({ netns: 'pod1', interface: null });
    expect(previousPlace(fixtureTrace, 6)).toEqual({ netns: 'pod1', interface: 'eth0' });
    // A new packet (the ARP reply, packet 3) starts where the previous event was.
    expect(previousPlace(fixtureTrace, 3)).toEqual({ netns: 'node1', interface: 'veth1' });
    expect(previousPlace(fixtureTrace, 0)).toBeNull();
  });
});

describe('NAT badge and netfilter drop reason', () => {
  const base = {
    time: 0,
    machine: 'host1',
    netns: 'host1',
    explanation: '',
  };
  it('labels a SNAT without the kept port and a DNAT with its ports', () => {
    const snat = {
      ...base,
      step: 1,
      kind: 'nat' as const,
      explain: { code: 'nat.snat' as const, args: { from: '172.17.0.2:55092', to: '192.168.145.128:55092' } },
    };
    expect(natRewrite(snat, undefined)).toBe('SNAT 172.17.0.2 → 192.168.145.128');
    const dnat = {
      ...snat,
      explain: { code: 'nat.dnat' as const, args: { from: '192.168.145.128:8080', to: '172.17.0.2:80' } },
    };
    expect(natRewrite(dnat, undefined)).toBe('DNAT 192.168.145.128:8080 → 172.17.0.2:80');
    expect(natRewrite({ ...snat, kind: 'netfilter' }, undefined)).toBeNull();
  });
  it('names the chain and rule of an iptables drop', () => {
    const drop = {
      ...base,
      step: 2,
      kind: 'drop' as const,
      explain: { code: 'drop.nf-rule' as const, args: {} },
      explanation: 'host1 drops the packet in FORWARD…',
      decidedBy: { table: 'iptables' as const, netns: 'host1', row: '-A FORWARD -s 172.17.0.2/32 -j DROP' },
      traversed: [
        { table: 'filter', chain: 'FORWARD', row: '-A FORWARD -s 172.17.0.2/32 -j DROP', matched: true },
      ],
    };
    expect(dropReason(drop)).toBe('iptables filter FORWARD: -A FORWARD -s 172.17.0.2/32 -j DROP');
    expect(dropReason({ ...drop, decidedBy: undefined })).toBe('host1 drops the packet in FORWARD…');
  });
  it('names the table, chain and policy of an nft drop as nft lists them', () => {
    const policy = '\t\ttype filter hook forward priority filter; policy drop;';
    const drop = {
      ...base,
      step: 2,
      kind: 'drop' as const,
      explain: { code: 'drop.nft-policy' as const, args: {} },
      explanation: 'gw drops…',
      decidedBy: { table: 'nftables' as const, netns: 'gw', row: policy },
      traversed: [{ table: 'inet filter', chain: 'forward', row: policy, matched: true }],
    };
    expect(dropReason(drop)).toBe(
      'nft inet filter forward: type filter hook forward priority filter; policy drop;',
    );
  });
});

describe('in Simplified Chinese', () => {
  // Chinese as the page has it once its chunk is in, loaded the way the app loads it.
  let zh: Wording;
  beforeAll(async () => {
    await loadLang('zh-CN');
    zh = wording('zh-CN');
  });

  it('words packet labels in Chinese, keeping protocol names, addresses and TTL', () => {
    expect(markerStateAt(fixtureTrace, 1, undefined, zh)?.label).toBe('ARP 请求 · 谁有 10.244.1.1');
    expect(markerStateAt(fixtureTrace, 3, undefined, zh)?.label).toMatch(
      /^ARP 应答 · 10\.244\.1\.1 的 MAC 是 /,
    );
    expect(markerStateAt(fixtureTrace, 5, undefined, zh)?.label).toBe('ICMP 回显请求 · TTL 64');
    // The envelope's caption is a protocol and a VNI: the same in every language.
    expect(markerStateAt(fixtureTrace, 7, undefined, zh)?.envelope?.label).toBe('VXLAN 1');
    // The default is the page's language, still English here.
    expect(markerStateAt(fixtureTrace, 5)?.label).toBe('ICMP echo request · TTL 64');
  });

  it('renders a drop reason from the Chinese template and describes the step in Chinese', () => {
    const drop = {
      ...fixtureTrace.events[13]!,
      explain: { code: 'drop.no-route-input' as const, args: { ns: 'pod2', dst: '10.244.9.9' } },
    };
    expect(dropReason(drop, zh)).toBe(
      'pod2 没有去往 10.244.9.9 的路由（没有匹配项，连默认路由也没有）：数据包被丢弃。',
    );
    const m = markerStateAt({ events: [...fixtureTrace.events.slice(0, 13), drop] }, 13, undefined, zh)!;
    expect(describeMarker(m, zh)).toMatch(
      /^第 14 步：ICMP 回显请求 · TTL 62，位于 pod2 的 lo。已丢弃：pod2 没有去往/,
    );
    expect(describeMarker(null, zh)).toBe('没有数据包。');
  });

  it('translates the NAT badge word and the role and kind tags, not the link kinds', () => {
    const undo = {
      step: 1,
      time: 0,
      machine: 'h',
      netns: 'h',
      explanation: '',
      kind: 'nat' as const,
      explain: { code: 'nat.undo-snat' as const, args: { from: '10.0.0.1:80', to: '10.0.0.2:80' } },
    };
    expect(natRewrite(undo, undefined, zh)).toBe('SNAT 还原 10.0.0.1 → 10.0.0.2');
    expect(roleLabel('router', zh)).toBe('路由器');
    expect(ifaceTags({ kind: 'bridge', up: false }, zh)).toBe('网桥 · 未启用');
    expect(ifaceTags({ kind: 'vxlan', up: true }, zh)).toBe('vxlan');
    expect(ifaceTags({ kind: 'veth', up: true }, zh)).toBe('');
  });
});
