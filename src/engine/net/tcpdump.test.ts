import { describe, it, expect } from 'vitest';
import { formatSummary, formatTcpdump } from './tcpdump';
import { echo, eth, ip, pkt } from './test-fixtures';

// Expected lines are real tcpdump 4.99 `-nn -e` output (timestamp and interface removed).
const A = '02:42:ac:11:00:02';
const B = '02:42:ac:11:00:03';
const ping = pkt(56, eth(A, B), ip('172.17.0.2', '172.17.0.3', 1), echo(8, 1, 1));
const arpReq = pkt(0, eth(A, 'ff:ff:ff:ff:ff:ff', 0x0806), {
  proto: 'arp',
  op: 1,
  sha: A,
  spa: '172.17.0.2',
  tha: '00:00:00:00:00:00',
  tpa: '172.17.0.3',
});
const arpRep = pkt(0, eth(B, A, 0x0806), {
  proto: 'arp',
  op: 2,
  sha: B,
  spa: '172.17.0.3',
  tha: A,
  tpa: '172.17.0.2',
});
const syn = pkt(0, eth(A, B), ip('10.0.0.1', '10.0.0.2', 6), {
  proto: 'tcp',
  sport: 43210,
  dport: 80,
  flags: 'S',
  seq: 1000,
  ack: 0,
  window: 64240,
});

/** An ICMP error from `from` quoting a ping (56 bytes of data: 84-byte datagram) to `dst`. */
const icmpErr = (icmp: Parameters<typeof pkt>[1], dst: string, payload = 56) =>
  pkt(payload, ip('10.1.15.1', '10.1.15.2', 1), icmp, ip('10.1.15.2', dst, 1), echo(8));

const body = (line: string): string => line.slice(line.indexOf(': ') + 2);

describe('formatTcpdump', () => {
  it('prints ICMP echo with -e link info', () => {
    expect(formatTcpdump(ping)).toBe(
      '02:42:ac:11:00:02 > 02:42:ac:11:00:03, ethertype IPv4 (0x0800), length 98: 172.17.0.2 > 172.17.0.3: ICMP echo request, id 1, seq 1, length 64',
    );
  });
  it('prints ARP request and reply', () => {
    expect(formatTcpdump(arpReq)).toBe(
      '02:42:ac:11:00:02 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 172.17.0.3 tell 172.17.0.2, length 28',
    );
    expect(formatTcpdump(arpRep)).toBe(
      '02:42:ac:11:00:03 > 02:42:ac:11:00:02, ethertype ARP (0x0806), length 42: Reply 172.17.0.3 is-at 02:42:ac:11:00:03, length 28',
    );
  });
  it('prints without link info the way plain `tcpdump -nn` does', () => {
    expect(formatTcpdump(arpReq, { link: false })).toBe(
      'ARP, Request who-has 172.17.0.3 tell 172.17.0.2, length 28',
    );
    expect(formatTcpdump(ping, { link: false })).toBe(
      'IP 172.17.0.2 > 172.17.0.3: ICMP echo request, id 1, seq 1, length 64',
    );
  });
  it("prints a TCP SYN (no options, so the frame is 54 bytes rather than a real SYN's 74)", () => {
    expect(formatTcpdump(syn)).toMatch(
      /, length 54: 10\.0\.0\.1\.43210 > 10\.0\.0\.2\.80: Flags \[S\], seq 1000, win 64240, length 0$/,
    );
  });
  it('prints TCP ack and data ranges like tcpdump -S', () => {
    const p = pkt(100, ip('10.0.0.2', '10.0.0.1', 6), {
      proto: 'tcp',
      sport: 80,
      dport: 43210,
      flags: 'P.',
      seq: 5000,
      ack: 1001,
      window: 509,
    });
    expect(formatTcpdump(p)).toBe(
      'IP 10.0.0.2.80 > 10.0.0.1.43210: Flags [P.], seq 5000:5100, ack 1001, win 509, length 100',
    );
    const ack = pkt(0, ip('10.0.0.1', '10.0.0.2', 6), {
      proto: 'tcp',
      sport: 43210,
      dport: 80,
      flags: '.',
      seq: 1001,
      ack: 5100,
      window: 501,
    });
    expect(formatTcpdump(ack)).toBe(
      'IP 10.0.0.1.43210 > 10.0.0.2.80: Flags [.], ack 5100, win 501, length 0',
    );
  });
  it('prints UDP', () => {
    const p = pkt(100, ip('10.0.0.1', '10.0.0.2', 17), { proto: 'udp', sport: 40000, dport: 5000 });
    expect(formatTcpdump(p)).toBe('IP 10.0.0.1.40000 > 10.0.0.2.5000: UDP, length 100');
  });
  it('prints ICMP errors', () => {
    expect(body(formatTcpdump(icmpErr({ proto: 'icmp', type: 11, code: 0 }, '10.1.16.2')))).toBe(
      'ICMP time exceeded in-transit, length 92',
    );
    expect(body(formatTcpdump(icmpErr({ proto: 'icmp', type: 3, code: 1 }, '10.1.16.2')))).toBe(
      'ICMP host 10.1.16.2 unreachable, length 92',
    );
    expect(body(formatTcpdump(icmpErr({ proto: 'icmp', type: 3, code: 0 }, '10.1.16.2')))).toBe(
      'ICMP net 10.1.16.2 unreachable, length 92',
    );
    expect(
      body(
        formatTcpdump(icmpErr({ proto: 'icmp', type: 5, code: 1, gateway: '192.168.0.200' }, '10.1.16.2')),
      ),
    ).toBe('ICMP redirect 10.1.16.2 to host 192.168.0.200, length 92');
    const portUnreach = pkt(
      0,
      ip('10.0.0.2', '10.0.0.1', 1),
      { proto: 'icmp', type: 3, code: 3 },
      ip('10.0.0.1', '10.0.0.2', 17),
      { proto: 'udp', sport: 40000, dport: 53 },
    );
    expect(formatTcpdump(portUnreach)).toBe(
      'IP 10.0.0.2 > 10.0.0.1: ICMP 10.0.0.2 udp port 53 unreachable, length 36',
    );
    // A 1500-byte datagram quoted up to the 576-byte limit: ICMP length 576 - 20 = 556.
    const fragNeeded = icmpErr({ proto: 'icmp', type: 3, code: 4, mtu: 1450 }, '10.244.1.2', 1472);
    expect(body(formatTcpdump(fragNeeded))).toBe(
      'ICMP 10.244.1.2 unreachable - need to frag (mtu 1450), length 556',
    );
  });
  it('prints raw IP (TUN) frames with the IP prefix', () => {
    expect(formatTcpdump(pkt(56, ip('10.1.15.2', '10.1.16.2', 1), echo(8)))).toBe(
      'IP 10.1.15.2 > 10.1.16.2: ICMP echo request, id 1, seq 1, length 64',
    );
  });
  it('prints IPIP', () => {
    const p = pkt(56, ip('192.168.1.11', '192.168.2.12', 4), ip('10.244.1.2', '10.244.2.66', 1), echo(8));
    expect(formatTcpdump(p)).toBe(
      'IP 192.168.1.11 > 192.168.2.12: IP 10.244.1.2 > 10.244.2.66: ICMP echo request, id 1, seq 1, length 64',
    );
  });
  it('prints VXLAN (4789) and OTV (8472) with the inner frame on the next line', () => {
    const vx = (dport: number) =>
      pkt(
        56,
        eth('02:00:00:00:00:01', '02:00:00:00:00:02'),
        ip('10.10.10.216', '10.10.10.217', 17),
        { proto: 'udp', sport: 39421, dport },
        { proto: 'vxlan', vni: 1 },
        eth('02:00:00:00:00:0a', '02:00:00:00:00:0b'),
        ip('10.244.1.2', '10.244.2.66', 1),
        echo(8),
      );
    expect(formatTcpdump(vx(4789))).toBe(
      '02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype IPv4 (0x0800), length 148: 10.10.10.216.39421 > 10.10.10.217.4789: VXLAN, flags [I] (0x08), vni 1\n' +
        '02:00:00:00:00:0a > 02:00:00:00:00:0b, ethertype IPv4 (0x0800), length 98: 10.244.1.2 > 10.244.2.66: ICMP echo request, id 1, seq 1, length 64',
    );
    expect(formatTcpdump(vx(8472), { link: false })).toBe(
      'IP 10.10.10.216.39421 > 10.10.10.217.8472: OTV, flags [I] (0x08), overlay 0, instance 1\n' +
        'IP 10.244.1.2 > 10.244.2.66: ICMP echo request, id 1, seq 1, length 64',
    );
  });
});

describe('formatSummary', () => {
  it('gives compact labels', () => {
    expect(formatSummary(arpReq)).toBe('ARP who-has 172.17.0.3 tell 172.17.0.2');
    expect(formatSummary(pkt(56, ip('10.1.15.2', '10.1.16.2', 1), echo(8)))).toBe(
      'ICMP echo request 10.1.15.2 > 10.1.16.2 ttl 64',
    );
    expect(formatSummary(syn)).toBe('TCP 10.0.0.1:43210 > 10.0.0.2:80 [S]');
    expect(
      formatSummary(
        pkt(56, ip('192.168.1.11', '192.168.2.12', 4), ip('10.244.1.2', '10.244.2.66', 1), echo(8)),
      ),
    ).toBe('IPIP 192.168.1.11 > 192.168.2.12: ICMP echo request 10.244.1.2 > 10.244.2.66 ttl 64');
  });
});
