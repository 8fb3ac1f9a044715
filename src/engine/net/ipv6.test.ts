import { describe, expect, it } from 'vitest';
import {
  formatIp6,
  linkLocalFromMac,
  multicastMac6,
  parseCidr6,
  parseIp6,
  scopeOf6,
  solicitedNode,
} from './ipv6';

const canon = (s: string): string | undefined => {
  const a = parseIp6(s);
  return a === null ? undefined : formatIp6(a);
};

describe('IPv6 text form', () => {
  // Pairs from glibc's inet_pton + inet_ntop (python3 socket.inet_ntop on this machine).
  it.each([
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8::0:1', '2001:db8::1'],
    ['::', '::'],
    ['::1', '::1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['FE80::0200:00FF:FE00:000A', 'fe80::200:ff:fe00:a'],
    ['0:0:0:0:0:ffff:c000:0201', '::ffff:192.0.2.1'],
    ['ff02::1:ff00:20', 'ff02::1:ff00:20'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['2001:db8:1::', '2001:db8:1::'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['::1.2.3.4', '::1.2.3.4'],
  ])('%s prints as %s', (input, out) => {
    expect(canon(input)).toBe(out);
  });

  it.each(['1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', '::g', '1:2:3:4:5:6:7', '1.2.3.4', ':1', ''])(
    'rejects %j as inet_pton does',
    (bad) => {
      expect(parseIp6(bad)).toBeNull();
    },
  );

  it('takes a prefix length up to 128, or none as a host address', () => {
    expect(parseCidr6('2001:db8::1/64')).toEqual({ addr: parseIp6('2001:db8::1'), len: 64 });
    expect(parseCidr6('2001:db8::1')).toEqual({ addr: parseIp6('2001:db8::1'), len: 128 });
    expect(parseCidr6('2001:db8::1/129')).toBeNull();
    expect(parseCidr6('2001:db8::1/064')).toBeNull();
  });
});

describe('addresses the kernel derives', () => {
  // `ip -6 addr` in a namespace: MAC 02:00:00:00:00:0a gets fe80::ff:fe00:a (addr_gen_mode eui64).
  it('builds the EUI-64 link-local address from the MAC', () => {
    expect(formatIp6(linkLocalFromMac('02:00:00:00:00:0a'))).toBe('fe80::ff:fe00:a');
    expect(formatIp6(linkLocalFromMac('02:00:00:00:01:01'))).toBe('fe80::ff:fe00:101');
  });

  // tcpdump -e of a neighbour solicitation for 2001:db8:2::20: to ff02::1:ff00:20 at 33:33:ff:00:00:20.
  it('names the solicited-node group and its multicast MAC', () => {
    const g = solicitedNode(parseIp6('2001:db8:2::20')!);
    expect(formatIp6(g)).toBe('ff02::1:ff00:20');
    expect(multicastMac6(g)).toBe('33:33:ff:00:00:20');
    expect(formatIp6(solicitedNode(parseIp6('fe80::ff:fe00:100')!))).toBe('ff02::1:ff00:100');
  });

  it('gives each address the scope ip -6 addr prints', () => {
    expect(scopeOf6(parseIp6('::1')!)).toBe('host');
    expect(scopeOf6(parseIp6('fe80::1')!)).toBe('link');
    expect(scopeOf6(parseIp6('2001:db8::1')!)).toBe('global');
  });
});
