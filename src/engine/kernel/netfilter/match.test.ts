/**
 * Rule matching, one match at a time: the packet goes through a hook of a host whose rules
 * were typed as iptables commands, and the rule counters say which rules matched.
 */
import { describe, expect, it } from 'vitest';
import { echo, nfHost, tcp, udp } from '../../../../test/nf-test-kit';

/** INPUT rules that only count (no target), so every rule is evaluated. */
function counting(rules: string[]) {
  const h = nfHost(rules.map((r) => `iptables -A INPUT ${r}`));
  return { ...h, hits: () => h.counters('filter', 'INPUT') };
}

describe('iptables matches', () => {
  it('-s and -d with prefixes, and their negation', () => {
    const h = counting(['-s 10.0.0.0/24', '-s 10.0.0.9', '! -s 10.0.0.0/24', '-d 10.0.0.1', '! -d 10.0.0.1']);
    h.hook('INPUT', tcp('10.0.0.5', 40000, '10.0.0.1', 80), { in: 'eth0' });
    expect(h.hits()).toEqual([1, 0, 0, 1, 0]);
  });

  it('-i and -o, with the "+" wildcard and negation; -o is refused in INPUT', () => {
    const h = nfHost([
      'iptables -A FORWARD -i eth0',
      'iptables -A FORWARD -i eth+',
      'iptables -A FORWARD ! -i eth0',
      'iptables -A FORWARD -o eth1',
      'iptables -A FORWARD -o veth+',
      'iptables -A FORWARD ! -o veth+',
    ]);
    h.hook('FORWARD', tcp('10.0.0.5', 40000, '192.0.2.9', 80), { in: 'eth0', out: 'eth1' });
    expect(h.counters('filter', 'FORWARD')).toEqual([1, 1, 0, 1, 0, 1]);
    // INPUT has no output device, and iptables refuses the rule outright.
    expect(() => h.sh('iptables -A INPUT -o eth1')).toThrow("Can't use -o with INPUT");
  });

  it('-p by name and number, and ! -p', () => {
    const h = counting(['-p tcp', '-p udp', '-p 6', '! -p tcp', '-p all']);
    h.hook('INPUT', tcp('10.0.0.5', 40000, '10.0.0.1', 80), { in: 'eth0' });
    expect(h.hits()).toEqual([1, 0, 1, 0, 1]);
    h.hook('INPUT', udp('10.0.0.5', 40000, '10.0.0.1', 53), { in: 'eth0' });
    expect(h.hits()).toEqual([1, 1, 1, 1, 2]);
  });

  it('--sport and --dport, with ranges and negation; a tcp port match never matches udp', () => {
    const h = counting([
      '-p tcp --dport 80',
      '-p tcp --dport 1:1023',
      '-p tcp ! --dport 80',
      '-p tcp --sport 40000',
      '-p tcp -m tcp --sport 30000:39999',
      '-p udp --dport 80',
    ]);
    h.hook('INPUT', tcp('10.0.0.5', 40000, '10.0.0.1', 80), { in: 'eth0' });
    expect(h.hits()).toEqual([1, 1, 0, 1, 0, 0]);
  });

  it('-m multiport --dports, --sports and --ports (either side)', () => {
    const h = counting([
      '-p tcp -m multiport --dports 22,80,443',
      '-p tcp -m multiport --dports 8000:8100',
      '-p tcp -m multiport --sports 40000,40001',
      '-p tcp -m multiport --ports 40000',
      '-p tcp -m multiport ! --dports 80,443',
    ]);
    h.hook('INPUT', tcp('10.0.0.5', 40000, '10.0.0.1', 80), { in: 'eth0' });
    expect(h.hits()).toEqual([1, 0, 1, 1, 0]);
    h.hook('INPUT', tcp('10.0.0.5', 1234, '10.0.0.1', 8080), { in: 'eth0' });
    expect(h.hits()).toEqual([1, 1, 1, 1, 1]);
  });

  it('-m addrtype --dst-type LOCAL: any address of the host, on any interface', () => {
    const h = nfHost([
      'iptables -t nat -A PREROUTING -m addrtype --dst-type LOCAL',
      'iptables -t nat -A PREROUTING -m addrtype ! --dst-type LOCAL',
      'iptables -t nat -A PREROUTING -m addrtype --src-type LOCAL',
    ]);
    // 192.0.2.1 is eth1's address, but it is LOCAL wherever the packet came in.
    h.hook('PREROUTING', tcp('10.0.0.5', 40000, '192.0.2.1', 80), { in: 'eth0' });
    expect(h.counters('nat', 'PREROUTING')).toEqual([1, 0, 0]);
    h.hook('PREROUTING', tcp('10.0.0.5', 40001, '198.51.100.9', 80), { in: 'eth0' });
    expect(h.counters('nat', 'PREROUTING')).toEqual([1, 1, 0]);
  });

  it('-m conntrack --ctstate NEW, then ESTABLISHED for the reply and the rest of the connection', () => {
    const h = nfHost([
      'iptables -A FORWARD -m conntrack --ctstate NEW',
      'iptables -A FORWARD -m conntrack --ctstate ESTABLISHED',
      'iptables -A FORWARD -m conntrack --ctstate RELATED',
      'iptables -A FORWARD -m conntrack ! --ctstate NEW',
    ]);
    h.forward(tcp('10.0.0.5', 40000, '192.0.2.9', 80, 'S'), 'eth0', 'eth1');
    expect(h.counters('filter', 'FORWARD')).toEqual([1, 0, 0, 0]);
    h.forward(tcp('192.0.2.9', 80, '10.0.0.5', 40000, 'S.'), 'eth1', 'eth0');
    expect(h.counters('filter', 'FORWARD')).toEqual([1, 1, 0, 1]);
    h.forward(tcp('10.0.0.5', 40000, '192.0.2.9', 80, '.'), 'eth0', 'eth1');
    expect(h.counters('filter', 'FORWARD')).toEqual([1, 2, 0, 2]);
  });

  it('-m conntrack --ctstate RELATED: an ICMP error about a tracked connection', () => {
    const h = nfHost([
      'iptables -A FORWARD -m conntrack --ctstate NEW',
      'iptables -A FORWARD -m conntrack --ctstate RELATED',
    ]);
    const out = udp('10.0.0.5', 40000, '192.0.2.9', 53);
    h.forward(out, 'eth0', 'eth1');
    const err = {
      id: 99,
      layers: [
        {
          proto: 'ipv4' as const,
          src: '192.0.2.9',
          dst: '10.0.0.5',
          ttl: 64,
          protocol: 1,
          id: 5,
          df: false,
          tos: 0,
        },
        { proto: 'icmp' as const, type: 3, code: 3 },
        ...out.layers,
      ],
      payload: 10,
      mark: 0,
    };
    h.forward(err, 'eth1', 'eth0');
    expect(h.counters('filter', 'FORWARD')).toEqual([1, 1]);
  });

  it('-m state --state is the older spelling of the same test', () => {
    const h = nfHost([
      'iptables -A INPUT -m state --state NEW',
      'iptables -A INPUT -m state --state ESTABLISHED',
    ]);
    h.input(tcp('10.0.0.5', 40000, '10.0.0.1', 80), 'eth0');
    expect(h.counters('filter', 'INPUT')).toEqual([1, 0]);
  });

  it('-m comment always matches and is kept in the rule text', () => {
    const h = counting(['-m comment --comment "kube-proxy: web"']);
    h.hook('INPUT', tcp('10.0.0.5', 40000, '10.0.0.1', 80), { in: 'eth0' });
    expect(h.hits()).toEqual([1]);
    expect(h.sh('iptables -S INPUT')).toContain('-m comment --comment "kube-proxy: web"');
  });

  it('-m mark --mark value/mask compares the masked mark', () => {
    const h = nfHost([
      'iptables -t mangle -A PREROUTING -j MARK --set-xmark 0x4000/0x4000',
      'iptables -A INPUT -m mark --mark 0x4000/0x4000',
      'iptables -A INPUT -m mark --mark 0x4000',
      'iptables -A INPUT -m mark ! --mark 0x4000/0x4000',
    ]);
    const s = tcp('10.0.0.5', 40000, '10.0.0.1', 80);
    h.input({ ...s, mark: 0x1 }, 'eth0');
    // The mark is 0x4001: the masked test matches, the exact one does not.
    expect(h.counters('filter', 'INPUT')).toEqual([1, 0, 0]);
  });

  it('-m statistic --mode nth --every N --packet P matches every Nth packet', () => {
    const h = counting([
      '-m statistic --mode nth --every 3 --packet 0',
      '-m statistic --mode nth --every 3 --packet 2',
    ]);
    for (let i = 0; i < 6; i++) h.hook('INPUT', tcp('10.0.0.5', 40000 + i, '10.0.0.1', 80), { in: 'eth0' });
    expect(h.hits()).toEqual([2, 2]);
  });

  it('-m statistic --mode random is deterministic per scenario, and a pin decides it', () => {
    const rule = '-m statistic --mode random --probability 0.50000000000';
    const run = () => {
      const h = counting([rule]);
      for (let i = 0; i < 40; i++)
        h.hook('INPUT', tcp('10.0.0.5', 40000 + i, '10.0.0.1', 80), { in: 'eth0' });
      return h.hits()[0]!;
    };
    const a = run();
    expect(run()).toBe(a);
    expect(a).toBeGreaterThan(5);
    expect(a).toBeLessThan(35);
    for (const pin of [true, false]) {
      const h = counting([rule]);
      h.world.randomPins = new Map([[`-A INPUT ${rule}`, pin]]);
      for (let i = 0; i < 10; i++)
        h.hook('INPUT', tcp('10.0.0.5', 40000 + i, '10.0.0.1', 80), { in: 'eth0' });
      expect(h.hits()).toEqual([pin ? 10 : 0]);
    }
  });

  it('-m set --match-set NAME src|dst looks the address up in an ipset', () => {
    const h = nfHost([
      'ipset create clients hash:ip',
      'ipset add clients 10.0.0.5',
      'ipset create nets hash:net',
      'ipset add nets 10.0.0.0/24',
      'iptables -A INPUT -m set --match-set clients src',
      'iptables -A INPUT -m set --match-set clients dst',
      'iptables -A INPUT -m set --match-set nets dst',
      'iptables -A INPUT -m set ! --match-set clients src',
    ]);
    h.hook('INPUT', tcp('10.0.0.5', 40000, '10.0.0.1', 80), { in: 'eth0' });
    expect(h.counters('filter', 'INPUT')).toEqual([1, 0, 1, 0]);
    h.sh('ipset del clients 10.0.0.5');
    h.hook('INPUT', tcp('10.0.0.5', 40001, '10.0.0.1', 80), { in: 'eth0' });
    expect(h.counters('filter', 'INPUT')).toEqual([1, 0, 2, 1]);
  });

  it('ICMP: -p icmp --icmp-type', () => {
    const h = counting(['-p icmp --icmp-type echo-request', '-p icmp --icmp-type echo-reply', '-p icmp']);
    h.hook('INPUT', echo('10.0.0.5', '10.0.0.1'), { in: 'eth0' });
    expect(h.hits()).toEqual([1, 0, 1]);
  });
});
