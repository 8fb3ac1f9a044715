/**
 * A probe that -M do forbids to fragment and that is larger than the MTU (EMSGSIZE from
 * ip_append_data / ip6_append_data). Expected text from the kernel (6.18, iputils 20240905),
 * two namespaces joined by a veth with MTU 1500:
 *   ping -c 2 -s 1473 -M do 10.9.0.2 → "ping: local error: message too long, mtu=1500" twice,
 *     then "2 packets transmitted, 0 received, +2 errors, 100% packet loss", exit 1;
 *   ping -6 -c 2 -s 1472 -M do 2001:db8::2 → the same with "mtu: 1500";
 *   ping -6 -c 1 -s 1452 -M do 2001:db8::2 → 1 received (1500 bytes fit).
 */
import { describe, expect, it } from 'vitest';
import { commandLab } from './command-lab';

const lab = () =>
  commandLab([
    'ip netns add a',
    'ip netns add b',
    'ip link add va netns a type veth peer name vb netns b',
    // The model's namespaces start with IPv6 off unless asked (the lab's kernel has it on).
    'ip netns exec a sysctl -w net.ipv6.conf.all.disable_ipv6=0',
    'ip netns exec b sysctl -w net.ipv6.conf.all.disable_ipv6=0',
    'ip -n a addr add 10.9.0.1/24 dev va',
    'ip -n b addr add 10.9.0.2/24 dev vb',
    'ip -n a addr add 2001:db8::1/64 dev va nodad',
    'ip -n b addr add 2001:db8::2/64 dev vb nodad',
    'ip -n a link set va up',
    'ip -n b link set vb up',
  ]);

const lines = (out: string): string[] => out.split('\n').filter((l) => l !== '');

describe('ping -M do, larger than the MTU: counted, reported, and the run goes on', () => {
  it('IPv4: each probe is refused with mtu=1500 and the statistics count two errors', () => {
    const { run } = lab();
    const r = run('a', 'ping -c 2 -s 1473 -M do 10.9.0.2');
    expect(lines(r.output).slice(1)).toEqual([
      'ping: local error: message too long, mtu=1500',
      'ping: local error: message too long, mtu=1500',
      '--- 10.9.0.2 ping statistics ---',
      '2 packets transmitted, 0 received, +2 errors, 100% packet loss, time 0ms',
    ]);
    expect(r.captures.filter((c) => c.netns === 'b')).toEqual([]);
  });

  it('IPv6: the same, in ping -6 words (mtu: 1500), and nothing leaves', () => {
    const { run } = lab();
    const r = run('a', 'ping -6 -c 2 -s 1472 -M do 2001:db8::2');
    expect(lines(r.output).slice(1)).toEqual([
      'ping: local error: message too long, mtu: 1500',
      'ping: local error: message too long, mtu: 1500',
      '--- 2001:db8::2 ping statistics ---',
      '2 packets transmitted, 0 received, +2 errors, 100% packet loss, time 0ms',
    ]);
    expect(r.captures.filter((c) => c.netns === 'b')).toEqual([]);
  });

  it('IPv6: 1452 bytes of data make a 1500-byte packet, which fits', () => {
    const { run } = lab();
    const r = run('a', 'ping -6 -c 1 -s 1452 -M do 2001:db8::2');
    expect(r.output).toContain('1 packets transmitted, 1 received, 0% packet loss');
  });
});
