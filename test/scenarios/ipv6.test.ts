/**
 * Catalog facts for ipv6-basics (../shared/SCENARIOS.md). Expected values come from the same
 * topology built in namespaces on this kernel (6.18): `ip -6 addr`, `ip -6 route`,
 * `ip -6 neigh`, ping's output and tcpdump of every interface.
 */
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/engine';
import { finalRows, trace, world, icmp6 } from '../helpers';

describe('ipv6-basics: the world the commands build', () => {
  const { world: w } = world('ipv6-basics');
  const run = (ns: string, line: string): string =>
    runCommand({ world: w, machine: w.machines.get('host')!, ns: w.netns.get(ns)!, origin: 'test' }, line)
      .output;

  it('gives each interface its EUI-64 link-local address after the global one', () => {
    expect(run('a', 'ip -6 addr show dev a0').split('\n').slice(1)).toEqual([
      '    inet6 2001:db8:1::10/64 scope global nodad ',
      '       valid_lft forever preferred_lft forever',
      '    inet6 fe80::ff:fe00:a/64 scope link ',
      '       valid_lft forever preferred_lft forever',
    ]);
  });

  it('lists the routes as ip -6 route does', () => {
    expect(run('a', 'ip -6 route')).toBe(
      [
        '2001:db8:1::/64 dev a0 proto kernel metric 256 pref medium',
        'fe80::/64 dev a0 proto kernel metric 256 pref medium',
        'default via 2001:db8:1::1 dev a0 metric 1024 pref medium',
      ].join('\n'),
    );
    expect(run('a', 'ip -6 route show table local')).toBe(
      [
        'local 2001:db8:1::10 dev a0 proto kernel metric 0 pref medium',
        'local fe80::ff:fe00:a dev a0 proto kernel metric 0 pref medium',
        'multicast ff00::/8 dev a0 proto kernel metric 256 pref medium',
      ].join('\n'),
    );
  });

  it('refuses what the kernel refuses', () => {
    const fail = (line: string): string => {
      try {
        return run('a', line);
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(fail('ip -6 route add 2001:db8:9::/64 via 2001:db8:5::1')).toBe(
      'RTNETLINK answers: No route to host',
    );
    expect(fail('ip -6 route add 2001:db8:9::/64 via fe80::1')).toBe('Error: Egress device not specified.');
    expect(fail('ip -6 addr add 2001:db8:1::10/64 dev a0')).toBe('Error: ipv6: address already assigned.');
    expect(fail('ip -6 addr del 2001:db8:7::1/64 dev a0')).toBe('Error: ipv6: address not found.');
  });
});

describe('ipv6-basics: a-ping-b', () => {
  const t = trace('ipv6-basics', 'a-ping-b');

  it('is delivered, with the hop limit one lower', () => {
    expect(t.verdict).toBe('delivered');
    expect(t.output).toContain('PING 2001:db8:2::20(2001:db8:2::20) 56 data bytes');
    expect(t.output).toContain('64 bytes from 2001:db8:2::20: icmp_seq=1 ttl=63');
  });

  it('asks for the gateway with a solicitation to its solicited-node group, not ARP', () => {
    expect(t.captures.some((c) => c.layers.some((l) => l.proto === 'arp'))).toBe(false);
    const [ns] = icmp6(t, 'a', 'a0', 'tx', 135);
    expect(ns?.layers[0]).toMatchObject({ dst: '33:33:ff:00:00:01' });
    expect(ns?.layers[1]).toMatchObject({ src: '2001:db8:1::10', dst: 'ff02::1:ff00:1', hlim: 255 });
    expect(ns?.layers[2]).toMatchObject({ target: '2001:db8:1::1', lladdr: '02:00:00:00:00:0a' });
    const [na] = icmp6(t, 'r', 'r0', 'tx', 136);
    // Router, solicited, override; the target's MAC in the option, sent to the asker's MAC.
    expect(na?.layers[2]).toMatchObject({
      target: '2001:db8:1::1',
      flags: 0xe0,
      lladdr: '02:00:00:00:01:00',
    });
    expect(na?.layers[0]).toMatchObject({ dst: '02:00:00:00:00:0a' });
  });

  it("has the router solicit b from its link-local address, the packet's source not being its own", () => {
    const [ns] = icmp6(t, 'r', 'r1', 'tx', 135);
    expect(ns?.layers[1]).toMatchObject({ src: 'fe80::ff:fe00:101', dst: 'ff02::1:ff00:20' });
    const [na] = icmp6(t, 'b', 'b0', 'tx', 136);
    expect(na?.layers[1]).toMatchObject({ src: '2001:db8:2::20', dst: 'fe80::ff:fe00:101' });
    expect(na?.layers[2]).toMatchObject({ flags: 0x60 });
  });

  it('leaves the neighbour tables as ip -6 neigh shows them', () => {
    expect(finalRows(t, 'a', 'neigh')).toContain(
      '2001:db8:1::1 dev a0 lladdr 02:00:00:00:01:00 router REACHABLE',
    );
  });
});

describe('ipv6-basics: the errors a router sends', () => {
  it('answers hop limit 1 with time exceeded from its address on the way back', () => {
    const t = trace('ipv6-basics', 'a-ping-b-hop-limit-1');
    expect(t.output).toContain('From 2001:db8:1::1 icmp_seq=1 Time exceeded: Hop limit');
    const [err] = icmp6(t, 'r', 'r0', 'tx', 3);
    expect(err?.layers[1]).toMatchObject({ src: '2001:db8:1::1', dst: '2001:db8:1::10', hlim: 64 });
  });

  it('answers a destination it has no route to with unreachable route', () => {
    const t = trace('ipv6-basics', 'a-ping-no-route');
    expect(t.output).toContain('From 2001:db8:1::1 icmp_seq=1 Destination unreachable: No route');
    expect(icmp6(t, 'r', 'r0', 'tx', 1)[0]?.layers[2]).toMatchObject({ type: 1, code: 0 });
  });

  it('reaches a link-local address only with its interface', () => {
    const t = trace('ipv6-basics', 'a-ping-router-link-local');
    expect(t.output).toContain('64 bytes from fe80::ff:fe00:100%a0: icmp_seq=1 ttl=64');
  });
});
