/**
 * Turning forwarding on turns conf.all.accept_redirects off (devinet_sysctl_forward ->
 * inet_forward_change, only when the value changes). Measured on 6.18 in a fresh namespace:
 * all.accept_redirects 1, default 1; after ip_forward=1: all 0, default 1; all set back to 1
 * and ip_forward=1 written again (no change): still 1; conf.all.forwarding=0: 1.
 * Seed 2022 f2: a host with ip_forward=1 ignored r2's redirect and sent no ARP request for the
 * new gateway (test/fixtures/kernel/forwarding-redirects.yaml, flow router-ignores).
 */
import { describe, expect, it } from 'vitest';
import { Sysctls } from './sysctl';

describe('inet_forward_change and accept_redirects', () => {
  it('switches conf.all.accept_redirects to the opposite of forwarding, on a change only', () => {
    const s = new Sysctls();
    const all = (): number => s.get('net.ipv4.conf.all.accept_redirects');
    expect([all(), s.get('net.ipv4.conf.default.accept_redirects')]).toEqual([1, 1]);
    s.set('net.ipv4.ip_forward', 1);
    expect([all(), s.get('net.ipv4.conf.default.accept_redirects')]).toEqual([0, 1]);
    s.set('net.ipv4.conf.all.accept_redirects', 1);
    s.set('net.ipv4.ip_forward', 1);
    expect(all()).toBe(1);
    s.set('net.ipv4.conf.all.forwarding', 0);
    expect(all()).toBe(1);
    s.set('net.ipv4.conf.all.forwarding', 1);
    expect(all()).toBe(0);
  });
});
