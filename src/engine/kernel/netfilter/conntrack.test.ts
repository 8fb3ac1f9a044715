/**
 * Connection tracking with NAT: the binding is decided by the rules once, on the first
 * packet, and every later packet (both ways, and ICMP errors about it) is translated from
 * the entry; reply tuples stay unique; `conntrack -L` prints the table as the real tool.
 */
import { describe, expect, it } from 'vitest';
import { parseIp } from '../../net/ipv4';
import type { Skb } from '../skb';
import { jhash2, pickAddr } from './nat';
import { ipOfSkb, l4OfSkb, nfHost, tcp, udp } from '../../../../test/nf-test-kit';

const SNAT = 'iptables -t nat -A POSTROUTING -o eth1 -j SNAT --to-source 192.0.2.1';

/** The words a refused command prints (exit status 2 for every one of these, measured). */
function refused(h: ReturnType<typeof nfHost>, line: string): string {
  try {
    h.sh(line);
  } catch (e) {
    expect((e as { status?: number }).status).toBe(2);
    return (e as Error).message;
  }
  throw new Error(`${line}: accepted`);
}

describe('conntrack and NAT', () => {
  it('decides NAT on the first packet and applies it to the rest without the rules', () => {
    const h = nfHost([SNAT]);
    const first = h.forward(tcp('10.0.0.5', 40000, '192.0.2.9', 80, 'S'), 'eth0', 'eth1');
    expect(ipOfSkb(first)?.src).toBe('192.0.2.1');
    h.forward(tcp('192.0.2.9', 80, '192.0.2.1', 40000, 'S.'), 'eth1', 'eth0');
    for (const f of ['.', 'P.', 'F.']) {
      const s = h.forward(tcp('10.0.0.5', 40000, '192.0.2.9', 80, f), 'eth0', 'eth1');
      expect(ipOfSkb(s)?.src).toBe('192.0.2.1');
    }
    // Four packets went out translated; the SNAT rule was consulted (and counted) once.
    expect(h.counters('nat', 'POSTROUTING')).toEqual([1]);
    // A rule added now changes nothing for the existing connection.
    h.sh('iptables -t nat -I POSTROUTING -o eth1 -j SNAT --to-source 192.0.2.200');
    const later = h.forward(tcp('10.0.0.5', 40000, '192.0.2.9', 80, '.'), 'eth0', 'eth1');
    expect(ipOfSkb(later)?.src).toBe('192.0.2.1');
  });

  it('translates replies back: the destination of an SNATed reply, the source of a DNATed one', () => {
    const h = nfHost([
      SNAT,
      'iptables -t nat -A PREROUTING -i eth1 -d 192.0.2.1 -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.7:80',
    ]);
    h.forward(tcp('10.0.0.5', 40000, '192.0.2.9', 80), 'eth0', 'eth1');
    const back = h.forward(tcp('192.0.2.9', 80, '192.0.2.1', 40000, 'S.'), 'eth1', 'eth0');
    expect(ipOfSkb(back)).toMatchObject({ src: '192.0.2.9', dst: '10.0.0.5' });
    expect(l4OfSkb(back)?.dport).toBe(40000);

    const inbound = h.forward(tcp('192.0.2.50', 50000, '192.0.2.1', 8080), 'eth1', 'eth0');
    expect(ipOfSkb(inbound)?.dst).toBe('10.0.0.7');
    const reply = h.forward(tcp('10.0.0.7', 80, '192.0.2.50', 50000, 'S.'), 'eth0', 'eth1');
    expect(ipOfSkb(reply)).toMatchObject({ src: '192.0.2.1', dst: '192.0.2.50' });
    expect(l4OfSkb(reply)?.sport).toBe(8080);
  });

  it('treats an ICMP error about a NATed connection as RELATED and translates outer and quoted headers', () => {
    const h = nfHost([SNAT, 'iptables -A FORWARD -m conntrack --ctstate RELATED']);
    const out = h.forward(udp('10.0.0.5', 40000, '192.0.2.9', 53), 'eth0', 'eth1')!;
    expect(ipOfSkb(out)?.src).toBe('192.0.2.1');
    // 192.0.2.9 answers with port unreachable, quoting the datagram as it received it.
    const err: Skb = {
      id: 1,
      layers: [
        { proto: 'ipv4', src: '192.0.2.9', dst: '192.0.2.1', ttl: 64, protocol: 1, id: 9, df: false, tos: 0 },
        { proto: 'icmp', type: 3, code: 3 },
        ...out.layers,
      ],
      payload: 10,
      mark: 0,
    };
    const back = h.forward(err, 'eth1', 'eth0')!;
    expect(h.counters('filter', 'FORWARD')).toEqual([1]);
    expect(back.layers[0]).toMatchObject({ src: '192.0.2.9', dst: '10.0.0.5' });
    expect(back.layers[2]).toMatchObject({ proto: 'ipv4', src: '10.0.0.5', dst: '192.0.2.9' });
    expect(back.layers[3]).toMatchObject({ proto: 'udp', sport: 40000, dport: 53 });
  });

  it('keeps a source port when the reply tuple is free, and rewrites it only on a clash (PAT)', () => {
    const h = nfHost([SNAT]);
    const a = h.forward(tcp('10.0.0.5', 40000, '192.0.2.9', 80), 'eth0', 'eth1');
    const b = h.forward(tcp('10.0.0.6', 40000, '192.0.2.9', 80), 'eth0', 'eth1');
    const c = h.forward(tcp('10.0.0.6', 40001, '192.0.2.9', 80), 'eth0', 'eth1');
    const d = h.forward(tcp('10.0.0.7', 40000, '192.0.2.10', 80), 'eth0', 'eth1');
    expect(l4OfSkb(a)?.sport).toBe(40000);
    const pb = l4OfSkb(b)!.sport;
    expect(pb).not.toBe(40000);
    expect(pb).toBeGreaterThanOrEqual(1024);
    expect(pb).toBeLessThanOrEqual(65535);
    expect(l4OfSkb(c)?.sport).toBe(40001);
    // Another destination makes another reply tuple: no clash, no rewrite.
    expect(l4OfSkb(d)?.sport).toBe(40000);
    // Replies to the rewritten port go back to the second client on its own port.
    const back = h.forward(tcp('192.0.2.9', 80, '192.0.2.1', pb, 'S.'), 'eth1', 'eth0');
    expect(ipOfSkb(back)?.dst).toBe('10.0.0.6');
    expect(l4OfSkb(back)?.dport).toBe(40000);
  });

  it('a closed connection (TIME_WAIT) still holds its tuple', () => {
    const h = nfHost([SNAT]);
    const o = (f: string) => h.forward(tcp('10.0.0.5', 40000, '192.0.2.9', 80, f), 'eth0', 'eth1');
    const r = (f: string) => h.forward(tcp('192.0.2.9', 80, '192.0.2.1', 40000, f), 'eth1', 'eth0');
    o('S');
    r('S.');
    o('.');
    o('F.');
    r('F.');
    o('.');
    expect(h.sh('conntrack -L')).toMatch(/^tcp +6 120 TIME_WAIT src=10\.0\.0\.5 /);
    expect(l4OfSkb(h.forward(tcp('10.0.0.6', 40000, '192.0.2.9', 80), 'eth0', 'eth1'))?.sport).not.toBe(
      40000,
    );
  });

  it('conntrack -F empties the table and frees the tuples it held (conntrack-tools 1.4.7 words)', () => {
    const h = nfHost([SNAT]);
    h.forward(tcp('10.0.0.5', 40000, '192.0.2.9', 80, 'S'), 'eth0', 'eth1');
    h.forward(tcp('192.0.2.9', 80, '192.0.2.1', 40000, 'S.'), 'eth1', 'eth0');
    expect(h.sh('conntrack -L')).toMatch(/^tcp .* src=10\.0\.0\.5 /);
    // Measured in a namespace: the message goes to stderr, exit status 0.
    expect(h.sh('conntrack -F')).toBe(
      'conntrack v1.4.7 (conntrack-tools): connection tracking table has been emptied.',
    );
    expect(h.sh('conntrack -L')).toBe('conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.');
    // Another client's SYN from the same port keeps it: the old binding is gone.
    expect(l4OfSkb(h.forward(tcp('10.0.0.6', 40000, '192.0.2.9', 80), 'eth0', 'eth1'))?.sport).toBe(40000);
    expect(h.sh('conntrack -F expect')).toBe(
      'conntrack v1.4.7 (conntrack-tools): expectation table has been emptied.',
    );
    expect(refused(h, 'conntrack -F foo')).toContain("unknown type `foo'");
    expect(refused(h, 'conntrack -F -p tcp')).toContain("Illegal option `--protonum' with this command");
    expect(refused(h, 'conntrack -F -s 10.0.0.5')).toContain("Illegal option `--src' with this command");
    expect(refused(h, 'conntrack -F --zzz')).toContain("unknown option `--zzz'");
  });

  it('moves a clashing privileged port within the kernel ranges (below 512 / 600-1023)', () => {
    const h = nfHost([SNAT]);
    for (const [port, lo, hi] of [
      [80, 1, 511],
      [700, 600, 1023],
    ] as const) {
      h.forward(tcp('10.0.0.5', port, '192.0.2.9', 80), 'eth0', 'eth1');
      const p = l4OfSkb(h.forward(tcp('10.0.0.6', port, '192.0.2.9', 80), 'eth0', 'eth1'))!.sport;
      expect(p).not.toBe(port);
      expect(p).toBeGreaterThanOrEqual(lo);
      expect(p).toBeLessThanOrEqual(hi);
    }
  });

  it('picks a pool address by the kernel hash of the addresses (what the lab kernel chose)', () => {
    const range = { addrFrom: parseIp('198.51.100.20')!, addrTo: parseIp('198.51.100.21')! };
    const t = { src: parseIp('10.0.0.12')!, dst: parseIp('203.0.113.10')!, proto: 1, sport: 1, dport: 8 };
    // The real kernel (nat-types, dynamic-nat) gave 10.0.0.12 -> 203.0.113.10 the address .20.
    expect(pickAddr(range, t, 0)).toBe(parseIp('198.51.100.20'));
    // jhash2 of no words is the initial value: 0xdeadbeef + initval.
    expect(jhash2([], 0)).toBe(0xdeadbeef);
    // The same client keeps its address toward the same server.
    expect(pickAddr(range, { ...t, sport: 99 }, 0)).toBe(pickAddr(range, t, 0));
  });
});

describe('conntrack -L', () => {
  it('prints the entries in the tool format, then the count line', () => {
    const h = nfHost([SNAT]);
    h.forward(tcp('10.0.0.5', 40000, '192.0.2.9', 80, 'S'), 'eth0', 'eth1');
    expect(h.sh('conntrack -L').split('\n')).toEqual([
      'tcp      6 120 SYN_SENT src=10.0.0.5 dst=192.0.2.9 sport=40000 dport=80 [UNREPLIED] src=192.0.2.9 dst=192.0.2.1 sport=80 dport=40000 mark=0 use=1',
      'conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.',
    ]);
    h.forward(tcp('192.0.2.9', 80, '192.0.2.1', 40000, 'S.'), 'eth1', 'eth0');
    h.forward(tcp('10.0.0.5', 40000, '192.0.2.9', 80, '.'), 'eth0', 'eth1');
    expect(h.sh('conntrack -L -p tcp').split('\n')[0]).toBe(
      'tcp      6 432000 ESTABLISHED src=10.0.0.5 dst=192.0.2.9 sport=40000 dport=80 src=192.0.2.9 dst=192.0.2.1 sport=80 dport=40000 [ASSURED] mark=0 use=1',
    );
    h.forward(udp('10.0.0.5', 5353, '192.0.2.9', 53), 'eth0', 'eth1');
    expect(h.sh('conntrack -L -p udp').split('\n')).toEqual([
      'udp      17 30 src=10.0.0.5 dst=192.0.2.9 sport=5353 dport=53 [UNREPLIED] src=192.0.2.9 dst=192.0.2.1 sport=53 dport=5353 mark=0 use=1',
      'conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.',
    ]);
    expect(h.sh('conntrack -L -p icmp')).toBe(
      'conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.',
    );
    expect(h.sh('conntrack -C')).toBe('2');
  });

  it('is empty (0 entries) where nothing is tracked, and refuses what the tool refuses', () => {
    const h = nfHost();
    expect(h.sh('conntrack -L')).toBe('conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.');
    expect(() => h.sh('conntrack')).toThrow('no command specified');
    expect(() => h.sh('conntrack -L -p foo')).toThrow("proto `foo' not found");
  });
});
