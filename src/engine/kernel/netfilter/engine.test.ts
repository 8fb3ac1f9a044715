/**
 * Targets and hook order: what each target does to the packet and to the rest of the
 * traversal, and where in the path each table runs (checked with rule counters and with
 * whole flows through small worlds).
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../scenario/load';
import { traceFlow } from '../../sim/run';
import type { Capture } from '../trace';
import { ipOfSkb, l4OfSkb, nfHost, tcp } from '../../../../test/nf-test-kit';

describe('targets', () => {
  it('ACCEPT ends the chain: later rules are not evaluated', () => {
    const h = nfHost(['iptables -A INPUT -p tcp -j ACCEPT', 'iptables -A INPUT -p tcp']);
    expect(h.hook('INPUT', tcp('10.0.0.5', 40000, '10.0.0.1', 80), { in: 'eth0' })).not.toBeNull();
    expect(h.counters('filter', 'INPUT')).toEqual([1, 0]);
  });

  it('DROP drops; a built-in chain policy DROP drops what no rule accepted', () => {
    const h = nfHost(['iptables -A INPUT -p tcp --dport 22 -j DROP']);
    expect(h.hook('INPUT', tcp('10.0.0.5', 40000, '10.0.0.1', 22), { in: 'eth0' })).toBeNull();
    expect(h.hook('INPUT', tcp('10.0.0.5', 40000, '10.0.0.1', 80), { in: 'eth0' })).not.toBeNull();
    h.sh('iptables -P INPUT DROP');
    expect(h.hook('INPUT', tcp('10.0.0.5', 40001, '10.0.0.1', 80), { in: 'eth0' })).toBeNull();
    // The policy counters count every packet the policy decided, accepted (the port 80 one) or not.
    expect(h.ns.iptables!.tables.filter.chains.get('INPUT')!.counters.packets).toBe(2);
  });

  it('jump: a user chain runs, RETURN (or its end) comes back to the next rule of the caller', () => {
    const h = nfHost([
      'iptables -N CHECK',
      'iptables -A CHECK -s 10.0.0.5 -j RETURN',
      'iptables -A CHECK -p tcp',
      'iptables -A INPUT -j CHECK',
      'iptables -A INPUT -p tcp',
    ]);
    h.hook('INPUT', tcp('10.0.0.5', 40000, '10.0.0.1', 80), { in: 'eth0' });
    expect(h.counters('filter', 'CHECK')).toEqual([1, 0]);
    expect(h.counters('filter', 'INPUT')).toEqual([1, 1]);
    h.hook('INPUT', tcp('10.0.0.6', 40000, '10.0.0.1', 80), { in: 'eth0' });
    expect(h.counters('filter', 'CHECK')).toEqual([1, 1]);
    expect(h.counters('filter', 'INPUT')).toEqual([2, 2]);
  });

  it('goto: falling off the end of a chain reached by -g returns past the caller (to the policy)', () => {
    const h = nfHost([
      'iptables -N G',
      'iptables -A G -p tcp',
      'iptables -A INPUT -g G',
      'iptables -A INPUT -p tcp -j DROP',
    ]);
    expect(h.hook('INPUT', tcp('10.0.0.5', 40000, '10.0.0.1', 80), { in: 'eth0' })).not.toBeNull();
    expect(h.counters('filter', 'G')).toEqual([1]);
    expect(h.counters('filter', 'INPUT')).toEqual([1, 0]);
  });

  it('LOG logs and the traversal continues', () => {
    const h = nfHost(['iptables -A INPUT -j LOG --log-prefix "in: "', 'iptables -A INPUT -j DROP']);
    expect(h.hook('INPUT', tcp('10.0.0.5', 40000, '10.0.0.1', 80), { in: 'eth0' })).toBeNull();
    expect(h.counters('filter', 'INPUT')).toEqual([1, 1]);
  });

  it('MARK --set-xmark value/mask: zero the mask bits, then XOR the value', () => {
    const h = nfHost([
      'iptables -t mangle -A PREROUTING -j MARK --set-xmark 0x4000/0xf0f0',
      'iptables -A INPUT -m mark --mark 0x400f',
    ]);
    const s = h.hook('PREROUTING', { ...tcp('10.0.0.5', 40000, '10.0.0.1', 80), mark: 0xff }, { in: 'eth0' });
    // (0xff & ~0xf0f0) ^ 0x4000 = 0x400f
    expect(s!.mark).toBe(0x400f);
    h.hook('INPUT', s!, { in: 'eth0' });
    expect(h.counters('filter', 'INPUT')).toEqual([1]);
    // --set-mark is --set-xmark V/0xffffffff: the whole mark is replaced.
    h.sh('iptables -t mangle -A INPUT -j MARK --set-mark 0x1');
    const t = h.hook('INPUT', s!, { in: 'eth0' });
    expect(t!.mark).toBe(0x1);
    expect(h.sh('iptables -t mangle -S INPUT')).toContain('-j MARK --set-xmark 0x1/0xffffffff');
  });

  it('SNAT rewrites the source in POSTROUTING, keeping the port when it is free', () => {
    const h = nfHost(['iptables -t nat -A POSTROUTING -o eth1 -j SNAT --to-source 192.0.2.1']);
    const out = h.forward(tcp('10.0.0.5', 40000, '192.0.2.9', 80), 'eth0', 'eth1');
    expect(ipOfSkb(out)).toMatchObject({ src: '192.0.2.1', dst: '192.0.2.9' });
    expect(l4OfSkb(out)).toMatchObject({ sport: 40000, dport: 80 });
  });

  it("MASQUERADE takes the outgoing interface's address for the route to the destination", () => {
    const h = nfHost(['iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE']);
    const out = h.forward(tcp('10.0.0.5', 40000, '192.0.2.9', 80), 'eth0', 'eth1');
    expect(ipOfSkb(out)?.src).toBe('192.0.2.1');
  });

  it('DNAT rewrites destination address and port in PREROUTING', () => {
    const h = nfHost([
      'iptables -t nat -A PREROUTING -d 10.0.0.1 -p tcp --dport 8080 -j DNAT --to-destination 192.0.2.9:80',
    ]);
    const s = h.hook('PREROUTING', tcp('10.0.0.5', 40000, '10.0.0.1', 8080), { in: 'eth0' });
    expect(ipOfSkb(s)).toMatchObject({ src: '10.0.0.5', dst: '192.0.2.9' });
    expect(l4OfSkb(s)?.dport).toBe(80);
  });

  it("REDIRECT goes to the incoming interface's primary address, or 127.0.0.1 for local traffic", () => {
    const h = nfHost([
      'ip addr add 192.0.2.77/24 dev eth1',
      'iptables -t nat -A PREROUTING -p tcp --dport 80 -j REDIRECT --to-ports 3128',
      'iptables -t nat -A OUTPUT -p tcp --dport 80 -j REDIRECT --to-ports 3128',
    ]);
    const s = h.hook('PREROUTING', tcp('192.0.2.9', 40000, '203.0.113.10', 80), { in: 'eth1' });
    expect(ipOfSkb(s)?.dst).toBe('192.0.2.1');
    expect(l4OfSkb(s)?.dport).toBe(3128);
    const o = h.hook('OUTPUT', tcp('10.0.0.1', 40000, '203.0.113.10', 80), { out: 'eth1' });
    expect(ipOfSkb(o)?.dst).toBe('127.0.0.1');
    expect(l4OfSkb(o)?.dport).toBe(3128);
  });
});

describe('hook order', () => {
  it('raw runs before conntrack: it sees no state yet, mangle right after sees NEW', () => {
    const h = nfHost([
      'iptables -t raw -A PREROUTING -m conntrack --ctstate NEW',
      'iptables -t raw -A PREROUTING -m conntrack --ctstate INVALID',
      'iptables -t mangle -A PREROUTING -m conntrack --ctstate NEW',
    ]);
    h.hook('PREROUTING', tcp('10.0.0.5', 40000, '10.0.0.1', 80), { in: 'eth0' });
    expect(h.counters('raw', 'PREROUTING')).toEqual([0, 1]);
    expect(h.counters('mangle', 'PREROUTING')).toEqual([1]);
  });

  it('SNAT is last: FORWARD and mangle POSTROUTING still see the original source', () => {
    const h = nfHost([
      'iptables -A FORWARD -s 10.0.0.5',
      'iptables -t mangle -A POSTROUTING -s 10.0.0.5',
      'iptables -t nat -A POSTROUTING -s 10.0.0.5 -j SNAT --to-source 192.0.2.1',
    ]);
    const out = h.forward(tcp('10.0.0.5', 40000, '192.0.2.9', 80), 'eth0', 'eth1');
    expect(h.counters('filter', 'FORWARD')).toEqual([1]);
    expect(h.counters('mangle', 'POSTROUTING')).toEqual([1]);
    expect(ipOfSkb(out)?.src).toBe('192.0.2.1');
  });

  it('filter FORWARD sees the destination DNAT already wrote in PREROUTING', () => {
    const h = nfHost([
      'iptables -t nat -A PREROUTING -d 10.0.0.1 -p tcp --dport 8080 -j DNAT --to-destination 192.0.2.9:80',
      'iptables -A FORWARD -d 192.0.2.9 -p tcp --dport 80',
    ]);
    h.forward(tcp('10.0.0.5', 40000, '10.0.0.1', 8080), 'eth0', 'eth1');
    expect(h.counters('filter', 'FORWARD')).toEqual([1]);
  });

  const world = (extra: string) =>
    loadScenario(
      `version: 1
id: nf-order
group: NAT
concept: { en: x, zh: x }
title: { en: x, zh: x }
description: { en: x, zh: x }
segments: { lan: {}, dmz: {} }
machines:
  a:
    nics: [{ name: eth0, segment: lan, addr: 10.0.0.2/24 }]
    setup: [ip route add default via 10.0.0.1]
  r:
    nics:
      - { name: eth0, segment: lan, addr: 10.0.0.1/24 }
      - { name: eth1, segment: dmz, addr: 192.0.2.1/24 }
    setup:
      - sysctl -w net.ipv4.ip_forward=1
      - ip route add default via 10.0.0.2
${extra}
  b:
    nics: [{ name: eth0, segment: dmz, addr: 192.0.2.2/24 }]
    setup: [ip route add default via 192.0.2.1]
servers:
  - { netns: b, listen: tcp/80, process: nginx, reply: 100 }
  - { netns: b, listen: udp/53, process: dns }
flows:
  - { id: a-to-r, netns: a, command: curl http://10.0.0.1/, title: { en: x, zh: x } }
  - { id: r-out, netns: r, command: curl http://203.0.113.99/, title: { en: x, zh: x } }
  - { id: a-to-b, netns: a, command: curl http://192.0.2.2/, title: { en: x, zh: x } }
  - { id: a-udp, netns: a, command: nc -u 192.0.2.2 5353, title: { en: x, zh: x } }
  - { id: a-ping-b, netns: a, command: ping -c 1 192.0.2.2, title: { en: x, zh: x } }
`,
      'nf-order.yaml',
    );
  const syns = (t: { captures: Capture[] }, netns: string, iface: string, dir: 'tx' | 'rx') =>
    t.captures.filter(
      (c) =>
        c.netns === netns &&
        c.interface === iface &&
        c.direction === dir &&
        c.layers.some((l) => l.proto === 'tcp' && l.flags === 'S'),
    );

  it('nat PREROUTING runs before the routing decision: a DNAT of a local address is forwarded', () => {
    const plain = traceFlow(world(''), 'a-to-r');
    expect(plain.verdict).toBe('refused'); // nothing listens on r:80
    const t = traceFlow(
      world(
        '      - iptables -t nat -A PREROUTING -d 10.0.0.1 -p tcp --dport 80 -j DNAT --to-destination 192.0.2.2',
      ),
      'a-to-r',
    );
    expect(t.verdict).toBe('delivered');
    const syn = syns(t, 'b', 'eth0', 'rx')[0]!;
    expect(syn.layers.find((l) => l.proto === 'ipv4')).toMatchObject({
      src: '10.0.0.2',
      dst: '192.0.2.2',
      ttl: 63,
    });
  });

  it('a DNAT in OUTPUT re-routes the locally generated packet', () => {
    const t = traceFlow(
      world(
        '      - iptables -t nat -A OUTPUT -d 203.0.113.99 -p tcp --dport 80 -j DNAT --to-destination 192.0.2.2',
      ),
      'r-out',
    );
    expect(t.verdict).toBe('delivered');
    // Without the DNAT the default route would send it out of eth0; after it, eth1.
    expect(syns(t, 'r', 'eth0', 'tx')).toHaveLength(0);
    // The socket's source address was chosen by the first route and stays (no SNAT here).
    expect(syns(t, 'r', 'eth1', 'tx')[0]!.layers.find((l) => l.proto === 'ipv4')).toMatchObject({
      src: '10.0.0.1',
      dst: '192.0.2.2',
    });
    expect(t.events.some((e) => e.explain.code === 'route.reroute')).toBe(true);
  });

  it('REJECT sends ICMP port unreachable by default, and a TCP reset with --reject-with tcp-reset', () => {
    const icmp = traceFlow(world('      - iptables -A FORWARD -d 192.0.2.2 -p tcp -j REJECT'), 'a-to-b');
    const err = icmp.captures.find(
      (c) =>
        c.netns === 'r' &&
        c.interface === 'eth0' &&
        c.direction === 'tx' &&
        c.layers.some((l) => l.proto === 'icmp'),
    )!;
    expect(err.layers[1]).toMatchObject({ proto: 'ipv4', src: '10.0.0.1', dst: '10.0.0.2' });
    expect(err.layers[2]).toMatchObject({ proto: 'icmp', type: 3, code: 3 });
    // It quotes the rejected SYN.
    expect(err.layers[3]).toMatchObject({ proto: 'ipv4', src: '10.0.0.2', dst: '192.0.2.2' });
    expect(icmp.captures.some((c) => c.netns === 'b' && c.layers.some((l) => l.proto === 'tcp'))).toBe(false);

    const rst = traceFlow(
      world('      - iptables -A FORWARD -d 192.0.2.2 -p tcp -j REJECT --reject-with tcp-reset'),
      'a-to-b',
    );
    expect(rst.verdict).toBe('refused');
    const r = rst.captures.find(
      (c) =>
        c.netns === 'a' &&
        c.direction === 'rx' &&
        c.layers.some((l) => l.proto === 'tcp' && l.flags.includes('R')),
    )!;
    // The reset comes from the address the SYN was sent to, not from the router.
    expect(r.layers[1]).toMatchObject({ src: '192.0.2.2', dst: '10.0.0.2' });
  });

  it('REJECT of UDP: port unreachable, which reaches the sender as an error', () => {
    const t = traceFlow(
      world('      - iptables -A FORWARD -p udp -j REJECT --reject-with icmp-port-unreachable'),
      'a-udp',
    );
    const err = t.captures.find(
      (c) => c.netns === 'a' && c.direction === 'rx' && c.layers.some((l) => l.proto === 'icmp'),
    )!;
    expect(err.layers[2]).toMatchObject({ type: 3, code: 3 });
  });

  it('ICMP echo passes a FORWARD that only allows established traffic back', () => {
    const t = traceFlow(
      world(
        [
          '      - iptables -P FORWARD DROP',
          '      - iptables -A FORWARD -i eth0 -j ACCEPT',
          '      - iptables -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
        ].join('\n'),
      ),
      'a-ping-b',
    );
    expect(t.verdict).toBe('delivered');
  });
});
