/**
 * Policy routing (`ip rule`, several tables, fib_rules_lookup). Every expected line was
 * printed by the real tools on the lab's kernel (6.18, iproute2 6.1, iputils ping; `head -2` of its output) for the
 * same commands, in namespaces: d (10.0.3.2) and c (10.0.1.2) behind router r, which has a
 * default via s1 in main and a default via s2 in table 100, chosen for 10.0.3.0/24 by a
 * rule; only s2 holds 192.168.9.9.
 */
import { describe, expect, it } from 'vitest';
import { commandLab } from '../../../../test/command-lab';

const TOPOLOGY = [
  ...['c', 'd', 'r', 's1', 's2'].flatMap((n) => [`ip netns add ${n}`, `ip -n ${n} link set lo up`]),
  'ip link add cr type veth peer name rc',
  'ip link add dr type veth peer name rd',
  'ip link add r1 type veth peer name s1r',
  'ip link add r2 type veth peer name s2r',
  ...['cr c', 'rc r', 'dr d', 'rd r', 'r1 r', 'r2 r', 's1r s1', 's2r s2'].map((x) => {
    const [dev, ns] = x.split(' ');
    return `ip link set ${dev} netns ${ns}`;
  }),
  'ip -n c addr add 10.0.1.2/24 dev cr',
  'ip -n c link set cr up',
  'ip -n c route add default via 10.0.1.1',
  'ip -n d addr add 10.0.3.2/24 dev dr',
  'ip -n d link set dr up',
  'ip -n d route add default via 10.0.3.1',
  'ip -n r addr add 10.0.1.1/24 dev rc',
  'ip -n r addr add 10.0.3.1/24 dev rd',
  'ip -n r addr add 10.0.2.1/24 dev r1',
  'ip -n r addr add 10.0.4.1/24 dev r2',
  ...['rc', 'rd', 'r1', 'r2'].map((d) => `ip -n r link set ${d} up`),
  'ip netns exec r sysctl -w net.ipv4.ip_forward=1',
  'ip -n s1 addr add 10.0.2.2/24 dev s1r',
  'ip -n s1 link set s1r up',
  'ip -n s1 route add default via 10.0.2.1',
  'ip -n s2 addr add 10.0.4.2/24 dev s2r',
  'ip -n s2 link set s2r up',
  'ip -n s2 route add default via 10.0.4.1',
  'ip -n s2 addr add 192.168.9.9/32 dev lo',
  'ip -n r route add default via 10.0.2.2',
  'ip -n r rule add from 10.0.3.0/24 table 100',
  'ip -n r route add default via 10.0.4.2 table 100',
];

function lab(extra: string[] = []) {
  const { sh, run } = commandLab([...TOPOLOGY, ...extra], 'rules-test');
  /** ping's first two lines: the header and the first answer (or error). */
  const ping = (ns: string, line: string) => {
    const r = run(ns, line);
    return { output: r.p.output.slice(0, 2).join('\n'), events: r.events, captures: r.captures };
  };
  return { sh, run: ping };
}

const HEADER = 'PING 192.168.9.9 (192.168.9.9) 56(84) bytes of data.';

describe('ip rule: the list as iproute2 prints it', () => {
  it('numbers rules added without a priority below the second rule, and keeps equal ones in order', () => {
    const { sh } = lab();
    sh('r', 'ip rule add to 10.1.0.0/16 lookup 200 pref 100');
    sh('r', 'ip rule add fwmark 0x1 table 100');
    sh('r', 'ip rule add fwmark 0x2/0xff table main');
    sh('r', 'ip rule add iif rd table 5');
    sh('r', 'ip rule add oif nosuch table 6');
    sh('r', 'ip rule add not from 10.0.0.1 table 7');
    sh('r', 'ip rule add from 10.0.0.1 to 10.2.0.0/24 iif lo unreachable');
    sh('r', 'ip rule add from all prohibit pref 200');
    sh('r', 'ip rule add blackhole pref 201');
    sh('r', 'ip rule add from 0/8 table 9');
    sh('r', 'ip rule add from 10.0.0.0/32 table 100 pref 100');
    expect(sh('r', 'ip rule').split('\n')).toEqual([
      '0:\tfrom all lookup local',
      '93:\tfrom 0.0.0.0/8 lookup 9',
      '94:\tfrom 10.0.0.1 to 10.2.0.0/24 iif lo unreachable',
      '95:\tnot from 10.0.0.1 lookup 7',
      '96:\tfrom all oif nosuch [detached] lookup 6',
      '97:\tfrom all iif rd lookup 5',
      '98:\tfrom all fwmark 0x2/0xff lookup main',
      '99:\tfrom all fwmark 0x1 lookup 100',
      '100:\tfrom all to 10.1.0.0/16 lookup 200',
      '100:\tfrom 10.0.0.0 lookup 100',
      '200:\tfrom all prohibit',
      '201:\tfrom all blackhole',
      '32765:\tfrom 10.0.3.0/24 lookup 100',
      '32766:\tfrom all lookup main',
      '32767:\tfrom all lookup default',
    ]);
    expect(sh('r', 'ip rule show table 100').split('\n')).toEqual([
      '99:\tfrom all fwmark 0x1 lookup 100',
      '100:\tfrom 10.0.0.0 lookup 100',
      '32765:\tfrom 10.0.3.0/24 lookup 100',
    ]);
  });

  it('refuses what the kernel and iproute2 refuse, in their words', () => {
    const { sh } = lab();
    sh('r', 'ip rule add from 10.0.0.0 table 100 pref 100');
    expect(() => sh('r', 'ip rule add from 10.0.0.0 table 100 pref 100')).toThrow(
      'RTNETLINK answers: File exists',
    );
    expect(sh('r', 'ip rule add from 10.0.0.0 table 100 pref 100 fwmark 3')).toBe('');
    expect(() => sh('r', 'ip rule del')).toThrow('"ip rule del" requires arguments.');
    expect(() => sh('r', 'ip rule del pref 5')).toThrow('RTNETLINK answers: No such file or directory');
    expect(() => sh('r', 'ip rule add from 1.2.3.4/33 table 1')).toThrow(
      'Error: any valid prefix is expected rather than "1.2.3.4/33".',
    );
    expect(() => sh('r', 'ip rule add from 1.2.3.4 table bogus')).toThrow(
      'Error: argument "bogus" is wrong: invalid table ID',
    );
    expect(() => sh('r', 'ip rule add frm 1.2.3.4 table 1')).toThrow(
      'Error: argument "frm" is wrong: Failed to parse rule type',
    );
  });

  it('deletes the first rule that matches, and flush keeps only priority 0', () => {
    const { sh } = lab();
    sh('r', 'ip rule add pref 0 from 1.1.1.1 table 3');
    sh('r', 'ip rule del pref 0');
    expect(sh('r', 'ip rule').split('\n').slice(0, 2)).toEqual([
      '0:\tfrom 1.1.1.1 lookup 3',
      '32765:\tfrom 10.0.3.0/24 lookup 100',
    ]);
    sh('r', 'ip rule flush');
    expect(sh('r', 'ip rule')).toBe('0:\tfrom 1.1.1.1 lookup 3');
    // fib_default_rule_pref: with no second rule, a new rule gets priority 0.
    sh('r', 'ip rule add fwmark 0x10/0x10 table 10');
    sh('r', 'ip rule add to 10.0.0.5 tos 0x10 table 1');
    sh('r', 'ip rule add from 10.0.0.0/8 lookup 5 suppress_prefixlength 0');
    expect(sh('r', 'ip rule').split('\n')).toEqual([
      '0:\tfrom 1.1.1.1 lookup 3',
      '0:\tfrom all fwmark 0x10/0x10 lookup 10',
      '0:\tfrom all to 10.0.0.5 tos 0x10 lookup 1',
      '0:\tfrom 10.0.0.0/8 lookup 5 suppress_prefixlength 0',
    ]);
  });
});

describe('fib_rules_lookup: which table a packet meets', () => {
  it('forwards by the source: d reaches s2 through table 100, c goes to s1 and is lost', () => {
    const { run } = lab();
    const d = run('d', 'ping -c 1 -W 1 192.168.9.9');
    expect(d.output).toBe(`${HEADER}\n64 bytes from 192.168.9.9: icmp_seq=1 ttl=63 time=0.1 ms`);
    expect(d.captures.some((c) => c.netns === 'r' && c.interface === 'r2' && c.direction === 'tx')).toBe(
      true,
    );
    const c = run('c', 'ping -c 1 -W 1 192.168.9.9');
    expect(c.output).toBe(`${HEADER}\n`);
    expect(c.captures.some((x) => x.netns === 'r' && x.interface === 'r1' && x.direction === 'tx')).toBe(
      true,
    );
  });

  it('sees no source on an unbound socket, and the bound one with ping -I', () => {
    const { run, sh } = lab();
    expect(run('r', 'ping -c 1 -W 1 192.168.9.9').output).toBe(`${HEADER}\n`);
    expect(run('r', 'ping -c 1 -W 1 -I 10.0.3.1 192.168.9.9').output).toBe(
      'PING 192.168.9.9 (192.168.9.9) from 10.0.3.1 : 56(84) bytes of data.\n' +
        '64 bytes from 192.168.9.9: icmp_seq=1 ttl=64 time=0.1 ms',
    );
    expect(sh('r', 'ip route get 192.168.9.9')).toBe(
      '192.168.9.9 via 10.0.2.2 dev r1 src 10.0.2.1 uid 0 \n    cache ',
    );
    expect(sh('r', 'ip route get 192.168.9.9 from 10.0.3.1')).toBe(
      '192.168.9.9 from 10.0.3.1 via 10.0.4.2 dev r2 table 100 uid 0 \n    cache ',
    );
  });

  it('answers a forwarded packet as the rule action says (ip_error)', () => {
    const rule = (action: string) => lab([`ip -n r rule add iif rc ${action} pref 50`]);
    const ping = 'ping -c 1 -W 1 192.168.9.9';
    expect(rule('unreachable').run('c', ping).output).toBe(
      `${HEADER}\nFrom 10.0.1.1 icmp_seq=1 Destination Net Unreachable`,
    );
    expect(rule('prohibit').run('c', ping).output).toBe(
      `${HEADER}\nFrom 10.0.1.1 icmp_seq=1 Packet filtered`,
    );
    expect(rule('blackhole').run('c', ping).output).toBe(`${HEADER}\n`);
  });

  it('fails a local sender with the rule action errno, after the local table', () => {
    const rule = (action: string) => lab([`ip -n r rule add iif lo ${action} pref 50`]);
    const ping = 'ping -c 1 -W 1 192.168.9.9';
    expect(rule('prohibit').run('r', ping).output).toBe(
      'ping: Do you want to ping broadcast? Then -b. If not, check your local firewall rules',
    );
    expect(rule('unreachable').run('r', ping).output).toBe('ping: connect: Network is unreachable');
    expect(rule('blackhole').run('r', ping).output).toBe('ping: connect: Invalid argument');
    expect(rule('prohibit').run('r', 'ping -c 1 -W 1 10.0.1.1').output).toBe(
      'PING 10.0.1.1 (10.0.1.1) 56(84) bytes of data.\n64 bytes from 10.0.1.1: icmp_seq=1 ttl=64 time=0.1 ms',
    );
  });

  it('inverts with not: the reply from s2 also meets table 100 and goes back to s2', () => {
    const { run } = lab(['ip -n r rule add not iif rd table 100 pref 60']);
    const c = run('c', 'ping -c 1 -W 1 192.168.9.9');
    expect(c.output).toBe(`${HEADER}\n`);
    expect(c.captures.some((x) => x.netns === 's2' && x.interface === 's2r' && x.direction === 'rx')).toBe(
      true,
    );
  });
});

describe('fwmark routing, MARK and CONNMARK (the lab kernel, iptables 1.8.9 nf_tables)', () => {
  it('routes by a mark that mangle PREROUTING sets', () => {
    const { run } = lab([
      'ip netns exec r iptables -t mangle -A PREROUTING -i rc -p icmp -j MARK --set-mark 1',
      'ip -n r rule add fwmark 1 table 100',
    ]);
    expect(run('c', 'ping -c 1 -W 1 192.168.9.9').output).toBe(
      `${HEADER}\n64 bytes from 192.168.9.9: icmp_seq=1 ttl=63 time=0.1 ms`,
    );
  });

  it('routes again after mangle OUTPUT marks (ip_route_me_harder), keeping the first source', () => {
    const { run } = lab([
      'ip netns exec r iptables -t mangle -A OUTPUT -p icmp -j MARK --set-mark 1',
      'ip -n r rule add fwmark 1 table 100',
    ]);
    const r = run('r', 'ping -c 1 -W 1 192.168.9.9');
    expect(r.output).toBe(`${HEADER}\n64 bytes from 192.168.9.9: icmp_seq=1 ttl=64 time=0.1 ms`);
    // tcpdump on s2r: "IP 10.0.2.1 > 192.168.9.9: ICMP echo request".
    const seen = r.captures.find(
      (c) =>
        c.netns === 's2' &&
        c.interface === 's2r' &&
        c.direction === 'rx' &&
        c.layers.some((l) => l.proto === 'icmp'),
    );
    expect(seen?.layers.find((l) => l.proto === 'ipv4')).toMatchObject({
      src: '10.0.2.1',
      dst: '192.168.9.9',
    });
  });

  it('does not route again for a mark the filter table sets', () => {
    const { run } = lab([
      'ip netns exec r iptables -A OUTPUT -p icmp -j MARK --set-mark 1',
      'ip -n r rule add fwmark 1 table 100',
    ]);
    expect(run('r', 'ping -c 1 -W 1 192.168.9.9').output).toBe(`${HEADER}\n`);
  });

  it('restores a connection mark onto the reply, which the rule then sends back to s2', () => {
    const { run, sh } = lab([
      'ip netns exec r iptables -t mangle -A PREROUTING -i rc -p icmp -j CONNMARK --set-mark 1',
      'ip netns exec r iptables -t mangle -A PREROUTING -j CONNMARK --restore-mark',
      'ip -n r rule add fwmark 1 table 100',
    ]);
    expect(run('c', 'ping -c 1 -W 1 192.168.9.9').output).toBe(`${HEADER}\n`);
    expect(sh('r', 'conntrack -L')).toMatch(/src=10\.0\.1\.2 dst=192\.168\.9\.9 .* mark=1 use=1/);
    expect(sh('r', 'iptables -t mangle -L PREROUTING -n').split('\n').slice(2)).toEqual([
      'CONNMARK   1    --  0.0.0.0/0            0.0.0.0/0            CONNMARK set 0x1',
      'CONNMARK   0    --  0.0.0.0/0            0.0.0.0/0            CONNMARK restore',
    ]);
  });

  it('saves every packet mark: the reply that comes back unmarked clears the entry again', () => {
    const marks = [
      'ip netns exec r iptables -t mangle -A PREROUTING -i rc -p icmp -j MARK --set-mark 1',
      'ip netns exec r iptables -t mangle -A PREROUTING -j CONNMARK --save-mark',
      'ip netns exec r iptables -t mangle -A PREROUTING -m connmark --mark 1 -j ACCEPT',
    ];
    const counters = (sh: (ns: string, line: string) => string): string[] =>
      sh('r', 'iptables -t mangle -L PREROUTING -v -n')
        .split('\n')
        .slice(2)
        .map((l) => l.trim().split(/\s+/).slice(0, 3).join(' '));
    // No rule for the mark: the request goes to s1 and no reply comes.
    const lost = lab(marks);
    expect(lost.run('c', 'ping -c 1 -W 1 192.168.9.9').output).toBe(`${HEADER}\n`);
    expect(lost.sh('r', 'conntrack -L')).toMatch(/dst=192\.168\.9\.9 .* \[UNREPLIED\] .* mark=1 use=1/);
    expect(counters(lost.sh)).toEqual(['1 84 MARK', '1 84 CONNMARK', '1 84 ACCEPT']);
    // With `fwmark 1 table 100` the request reaches s2, and its reply saves mark 0.
    const back = lab([...marks, 'ip -n r rule add fwmark 1 table 100']);
    expect(back.run('c', 'ping -c 1 -W 1 192.168.9.9').output).toBe(
      `${HEADER}\n64 bytes from 192.168.9.9: icmp_seq=1 ttl=63 time=0.1 ms`,
    );
    expect(back.sh('r', 'conntrack -L')).toMatch(/id=\d+ src=192\.168\.9\.9 dst=10\.0\.1\.2 .* mark=0 use=1/);
    expect(counters(back.sh)).toEqual(['1 84 MARK', '2 168 CONNMARK', '1 84 ACCEPT']);
  });

  it('parses and prints CONNMARK and -m connmark as iptables does', () => {
    const lines = [
      '-A PREROUTING -j CONNMARK --restore-mark',
      '-A PREROUTING -m connmark --mark 0x1 -j ACCEPT',
      '-A PREROUTING -m connmark ! --mark 0x2/0xff -j ACCEPT',
      '-A OUTPUT -j CONNMARK --save-mark',
      '-A OUTPUT -j CONNMARK --save-mark --mask 0xff',
      '-A OUTPUT -j CONNMARK --restore-mark --nfmask 0xf --ctmask 0xf0',
      '-A OUTPUT -j CONNMARK --set-mark 5',
      '-A OUTPUT -j CONNMARK --set-xmark 5/0xf',
      '-A OUTPUT -j CONNMARK --set-mark 5/0xf',
      '-A OUTPUT -j CONNMARK --and-mark 5',
      '-A OUTPUT -j CONNMARK --or-mark 5',
      '-A OUTPUT -j CONNMARK --xor-mark 5',
    ];
    const { sh } = lab(lines.map((l) => `ip netns exec r iptables -t mangle ${l}`));
    expect(
      sh('r', 'iptables-save -t mangle')
        .split('\n')
        .filter((l) => l.startsWith('-A')),
    ).toEqual([
      '-A PREROUTING -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff',
      '-A PREROUTING -m connmark --mark 0x1 -j ACCEPT',
      '-A PREROUTING -m connmark ! --mark 0x2/0xff -j ACCEPT',
      '-A OUTPUT -j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff',
      '-A OUTPUT -j CONNMARK --save-mark --nfmask 0xff --ctmask 0xff',
      '-A OUTPUT -j CONNMARK --restore-mark --nfmask 0xf --ctmask 0xf0',
      '-A OUTPUT -j CONNMARK --set-xmark 0x5/0xffffffff',
      '-A OUTPUT -j CONNMARK --set-xmark 0x5/0xf',
      '-A OUTPUT -j CONNMARK --set-xmark 0x5/0xf',
      '-A OUTPUT -j CONNMARK --set-xmark 0x0/0xfffffffa',
      '-A OUTPUT -j CONNMARK --set-xmark 0x5/0x5',
      '-A OUTPUT -j CONNMARK --set-xmark 0x5/0x0',
    ]);
    const list = sh('r', 'iptables -t mangle -L -n')
      .split('\n')
      .filter((l) => l.startsWith('CONNMARK') || l.startsWith('ACCEPT'))
      .map((l) => l.replace(/^(\S+\s+){5}/, ''));
    expect(list).toEqual([
      'CONNMARK restore',
      'connmark match  0x1',
      'connmark match ! 0x2/0xff',
      'CONNMARK save',
      'CONNMARK save mask 0xff',
      'CONNMARK restore ctmask 0xf0 nfmask ~0xf',
      'CONNMARK set 0x5',
      'CONNMARK xset 0x5/0xf',
      'CONNMARK xset 0x5/0xf',
      'CONNMARK and 0x5',
      'CONNMARK or 0x5',
      'CONNMARK xor 0x5',
    ]);
    expect(() => sh('r', 'iptables -t mangle -A OUTPUT -j CONNMARK')).toThrow(
      'CONNMARK target: No operation specified',
    );
    expect(() => sh('r', 'iptables -t mangle -A OUTPUT -j CONNMARK --save-mark --restore-mark')).toThrow(
      'CONNMARK: option "--save-mark" cannot be used together with "--restore-mark".',
    );
    expect(() => sh('r', 'iptables -t mangle -A OUTPUT -m connmark -j ACCEPT')).toThrow(
      'connmark: option "--mark" must be specified',
    );
  });
});
