/**
 * Catalog must-facts for gre-overlay. This kernel has no ip_gre module, so the expected values
 * come from the specifications and the tools' sources instead of a capture: GRE's framing
 * (RFC 2784; the key of RFC 2890), Linux's ip_gre.c and ip_tunnel.c (gre_rcv answers port
 * unreachable when no tunnel takes a packet; ip_tunnel_bind_dev's MTU; the fallback gre0),
 * iproute2's link_gre.c and iptunnel.c (what `ip -d link` and `ip tunnel` print) and tcpdump's
 * print-gre.c and print-icmp.c.
 */
import { describe, expect, it } from 'vitest';
import { runCommand, type Capture } from '../../src/engine';
import { formatTcpdump } from '../../src/engine/net/tcpdump';
import { decodePacket } from '../../src/engine/net/decode';
import { encodePacket } from '../../src/engine/net/encode';
import type { GreLayer, IcmpLayer, Packet } from '../../src/engine/net/layers';
import { findNetns } from '../../src/engine/scenario/build';
import { echoes, ip, ipv4s, trace, world } from '../helpers';

const greOf = (c: Capture): GreLayer | undefined => c.layers.find((l): l is GreLayer => l.proto === 'gre');
const icmpOf = (c: Capture): IcmpLayer | undefined =>
  c.layers.find((l): l is IcmpLayer => l.proto === 'icmp');

function run(netns: string, line: string, before: string[] = []): string {
  const { world: w } = world('gre-overlay');
  const exec = (ns: string, l: string): string => {
    const at = findNetns(w, ns)!;
    return runCommand({ world: w, machine: at.machine, ns: at.ns, origin: 'test' }, l).output;
  };
  for (const b of before) exec(b.slice(0, b.indexOf(':')), b.slice(b.indexOf(':') + 1).trim());
  return exec(netns, line);
}

describe('gre-overlay: c1-ping-c2', () => {
  const t = trace('gre-overlay', 'c1-ping-c2');

  it('is delivered, and the reply too', () => {
    expect(t.verdict).toBe('delivered');
    expect(echoes(t, 'reply', 'c1', 'eth0', 'rx')).toHaveLength(1);
  });

  it("host1's eth0 carries IPv4 (protocol 47) > GRE (type 0x0800, no key) > the container's packet", () => {
    const req = echoes(t, 'request', 'host1', 'eth0', 'tx')[0]!;
    expect(req.layers.map((l) => l.proto)).toEqual(['eth', 'ipv4', 'gre', 'ipv4', 'icmp']);
    const [outer, inner] = ipv4s(req);
    // The tunnel's `ttl 255` sets the outer TTL; pmtudisc (the default) sets DF.
    expect(outer).toMatchObject({
      src: '192.168.1.11',
      dst: '192.168.2.12',
      protocol: 47,
      ttl: 255,
      df: true,
    });
    expect(greOf(req)).toEqual({ proto: 'gre', protocol: 0x0800 });
    // Routed once by host1 on its way into gre1.
    expect(inner).toMatchObject({ src: '172.16.1.2', dst: '172.16.2.2', ttl: 63 });
  });

  it('adds 24 bytes: 14 Ethernet + 20 outer IPv4 + 4 GRE + 84 inner = 122', () => {
    const req = echoes(t, 'request', 'host1', 'eth0', 'tx')[0]!;
    expect(req.length).toBe(122);
    expect(encodePacket(req).length).toBe(122);
  });

  it('r1 routes the outer header only: outer TTL 255 becomes 254, the inner one is untouched', () => {
    const fwd = echoes(t, 'request', 'r1', 'eth1', 'tx')[0]!;
    expect(ipv4s(fwd).map((h) => h.ttl)).toEqual([254, 63]);
  });

  it('gre1 captures the bare inner packet (no Ethernet, no GRE): a raw-IP link', () => {
    const onGre = t.captures.filter((c) => c.interface === 'gre1');
    expect(onGre.length).toBeGreaterThan(0);
    for (const c of onGre) {
      expect(c.link).toBe('raw');
      expect(c.layers[0]!.proto).toBe('ipv4');
      expect(greOf(c)).toBeUndefined();
    }
  });

  it('tcpdump prints the GRE version and its length (GRE header included)', () => {
    const req = echoes(t, 'request', 'host1', 'eth0', 'tx')[0]!;
    expect(formatTcpdump(req, { link: false })).toMatch(
      /^IP 192\.168\.1\.11 > 192\.168\.2\.12: GREv0, length 88: IP 172\.16\.1\.2 > 172\.16\.2\.2: ICMP echo request, id \d+, seq 1, length 64$/,
    );
  });
});

describe('gre-overlay: the other flows', () => {
  it("c1-big-ping: 1488 bytes with DF do not fit gre1's 1476 (1500 - 20 - 4): frag needed, mtu 1476", () => {
    const t = trace('gre-overlay', 'c1-big-ping');
    expect(t.verdict).toBe('dropped');
    const err = t.captures.find((c) => c.netns === 'c1' && c.direction === 'rx' && icmpOf(c)?.type === 3)!;
    expect(icmpOf(err)).toMatchObject({ type: 3, code: 4, mtu: 1476 });
    expect(t.captures.some((c) => greOf(c) !== undefined)).toBe(false);
  });

  it('tunnel-down-on-host2: gre_rcv finds no tunnel that is up and answers ICMP port unreachable', () => {
    const t = trace('gre-overlay', 'tunnel-down-on-host2');
    expect(t.verdict).toBe('dropped');
    const err = t.captures.find(
      (c) => c.netns === 'host2' && c.interface === 'eth0' && c.direction === 'tx' && icmpOf(c)?.type === 3,
    )!;
    expect(ip(err)).toMatchObject({ src: '192.168.2.12', dst: '192.168.1.11' });
    expect(icmpOf(err)).toMatchObject({ type: 3, code: 3 });
    // print-icmp.c reads the quoted "port" at bytes 2-3 after the IP header: GRE's type 0x0800.
    expect(formatTcpdump(err, { link: false })).toContain(
      'ICMP 192.168.2.12 protocol 47 port 2048 unreachable',
    );
    // The error goes to host1, which has no socket for it: c1 hears nothing.
    expect(echoes(t, 'reply', 'c1', 'eth0', 'rx')).toHaveLength(0);
  });

  it('key-mismatch: `key 7` adds the K bit and 4 bytes; an unkeyed tunnel does not take it', () => {
    const t = trace('gre-overlay', 'key-mismatch');
    expect(t.verdict).toBe('dropped');
    const req = echoes(t, 'request', 'host1', 'eth0', 'tx')[0]!;
    expect(greOf(req)).toEqual({ proto: 'gre', protocol: 0x0800, key: 7 });
    expect(req.length).toBe(126);
    expect(formatTcpdump(req, { link: false })).toContain('GREv0, key=0x7, length 92: ');
    const bytes = encodePacket(req);
    // After Ethernet (14) and IPv4 (20): flags 0x2000 (K), type 0x0800, key 7.
    expect([...bytes.subarray(34, 42)]).toEqual([0x20, 0x00, 0x08, 0x00, 0, 0, 0, 7]);
    expect(t.captures.some((c) => c.netns === 'host2' && c.direction === 'tx' && icmpOf(c)?.code === 3)).toBe(
      true,
    );
  });
});

describe('gre-overlay: the tools', () => {
  it('`ip -d link show gre1`: point-to-point, @NONE, link/gre local peer remote, gre options', () => {
    const out = run('host1', 'ip -d link show gre1').split('\n');
    expect(out[0]).toMatch(
      /^\d+: gre1@NONE: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1476 qdisc noqueue state UNKNOWN /,
    );
    expect(out[1]).toBe('    link/gre 192.168.1.11 peer 192.168.2.12');
    expect(out[2]).toBe('    gre remote 192.168.2.12 local 192.168.1.11 ttl 255');
  });

  it('loading ip_gre created gre0 in every namespace: down, NOARP, open at both ends, MTU 1476', () => {
    for (const ns of ['host1', 'c1', 'r1'].slice(0, 2)) {
      const out = run(ns, 'ip -d link show gre0').split('\n');
      expect(out[0]).toMatch(/^\d+: gre0@NONE: <NOARP> mtu 1476 qdisc noop state DOWN /);
      expect(out[1]).toBe('    link/gre 0.0.0.0 brd 0.0.0.0');
      expect(out[2]).toBe('    gre remote any local any ttl inherit nopmtudisc');
    }
    // r1 never made a GRE link: no module, no gre0.
    expect(run('r1', 'ip link show')).not.toContain('gre0');
  });

  it('`ip tunnel show` lists gre0 and gre1 as iptunnel.c prints them; gre0 cannot be deleted', () => {
    expect(run('host1', 'ip tunnel show').split('\n')).toEqual([
      'gre0: gre/ip remote any local any ttl inherit nopmtudisc',
      'gre1: gre/ip remote 192.168.2.12 local 192.168.1.11 ttl 255',
    ]);
    expect(() => run('host1', 'ip tunnel del gre0')).toThrow(
      'delete tunnel "gre0" failed: Operation not permitted',
    );
    expect(() => run('host1', 'ip tunnel del eth0')).toThrow(
      'delete tunnel "eth0" failed: Operation not supported',
    );
    expect(run('host1', 'ip tunnel show', ['host1: ip tunnel del gre1'])).not.toContain('gre1');
  });

  it('a key prints in decimal in `ip tunnel`, as a dotted quad in `ip -d link`', () => {
    const before = ['host1: ip link add gre7 type gre remote 192.168.2.99 local 192.168.1.11 key 7'];
    expect(run('host1', 'ip tunnel show gre7', before)).toContain(
      'gre7: gre/ip remote 192.168.2.99 local 192.168.1.11 ttl inherit key 7',
    );
    const d = run('host1', 'ip -d link show gre7', before).split('\n');
    expect(d[0]).toContain(' mtu 1472 ');
    expect(d[2]).toBe('    gre remote 192.168.2.99 local 192.168.1.11 ttl inherit ikey 0.0.0.7 okey 0.0.0.7');
  });

  it('refuses what iproute2 and the kernel refuse', () => {
    expect(() =>
      run('host1', 'ip tunnel add gre9 mode gre remote 192.168.2.12 local 192.168.1.11 ttl 255'),
    ).toThrow('add tunnel "gre0" failed: File exists'); // tnl_add_ioctl names the fallback gre0
    expect(() => run('host1', 'ip link add gre9 type gre key x')).toThrow(
      'invalid value for "key": "x"; it should be an unsigned integer',
    );
    expect(() => run('host1', 'ip tunnel add gre9 mode gre remote 1.2.3.4 ttl 9 nopmtudisc')).toThrow(
      'ttl != 0 and nopmtudisc are incompatible',
    );
  });
});

describe('GRE on the wire', () => {
  it('encodes RFC 2784/2890 headers and decodes them back', () => {
    const pkt: Packet = {
      layers: [
        { proto: 'ipv4', src: '10.0.0.1', dst: '10.0.0.2', ttl: 64, protocol: 47, id: 1, df: true, tos: 0 },
        { proto: 'gre', protocol: 0x0800, key: 0x01020304 },
        { proto: 'ipv4', src: '10.1.0.1', dst: '10.1.0.2', ttl: 63, protocol: 1, id: 2, df: true, tos: 0 },
        { proto: 'icmp', type: 8, code: 0, id: 5, seq: 1 },
      ],
      payload: 56,
    };
    const bytes = encodePacket(pkt);
    expect(bytes.length).toBe(20 + 8 + 84);
    expect([...bytes.subarray(20, 28)]).toEqual([0x20, 0x00, 0x08, 0x00, 1, 2, 3, 4]);
    expect(decodePacket(bytes, 'ipv4')).toEqual(pkt);
  });
});
