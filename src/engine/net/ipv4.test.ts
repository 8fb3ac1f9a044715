import { describe, it, expect } from 'vitest';
import {
  broadcastOf,
  formatIp,
  inPrefix,
  isLoopbackIp,
  isMulticastIp,
  maskOf,
  netmaskToLen,
  networkOf,
  parseCidr,
  parseIp,
  prefixToString,
} from './ipv4';

describe('parseIp / formatIp', () => {
  it('parses dotted quads to uint32', () => {
    expect(parseIp('10.0.0.1')).toBe(0x0a000001);
    expect(parseIp('255.255.255.255')).toBe(0xffffffff);
    expect(parseIp('192.168.0.199')).toBe(0xc0a800c7);
    expect(parseIp('0.0.0.0')).toBe(0);
  });
  it('rejects malformed input', () => {
    for (const bad of [
      '1.2.3',
      '256.1.1.1',
      '1.2.3.4.5',
      ' 1.2.3.4',
      '1.2.3.4 ',
      'x1.2.3.4',
      '1.2.3.-4',
      '1..2.3',
      '',
      '01.2.3.4',
      '1.2.3.4/24',
      '1.2.3.0x4',
    ]) {
      expect(parseIp(bad), bad).toBeNull();
    }
  });
  it('formats high addresses without sign problems', () => {
    expect(formatIp(0xc0a80001)).toBe('192.168.0.1');
    expect(formatIp(0xffffffff)).toBe('255.255.255.255');
    expect(formatIp(parseIp('224.0.0.251') as number)).toBe('224.0.0.251');
  });
});

describe('prefixes', () => {
  it('parses CIDR and rejects bad lengths', () => {
    expect(parseCidr('10.0.0.1/24')).toEqual({ addr: 0x0a000001, len: 24 });
    expect(parseCidr('0.0.0.0/0')).toEqual({ addr: 0, len: 0 });
    expect(parseCidr('1.2.3.4/33')).toBeNull();
    expect(parseCidr('1.2.3.4/')).toBeNull();
    expect(parseCidr('1.2.3.4')).toBeNull();
    expect(parseCidr('1.2.3/8')).toBeNull();
    expect(parseCidr('1.2.3.4/024')).toBeNull();
  });
  it('computes masks, networks and broadcasts', () => {
    expect(maskOf(0)).toBe(0);
    expect(maskOf(24)).toBe(0xffffff00);
    expect(maskOf(32)).toBe(0xffffffff);
    expect(maskOf(1)).toBe(0x80000000);
    const a = parseIp('172.17.5.9') as number;
    expect(formatIp(networkOf(a, 16))).toBe('172.17.0.0');
    expect(formatIp(broadcastOf(a, 16))).toBe('172.17.255.255');
    expect(formatIp(broadcastOf(parseIp('10.1.15.1') as number, 24))).toBe('10.1.15.255');
    expect(prefixToString(parseIp('10.244.1.7') as number, 24)).toBe('10.244.1.0/24');
  });
  it('tests membership', () => {
    const net = parseIp('10.244.0.0') as number;
    expect(inPrefix(parseIp('10.244.255.1') as number, net, 16)).toBe(true);
    expect(inPrefix(parseIp('10.245.0.1') as number, net, 16)).toBe(false);
    expect(inPrefix(parseIp('8.8.8.8') as number, 0, 0)).toBe(true);
  });
  it('classifies multicast and loopback', () => {
    expect(isMulticastIp(parseIp('224.0.0.1') as number)).toBe(true);
    expect(isMulticastIp(parseIp('239.255.255.250') as number)).toBe(true);
    expect(isMulticastIp(parseIp('240.0.0.1') as number)).toBe(false);
    expect(isLoopbackIp(parseIp('127.0.0.53') as number)).toBe(true);
    expect(isLoopbackIp(parseIp('128.0.0.1') as number)).toBe(false);
  });
  it('converts contiguous netmasks only', () => {
    expect(netmaskToLen('255.255.255.0')).toBe(24);
    expect(netmaskToLen('255.255.252.0')).toBe(22);
    expect(netmaskToLen('0.0.0.0')).toBe(0);
    expect(netmaskToLen('255.255.255.255')).toBe(32);
    expect(netmaskToLen('255.0.255.0')).toBeNull();
    expect(netmaskToLen('0.255.255.255')).toBeNull();
    expect(netmaskToLen('255.255.255')).toBeNull();
  });
});
