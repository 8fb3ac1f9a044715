/**
 * Catalog facts for ipv6-transport: TCP and UDP over IPv6. The expected values come from the
 * same exchanges run in namespaces on this kernel (6.18, curl 7.88, OpenBSD nc, tcpdump 4.99):
 * the tools' words, the RST and the ICMPv6 port unreachable, the hop limits, the flow labels
 * (tshark's ipv6.flow: one per socket, constant over a connection, never 0; 0 on NDP).
 */
import { describe, expect, it } from 'vitest';
import { runCommand, type Capture } from '../../src/engine';
import { encodePacket } from '../../src/engine/net/encode';
import { finishChecksum, onesSum } from '../../src/engine/net/checksum';
import type { Ipv6Layer, TcpLayer } from '../../src/engine/net/layers';
import { renderExplain } from '../../src/engine/sim/messages';
import { trace, world } from '../helpers';

const at = (t: ReturnType<typeof trace>, netns: string, iface: string, dir: 'tx' | 'rx'): Capture[] =>
  t.captures.filter((c) => c.netns === netns && c.interface === iface && c.direction === dir);
const ip6 = (c: Capture): Ipv6Layer => c.layers.find((l): l is Ipv6Layer => l.proto === 'ipv6')!;
const tcp = (c: Capture): TcpLayer | undefined => c.layers.find((l): l is TcpLayer => l.proto === 'tcp');

describe('ipv6-transport: a-curl-b', () => {
  const t = trace('ipv6-transport', 'a-curl-b');

  it('fetches the page: handshake, request, answer, both FINs', () => {
    expect(t.verdict).toBe('delivered');
    expect(t.output).toContain('HTTP/1.1 200 OK (612 bytes from [2001:db8:2::20]:8080)');
    const flags = at(t, 'a', 'a0', 'tx').flatMap((c) => (tcp(c) ? [tcp(c)!.flags] : []));
    expect(flags.slice(0, 3)).toEqual(['S', '.', 'P.']);
    expect(at(t, 'b', 'b0', 'tx').some((c) => tcp(c)?.flags === 'S.')).toBe(true);
  });

  it('carries TCP as next header 6, hop limit 64 from a, 63 after r', () => {
    const syn = at(t, 'a', 'a0', 'tx').find((c) => tcp(c)?.flags === 'S')!;
    expect(ip6(syn)).toMatchObject({ src: '2001:db8:1::10', dst: '2001:db8:2::20', next: 6, hlim: 64 });
    const arrived = at(t, 'b', 'b0', 'rx').find((c) => tcp(c)?.flags === 'S')!;
    expect(ip6(arrived).hlim).toBe(63);
    expect(syn.tcpdump).toMatch(
      /ethertype IPv6 \(0x86dd\), length 74: 2001:db8:1::10\.\d+ > 2001:db8:2::20\.8080: Flags \[S\], seq \d+, win \d+/,
    );
  });

  it('gives each end of the connection its own flow label, kept for the whole connection', () => {
    const mine = new Set(
      at(t, 'a', 'a0', 'tx')
        .filter((c) => tcp(c))
        .map((c) => ip6(c).flow),
    );
    const theirs = new Set(
      at(t, 'b', 'b0', 'tx')
        .filter((c) => tcp(c))
        .map((c) => ip6(c).flow),
    );
    expect(mine.size).toBe(1);
    expect(theirs.size).toBe(1);
    expect([...mine][0]).not.toBe(0);
    expect([...theirs][0]).not.toBe(0);
    expect([...mine][0]).not.toBe([...theirs][0]);
    // r forwards the label untouched; neighbour discovery sends none.
    expect(
      new Set(
        at(t, 'b', 'b0', 'rx')
          .filter((c) => tcp(c))
          .map((c) => ip6(c).flow),
      ),
    ).toEqual(mine);
    const ndp = t.captures.filter((c) => c.layers.some((l) => l.proto === 'icmpv6'));
    expect(ndp.length).toBeGreaterThan(0);
    expect(ndp.every((c) => ip6(c).flow === 0)).toBe(true);
  });

  it('writes a TCP checksum that verifies under the IPv6 pseudo-header', () => {
    const syn = at(t, 'a', 'a0', 'tx').find((c) => tcp(c)?.flags === 'S')!;
    const bytes = encodePacket({ layers: syn.layers, payload: syn.payload });
    const seg = bytes.subarray(14 + 40);
    const pseudo = new Uint8Array(40);
    pseudo.set(bytes.subarray(14 + 8, 14 + 40), 0);
    new DataView(pseudo.buffer).setUint32(32, seg.length);
    pseudo[39] = 6;
    expect(finishChecksum(onesSum(seg, 0, seg.length, onesSum(pseudo)))).toBe(0);
  });
});

describe('ipv6-transport: closed ports', () => {
  it('answers a SYN to a closed TCP port with RST/ACK, and curl says so', () => {
    const t = trace('ipv6-transport', 'a-curl-b-closed-port');
    const rst = at(t, 'b', 'b0', 'tx').find((c) => tcp(c)?.flags === 'R.')!;
    expect(rst.tcpdump).toMatch(
      /ethertype IPv6 \(0x86dd\), length 74: 2001:db8:2::20\.8081 > 2001:db8:1::10\.\d+: Flags \[R\.\], seq 0, ack \d+, win 0, length 0$/,
    );
    expect(ip6(rst).flow).not.toBe(0);
    expect(t.output).toBe(
      "curl: (7) Failed to connect to 2001:db8:2::20 port 8081 after 0 ms: Couldn't connect to server",
    );
  });

  it('writes the address and port of its story as an IPv6 literal: [addr]:port (RFC 3986)', () => {
    const t = trace('ipv6-transport', 'a-curl-b-closed-port');
    const texts = t.events.map((e) => renderExplain(e.explain));
    expect(texts).toContain('curl connects to [2001:db8:2::20]:8081: the kernel sends a SYN.');
    expect(texts).toContain('curl: connection refused by [2001:db8:2::20]:8081 (RST).');
  });

  it('answers a datagram to a closed UDP port with ICMPv6 port unreachable', () => {
    const t = trace('ipv6-transport', 'a-nc-udp-closed-port');
    const err = at(t, 'a', 'a0', 'rx').find((c) =>
      c.layers.some((l) => l.proto === 'icmpv6' && l.type === 1),
    )!;
    expect(err.layers.find((l) => l.proto === 'icmpv6')).toMatchObject({ type: 1, code: 4 });
    expect(ip6(err).hlim).toBe(63);
    // tcpdump: 8 bytes of ICMPv6, the quoted 40-byte header, 8 of UDP and nc's 6 bytes.
    expect(err.tcpdump).toContain(
      '2001:db8:2::20 > 2001:db8:1::10: ICMP6, destination unreachable, unreachable port, 2001:db8:2::20 udp port 9998, length 62',
    );
    expect(t.output).toBe('');
  });

  it('sends UDP with its checksum filled in: IPv6 makes it mandatory', () => {
    const t = trace('ipv6-transport', 'a-nc-udp-b');
    expect(t.output).toBe('6 bytes received from [2001:db8:2::20]:9999');
    const dgram = at(t, 'a', 'a0', 'tx').find((c) => c.layers.some((l) => l.proto === 'udp'))!;
    const bytes = encodePacket({ layers: dgram.layers, payload: dgram.payload });
    expect(new DataView(bytes.buffer, bytes.byteOffset).getUint16(14 + 40 + 6)).not.toBe(0);
  });
});

describe('ipv6-transport: the tools take IPv6 addresses as the real ones do', () => {
  const { world: w } = world('ipv6-transport');
  const fail = (line: string): string => {
    try {
      runCommand({ world: w, machine: w.machines.get('host')!, ns: w.netns.get('a')!, origin: 'test' }, line);
      return 'no error';
    } catch (e) {
      return (e as Error).message;
    }
  };

  it('refuses what curl 7.88 and OpenBSD nc refuse, in their words', () => {
    expect(fail('curl http://2001:db8:2::20:8080/')).toBe(
      'curl: (3) URL using bad/illegal format or missing URL',
    );
    expect(fail('curl -6 http://10.9.9.9:8081/')).toBe("curl: (7) Couldn't connect to server");
    expect(fail('nc -v -z -w 2 [2001:db8:2::20] 8080')).toBe(
      'nc: getaddrinfo for host "[2001:db8:2::20]" port 8080: Name or service not known',
    );
    expect(fail('nc -6 -v -z -w 2 10.1.1.1 8080')).toBe(
      'nc: getaddrinfo for host "10.1.1.1" port 8080: Address family for hostname not supported',
    );
  });

  it('accepts the forms that work', () => {
    expect(fail('curl -6 http://[2001:db8:2::20]:8080/')).toBe('no error');
    expect(fail('nc -6 -v -z -w 2 2001:db8:2::20 8080')).toBe('no error');
  });
});

describe('ipv6-transport: a-curl-b-masquerade (NAT66 for TCP)', () => {
  const t = trace('ipv6-transport', 'a-curl-b-masquerade');

  it("reaches b from r1's address, the port kept, and the replies are un-NATed", () => {
    expect(t.verdict).toBe('delivered');
    const sent = at(t, 'a', 'a0', 'tx').find((c) => tcp(c)?.flags === 'S')!;
    const arrived = at(t, 'b', 'b0', 'rx').find((c) => tcp(c)?.flags === 'S')!;
    expect(ip6(arrived).src).toBe('2001:db8:2::1');
    expect(tcp(arrived)!.sport).toBe(tcp(sent)!.sport);
    const back = at(t, 'a', 'a0', 'rx').filter((c) => tcp(c));
    expect(back.length).toBeGreaterThan(0);
    expect(back.every((c) => ip6(c).dst === '2001:db8:1::10')).toBe(true);
    const nat = t.events.filter((e) => e.kind === 'nat').map((e) => e.explain.args.to);
    expect(nat[0]).toBe(`[2001:db8:2::1]:${tcp(sent)!.sport}`);
  });
});
