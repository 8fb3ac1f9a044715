/**
 * docker-ipv6: docker0 with both families. Expected values come from the same commands run
 * in namespaces on this kernel (6.18): `ip -6 addr` on docker0 lists the EUI-64 link-local
 * address before fe80::1 (the bridge had no carrier when dockerd added fe80::1, so the
 * kernel made its own only when the first port came up), and tcpdump on every port.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildWorld, loadScenario, runCommand } from '../../src/engine';
import { trace, world, icmp6 } from '../helpers';

describe('docker-ipv6: what dockerd builds', () => {
  const { world: w } = world('docker-ipv6');
  const run = (ns: string, line: string): string =>
    runCommand({ world: w, machine: w.machines.get('host1')!, ns: w.netns.get(ns)!, origin: 'test' }, line)
      .output;

  it("gives docker0 fd00::1 and fe80::1, with the kernel's own link-local address listed between", () => {
    expect(run('host1', 'ip -6 addr show dev docker0').split('\n').slice(1)).toEqual([
      '    inet6 fd00::1/64 scope global ',
      '       valid_lft forever preferred_lft forever',
      '    inet6 fe80::42:5dff:fe1c:9a0e/64 scope link ',
      '       valid_lft forever preferred_lft forever',
      '    inet6 fe80::1/64 scope link ',
      '       valid_lft forever preferred_lft forever',
    ]);
  });

  it('makes each container address from its MAC, with a default route via fd00::1', () => {
    expect(run('c2', 'ip -6 addr show dev eth0')).toContain('inet6 fd00::242:ac11:3/64 scope global');
    expect(run('c1', 'ip -6 route')).toBe(
      [
        'fd00::/64 dev eth0 proto kernel metric 256 pref medium',
        'fe80::/64 dev eth0 proto kernel metric 256 pref medium',
        'default via fd00::1 dev eth0 metric 1024 pref medium',
      ].join('\n'),
    );
    expect(run('c1', 'ip -4 route')).toContain('default via 172.17.0.1 dev eth0');
    expect(run('host1', 'sysctl net.ipv6.conf.all.forwarding')).toBe('net.ipv6.conf.all.forwarding = 1');
  });

  it('answers docker inspect with the IPv6 fields Docker names', () => {
    expect(run('host1', "docker inspect -f '{{.NetworkSettings.GlobalIPv6Address}}' c1")).toBe(
      'fd00::242:ac11:2',
    );
    expect(run('host1', "docker inspect -f '{{.NetworkSettings.IPv6Gateway}}' c1")).toBe('fd00::1');
  });

  it('refuses a prefix without 48 host bits, in libnetwork words', () => {
    const yaml = readYaml().replace('fixedCidrV6: fd00::/64', 'fixedCidrV6: fd00::/96');
    expect(() => buildWorld(loadScenario(yaml, 'docker-ipv6.yaml'))).toThrow(
      'Cannot self generate an IPv6 address on network fd00::/96: At least 48 host bits are needed.',
    );
  });
});

describe('docker-ipv6: c1-ping6-c2', () => {
  const t = trace('docker-ipv6', 'c1-ping6-c2');

  it('is delivered with hop limit 64, switched at L2', () => {
    expect(t.verdict).toBe('delivered');
    expect(t.output).toContain('64 bytes from fd00::242:ac11:3: icmp_seq=1 ttl=64');
    const [req] = icmp6(t, 'c2', 'eth0', 'rx', 128);
    expect(req?.layers[1]).toMatchObject({ src: 'fd00::242:ac11:2', dst: 'fd00::242:ac11:3', hlim: 64 });
    expect(t.events.some((e) => e.netns === 'host1' && e.kind === 'forward')).toBe(false);
  });

  it("floods the solicitation for c2's solicited-node group to every port and to docker0 itself", () => {
    expect(t.captures.some((c) => c.layers.some((l) => l.proto === 'arp'))).toBe(false);
    const [ns] = icmp6(t, 'c1', 'eth0', 'tx', 135);
    expect(ns?.layers[0]).toMatchObject({ dst: '33:33:ff:11:00:03' });
    expect(ns?.layers[1]).toMatchObject({ dst: 'ff02::1:ff11:3', hlim: 255 });
    // No MLD querier on docker0, so snooping never prunes: the port and the bridge see it.
    expect(icmp6(t, 'host1', 'vethb41c9d0', 'tx', 135)).toHaveLength(1);
    expect(icmp6(t, 'host1', 'docker0', 'rx', 135)).toHaveLength(1);
    const [na] = icmp6(t, 'c2', 'eth0', 'tx', 136);
    expect(na?.layers[0]).toMatchObject({ dst: '02:42:ac:11:00:02' });
    expect(na?.layers[2]).toMatchObject({ target: 'fd00::242:ac11:3', flags: 0x60 });
  });
});

describe('docker-ipv6: c1-ping6-c2 in IPv6 words', () => {
  const t = trace('docker-ipv6', 'c1-ping6-c2');

  it('calls the resolution neighbour discovery and the flood multicast, not ARP and broadcast', () => {
    expect(t.hops.find((h) => h.kind === 'resolve')?.title).toBe(
      'Neighbour discovery in c1: who has fd00::242:ac11:3 on eth0?',
    );
    const flood = t.events.find((e) => e.kind === 'bridge-flood');
    expect(flood?.explain.code).toBe('bridge.flood-multicast');
    const fwd = t.events.find((e) => e.kind === 'bridge-forward');
    expect(fwd?.explain.code).toBe('bridge.forward6');
  });

  it('draws each interface with its global IPv6 address after its IPv4 one, as ip addr lists them', () => {
    const c1 = t.topology.netns.find((n) => n.name === 'c1')?.interfaces.find((i) => i.name === 'eth0');
    expect(c1?.addrs).toEqual(['172.17.0.2/16', 'fd00::242:ac11:2/64']);
  });

  it('reads the echo reply as the reply, not as an ICMP error', () => {
    expect(t.hops.some((h) => h.key?.includes('icmp-error'))).toBe(false);
    const reply = t.hops.filter((h) => h.reply);
    expect(reply.length).toBeGreaterThan(0);
    expect(reply.every((h) => h.chapter === 'reply')).toBe(true);
  });
});

describe('docker-ipv6: c1-ping6-host', () => {
  it("is answered by host1 on docker0's fd00::1", () => {
    const t = trace('docker-ipv6', 'c1-ping6-host');
    expect(t.verdict).toBe('delivered');
    expect(t.output).toContain('64 bytes from fd00::1: icmp_seq=1 ttl=64');
    const [reply] = icmp6(t, 'host1', 'docker0', 'tx', 129);
    expect(reply?.layers[1]).toMatchObject({ src: 'fd00::1', dst: 'fd00::242:ac11:2', hlim: 64 });
  });
});

function readYaml(): string {
  return readFileSync('scenarios/docker-ipv6.yaml', 'utf8');
}
