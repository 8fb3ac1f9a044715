/** Per-netns sysctls with devinet's semantics (inet_forward_change, devconf copied from `default`). */
import { describe, expect, it } from 'vitest';
import { CommandError } from './errors';
import { normalizeKey, Sysctls } from './sysctl';

describe('Sysctls', () => {
  it('a fresh namespace does not forward, answers pings, uses TTL 64', () => {
    const s = new Sysctls();
    expect(s.get('net.ipv4.ip_forward')).toBe(0);
    expect(s.get('net.ipv4.conf.all.forwarding')).toBe(0);
    expect(s.get('net.ipv4.ip_default_ttl')).toBe(64);
    expect(s.get('net.ipv4.conf.default.send_redirects')).toBe(1);
    expect(s.get('net.ipv4.neigh.default.mcast_solicit')).toBe(3);
    expect(s.get('net.ipv4.neigh.default.retrans_time_ms')).toBe(1000);
  });

  it('ip_forward=1 switches forwarding on for all, default and every device (inet_forward_change)', () => {
    const s = new Sysctls();
    s.addDevice('eth0');
    s.addDevice('eth1');
    s.set('net.ipv4.ip_forward', 1);
    for (const d of ['all', 'default', 'eth0', 'eth1'])
      expect(s.get(`net.ipv4.conf.${d}.forwarding`)).toBe(1);
    // A device registered later copies `default`.
    s.addDevice('eth2');
    expect(s.get('net.ipv4.conf.eth2.forwarding')).toBe(1);
    s.set('net.ipv4.conf.all.forwarding', 0);
    expect(s.get('net.ipv4.ip_forward')).toBe(0);
    expect(s.get('net.ipv4.conf.eth2.forwarding')).toBe(0);
  });

  it('net.ipv6.conf.<dev>.* copy default; all.forwarding sets default and every device', () => {
    // Measured on 6.18 in a fresh namespace with a veth pair a/b, then a second pair c/d.
    const s = new Sysctls();
    s.addDevice('a');
    s.addDevice('b');
    expect(s.get('net.ipv6.conf.all.accept_dad')).toBe(0);
    expect(s.get('net.ipv6.conf.default.accept_dad')).toBe(1);
    expect(s.get('net.ipv6.conf.a.accept_dad')).toBe(1);
    expect(s.get('net.ipv6.conf.a.proxy_ndp')).toBe(0);
    expect(s.get('net.ipv6.conf.a.accept_ra')).toBe(1);
    expect(s.get('net.ipv6.conf.a.disable_ipv6')).toBe(0);
    s.set('net.ipv6.conf.all.forwarding', 1);
    expect(s.get('net.ipv6.conf.default.forwarding')).toBe(1);
    expect(s.dev6Get('a', 'forwarding')).toBe(1);
    s.set('net.ipv6.conf.b.forwarding', 0);
    expect(s.get('net.ipv6.conf.all.forwarding')).toBe(1);
    expect(s.dev6Get('a', 'forwarding')).toBe(1);
    expect(s.dev6Get('b', 'forwarding')).toBe(0);
    s.addDevice('c');
    expect(s.dev6Get('c', 'forwarding')).toBe(1);
    // IPv4 forwarding is a separate switch.
    expect(s.get('net.ipv4.conf.a.forwarding')).toBe(0);
  });

  it('a per-device forwarding write touches only that device', () => {
    const s = new Sysctls();
    s.addDevice('eth0');
    s.addDevice('eth1');
    s.set('net.ipv4.conf.eth0.forwarding', 1);
    expect(s.get('net.ipv4.conf.eth1.forwarding')).toBe(0);
    expect(s.get('net.ipv4.ip_forward')).toBe(0);
  });

  it('proxy_arp is OR-ed between all and the device (IN_DEV_ORCONF)', () => {
    const s = new Sysctls();
    s.addDevice('eth0');
    expect(s.devOr('eth0', 'proxy_arp')).toBe(false);
    s.set('net.ipv4.conf.all.proxy_arp', 1);
    expect(s.devOr('eth0', 'proxy_arp')).toBe(true);
  });

  it('renames and removes device keys with the device', () => {
    const s = new Sysctls();
    s.addDevice('eth0');
    s.set('net.ipv4.conf.eth0.proxy_arp', 1);
    s.renameDevice('eth0', 'wan');
    expect(s.has('net.ipv4.conf.eth0.proxy_arp')).toBe(false);
    expect(s.get('net.ipv4.conf.wan.proxy_arp')).toBe(1);
    s.removeDevice('wan');
    expect(s.has('net.ipv4.conf.wan.proxy_arp')).toBe(false);
  });

  it('per-device neigh keys are copied from default on register and follow renames (neigh_parms_alloc)', () => {
    const s = new Sysctls();
    s.set('net.ipv4.neigh.default.proxy_delay', 40);
    s.addDevice('cali1');
    expect(s.get('net.ipv4.neigh.cali1.proxy_delay')).toBe(40);
    s.set('net.ipv4.neigh.cali1.proxy_delay', 0);
    expect(s.neighGet('cali1', 'proxy_delay')).toBe(0);
    expect(s.get('net.ipv4.neigh.default.proxy_delay')).toBe(40);
    s.renameDevice('cali1', 'cali2');
    expect(s.has('net.ipv4.neigh.cali1.proxy_delay')).toBe(false);
    expect(s.get('net.ipv4.neigh.cali2.proxy_delay')).toBe(0);
    s.removeDevice('cali2');
    expect(s.has('net.ipv4.neigh.cali2.proxy_delay')).toBe(false);
    expect(s.neighGet('gone', 'proxy_delay')).toBe(40);
  });

  it('unknown keys fail as sysctl does when /proc/sys has no such file', () => {
    const s = new Sysctls();
    expect(() => s.set('net.ipv4.nope', 1)).toThrow(CommandError);
    expect(() => s.set('net.ipv4.nope', 1)).toThrow(
      'sysctl: cannot stat /proc/sys/net/ipv4/nope: No such file or directory',
    );
  });

  it('accepts slashed paths', () => {
    expect(normalizeKey('/proc/sys/net/ipv4/ip_forward')).toBe('net.ipv4.ip_forward');
    expect(normalizeKey('net/ipv4/conf/all/forwarding')).toBe('net.ipv4.conf.all.forwarding');
  });
});
