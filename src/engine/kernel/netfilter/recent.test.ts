/**
 * -m recent (xt_recent): the rules as iptables 1.8.9 prints them, and the lists it keeps per
 * namespace. Expected texts are what the real iptables-save and iptables -L printed for the
 * same commands in a scratch network namespace; the behaviour follows recent_mt in
 * net/netfilter/xt_recent.c (a --set records the address; --rcheck matches a sighting within
 * --seconds; --reap forgets older ones).
 */
import { describe, expect, it } from 'vitest';
import { nfHost, udp } from '../../../../test/nf-test-kit';
import { CommandError } from '../errors';

describe('-m recent as iptables writes it', () => {
  it('saves and lists the options in the module order, with the defaults it fills in', () => {
    const h = nfHost([
      'iptables -t nat -N X',
      'iptables -t nat -A X -m comment --comment "a -> b" -m recent --name KUBE-SEP-X --rcheck --seconds 10800 --reap -j ACCEPT',
      'iptables -t nat -A X -m recent --name KUBE-SEP-X --set -m tcp -p tcp -j DNAT --to-destination 10.0.0.1:80',
      'iptables -t nat -A X -m recent --update --seconds 5 --hitcount 2 --rttl --rdest --mask 255.255.255.0',
    ]);
    expect(h.sh('iptables -t nat -S X').split('\n')).toEqual([
      '-N X',
      '-A X -m comment --comment "a -> b" -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-X --mask 255.255.255.255 --rsource -j ACCEPT',
      '-A X -p tcp -m recent --set --name KUBE-SEP-X --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination 10.0.0.1:80',
      '-A X -m recent --update --seconds 5 --hitcount 2 --rttl --name DEFAULT --mask 255.255.255.0 --rdest',
    ]);
    expect(h.sh('iptables -t nat -L X -n').split('\n').slice(2)).toEqual([
      'ACCEPT     0    --  0.0.0.0/0            0.0.0.0/0            /* a -> b */ recent: CHECK seconds: 10800 reap name: KUBE-SEP-X side: source mask: 255.255.255.255',
      'DNAT       6    --  0.0.0.0/0            0.0.0.0/0            recent: SET name: KUBE-SEP-X side: source mask: 255.255.255.255 tcp to:10.0.0.1:80',
      '           0    --  0.0.0.0/0            0.0.0.0/0            recent: UPDATE seconds: 5 hit_count: 2 TTL-Match name: DEFAULT side: dest mask: 255.255.255.0',
    ]);
  });

  it('refuses --reap without --seconds and two commands, in iptables words', () => {
    const h = nfHost();
    const err = (line: string): string => {
      try {
        h.sh(line);
      } catch (e) {
        if (e instanceof CommandError) return e.message.split('\n')[0]!;
      }
      return 'no error';
    };
    expect(err('iptables -A INPUT -m recent --rcheck --reap')).toBe(
      'iptables v1.8.9 (nf_tables): recent: option "--reap" also requires "--seconds".',
    );
    expect(err('iptables -A INPUT -m recent --rcheck --set')).toBe(
      'iptables v1.8.9 (nf_tables): recent: option "--set" cannot be used together with "--rcheck".',
    );
  });
});

describe('xt_recent lists', () => {
  const rules = [
    'iptables -A INPUT -m recent --name AFF --rcheck --seconds 10 --reap -j ACCEPT',
    'iptables -A INPUT -m recent --name AFF --set',
  ];

  it('a --rcheck matches only an address a --set recorded, within --seconds', () => {
    const h = nfHost(rules);
    h.input(udp('10.0.0.5', 1000, '10.0.0.1', 53), 'eth0');
    expect(h.counters('filter', 'INPUT')).toEqual([0, 1]);
    h.input(udp('10.0.0.5', 1001, '10.0.0.1', 53), 'eth0');
    expect(h.counters('filter', 'INPUT')).toEqual([1, 1]);
    // Another client is not in the list.
    h.input(udp('10.0.0.6', 1000, '10.0.0.1', 53), 'eth0');
    expect(h.counters('filter', 'INPUT')).toEqual([1, 2]);
    // Past --seconds the sighting no longer counts, and --reap removes it.
    h.world.sched.now += 11_000_000;
    h.input(udp('10.0.0.5', 1002, '10.0.0.1', 53), 'eth0');
    expect(h.counters('filter', 'INPUT')).toEqual([1, 3]);
  });

  it('keeps one set of lists per namespace', () => {
    const a = nfHost(rules);
    const b = nfHost(rules);
    a.input(udp('10.0.0.5', 1000, '10.0.0.1', 53), 'eth0');
    b.input(udp('10.0.0.5', 1001, '10.0.0.1', 53), 'eth0');
    expect(b.counters('filter', 'INPUT')).toEqual([0, 1]);
  });
});
