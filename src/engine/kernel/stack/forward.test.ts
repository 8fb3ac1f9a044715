/**
 * Forwarding and the ICMP the kernel generates (net/ipv4/ip_forward.c, route.c, icmp.c),
 * TCP RST and UDP port unreachable for closed ports. Expected outputs are iputils ping's
 * and curl's own words.
 */
import { describe, expect, it } from 'vitest';
import { commandLab } from '../../../../test/command-lab';
import type { IcmpLayer, Ipv4Layer, TcpLayer } from '../../net/layers';
import { loadScenario } from '../../scenario/load';
import { traceFlow } from '../../sim/run';

const lab = (lines: string[]) => commandLab(lines, 'forward-test');

/** c (10.0.1.2) --cr/rc-- r (10.0.1.1 | 10.0.2.1) --rs/sr-- s (10.0.2.2) */
const CHAIN = [
  'ip netns add c',
  'ip netns add r',
  'ip netns add s',
  'ip link add cr type veth peer name rc',
  'ip link add rs type veth peer name sr',
  'ip link set cr netns c',
  'ip link set rc netns r',
  'ip link set rs netns r',
  'ip link set sr netns s',
  'ip -n c addr add 10.0.1.2/24 dev cr',
  'ip -n r addr add 10.0.1.1/24 dev rc',
  'ip -n r addr add 10.0.2.1/24 dev rs',
  'ip -n s addr add 10.0.2.2/24 dev sr',
  'ip -n c link set cr up',
  'ip -n r link set rc up',
  'ip -n r link set rs up',
  'ip -n s link set sr up',
  'ip -n c link set lo up',
  'ip -n s link set lo up',
  'ip -n c route add default via 10.0.1.1',
  'ip -n s route add default via 10.0.2.1',
];

/** ICMP messages received by `ns` on any interface. */
function icmpIn(captures: ReturnType<ReturnType<typeof lab>['run']>['captures'], ns: string) {
  return captures
    .filter((c) => c.netns === ns && c.direction === 'rx' && c.link === 'eth')
    .map((c) => c.layers)
    .filter((l) => l[2]?.proto === 'icmp')
    .map((l) => ({ ip: l[1] as Ipv4Layer, icmp: l[2] as IcmpLayer, quoted: l[3] as Ipv4Layer | undefined }));
}

describe('forwarding', () => {
  it('forwards with ip_forward=1 and decrements TTL once per hop', () => {
    const { sh, run } = lab(CHAIN);
    sh('r', 'sysctl -w net.ipv4.ip_forward=1');
    const r = run('c', 'ping -c 1 10.0.2.2');
    expect(r.output).toContain('64 bytes from 10.0.2.2: icmp_seq=1 ttl=63');
    const atS = r.captures.find(
      (c) => c.netns === 's' && c.direction === 'rx' && c.layers[1]?.proto === 'ipv4',
    )!;
    expect((atS.layers[1] as Ipv4Layer).ttl).toBe(63);
  });

  it('ip_forward=0: the router drops silently (ip_error only counts EHOSTUNREACH), the ping times out', () => {
    const { run } = lab(CHAIN);
    const r = run('c', 'ping -c 1 -W 2 10.0.2.2');
    expect(r.p.outcome).toEqual({ kind: 'timeout' });
    expect(icmpIn(r.captures, 'c')).toHaveLength(0);
    expect(r.captures.some((c) => c.netns === 's')).toBe(false);
    expect(r.events.find((e) => e.kind === 'drop')).toMatchObject({ netns: 'r', reason: 'IP_INADDRERRORS' });
  });

  it('TTL 1 forwarded: ICMP time exceeded from the router, quoting the packet with TTL 1', () => {
    const { sh, run } = lab(CHAIN);
    sh('r', 'sysctl -w net.ipv4.ip_forward=1');
    const r = run('c', 'ping -c 1 -t 1 10.0.2.2');
    expect(r.output).toContain('From 10.0.1.1 icmp_seq=1 Time to live exceeded');
    const [m] = icmpIn(r.captures, 'c');
    expect(m).toMatchObject({ icmp: { type: 11, code: 0 }, ip: { src: '10.0.1.1', dst: '10.0.1.2' } });
    expect(m!.quoted!.ttl).toBe(1);
    expect(r.captures.some((c) => c.netns === 's')).toBe(false);
  });

  it('DF and bigger than the egress MTU: ICMP frag needed carrying the MTU (ip_forward, ip_exceeds_mtu)', () => {
    const { sh, run } = lab(CHAIN);
    sh('r', 'sysctl -w net.ipv4.ip_forward=1');
    sh('r', 'ip link set rs mtu 1300');
    const r = run('c', 'ping -c 1 -M do -s 1400 10.0.2.2');
    expect(r.output).toContain('From 10.0.1.1 icmp_seq=1 Frag needed and DF set (mtu = 1300)');
    const [m] = icmpIn(r.captures, 'c');
    expect(m!.icmp).toMatchObject({ type: 3, code: 4, mtu: 1300 });
    // The MTU check comes before the TTL decrement: the quoted header still has TTL 64.
    expect(m!.quoted!.ttl).toBe(64);
  });

  it('a packet that fits passes the same router', () => {
    const { sh, run } = lab(CHAIN);
    sh('r', 'sysctl -w net.ipv4.ip_forward=1');
    sh('r', 'ip link set rs mtu 1300');
    expect(run('c', 'ping -c 1 -M do -s 1272 10.0.2.2').p.outcome).toEqual({ kind: 'ok' });
  });

  it('no route on the router: ICMP net unreachable', () => {
    const { sh, run } = lab(CHAIN);
    sh('r', 'sysctl -w net.ipv4.ip_forward=1');
    const r = run('c', 'ping -c 1 10.7.7.7');
    expect(r.output).toContain('From 10.0.1.1 icmp_seq=1 Destination Net Unreachable');
  });

  it('a routing loop ends by TTL: time exceeded comes back, the run terminates', () => {
    const { sh, run } = lab(CHAIN);
    sh('r', 'sysctl -w net.ipv4.ip_forward=1');
    sh('s', 'sysctl -w net.ipv4.ip_forward=1');
    sh('r', 'ip route add 10.99.0.0/16 via 10.0.2.2');
    // s's default route points back at r: 10.99.0.0/16 bounces until TTL runs out.
    const r = run('c', 'ping -c 1 10.99.0.1');
    expect(r.output).toMatch(/From 10\.0\.\d\.\d icmp_seq=1 Time to live exceeded/);
  });
});

/**
 * c (10.0.1.2), r (10.0.1.1) and g (10.0.1.3) share bridge br0 in the root netns. c's default
 * route is r; r sends 10.9.0.0/16 to g, back out the interface it came in on: RTCF_DOREDIRECT.
 */
const LAN = [
  'ip link add br0 type bridge',
  'ip link set br0 up',
  ...['c', 'r', 'g'].flatMap((n, i) => [
    `ip netns add ${n}`,
    `ip link add ${n}0 type veth peer name br-${n}`,
    `ip link set ${n}0 netns ${n}`,
    `ip link set br-${n} master br0`,
    `ip link set br-${n} up`,
    `ip -n ${n} addr add 10.0.1.${[2, 1, 3][i]}/24 dev ${n}0`,
    `ip -n ${n} link set ${n}0 up`,
    `ip -n ${n} link set lo up`,
  ]),
  'ip -n c route add default via 10.0.1.1',
  'ip -n r route add 10.9.0.0/16 via 10.0.1.3',
  'ip -n g link add d0 type dummy',
  'ip -n g addr add 10.9.0.1/16 dev d0',
  'ip -n g link set d0 up',
];

describe('ICMP redirect', () => {
  it('r forwards back out its ingress to a gateway on the sender subnet and tells c about 10.0.1.3', () => {
    const { sh, run } = lab(LAN);
    sh('r', 'sysctl -w net.ipv4.ip_forward=1');
    const r = run('c', 'ping -c 1 10.9.0.1');
    const redirects = icmpIn(r.captures, 'c').filter((m) => m.icmp.type === 5);
    expect(redirects).toHaveLength(1);
    expect(redirects[0]!.icmp).toMatchObject({ code: 1, gateway: '10.0.1.3' });
    expect(redirects[0]!.ip.src).toBe('10.0.1.1');
  });

  it('ping prints the redirect and keeps waiting: the echo reply still arrives (iputils: a redirect is not an error)', () => {
    // iputils ping4_parse_reply: error_pkt = type != REDIRECT && type != SOURCE_QUENCH; real output:
    //   From 10.0.1.1: icmp_seq=1 Redirect Host(New nexthop: 10.0.1.3)
    //   64 bytes from 10.9.0.1: icmp_seq=1 ttl=64 time=...
    const { sh, run } = lab(LAN);
    sh('r', 'sysctl -w net.ipv4.ip_forward=1');
    const r = run('c', 'ping -c 1 10.9.0.1');
    expect(r.output).toContain('64 bytes from 10.9.0.1: icmp_seq=1');
    expect(r.p.outcome).toEqual({ kind: 'ok' });
  });

  it('the redirect quotes the header as forwarded: ip_forward decrements TTL before ip_rt_send_redirect', () => {
    const { sh, run } = lab(LAN);
    sh('r', 'sysctl -w net.ipv4.ip_forward=1');
    const r = run('c', 'ping -c 1 10.9.0.1');
    const [redirect] = icmpIn(r.captures, 'c').filter((m) => m.icmp.type === 5);
    expect(redirect!.quoted!.ttl).toBe(63);
  });

  it('send_redirects=0 on all and the device: no redirect', () => {
    const { sh, run } = lab(LAN);
    sh('r', 'sysctl -w net.ipv4.ip_forward=1');
    sh('r', 'sysctl -w net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.r0.send_redirects=0');
    const r = run('c', 'ping -c 1 10.9.0.1');
    expect(icmpIn(r.captures, 'c').filter((m) => m.icmp.type === 5)).toHaveLength(0);
    expect(r.p.outcome).toEqual({ kind: 'ok' });
  });
});

/** Two machines on a switch, built through the scenario loader; B listens on tcp/80 only. */
const TWO = `
version: 1
id: two
group: Basics
concept: {en: "x", zh: "x"}
title: {en: "x", zh: "x"}
description: {en: "x", zh: "x"}
segments:
  lan: {}
machines:
  A:
    nics:
      - {name: eth0, segment: lan, addr: 192.168.0.1/24}
    setup:
      - ip link set lo up
  B:
    nics:
      - {name: eth0, segment: lan, addr: 192.168.0.2/24}
servers:
  - {netns: B, listen: tcp/80, process: nginx, reply: 612}
flows:
  - {id: curl-open, netns: A, command: "curl http://192.168.0.2/", title: {en: x, zh: x}}
  - {id: curl-closed, netns: A, command: "curl http://192.168.0.2:8080/", title: {en: x, zh: x}}
  - {id: udp-closed, netns: A, command: "nc -u 192.168.0.2 5353", title: {en: x, zh: x}}
`;

describe('closed ports', () => {
  const s = loadScenario(TWO, 'two.yaml');

  it('an open port answers', () => {
    const t = traceFlow(s, 'curl-open');
    expect(t.verdict).toBe('delivered');
  });

  it('TCP SYN to a closed port: RST+ACK acking the SYN (tcp_v4_send_reset), curl cannot connect', () => {
    const t = traceFlow(s, 'curl-closed');
    expect(t.verdict).toBe('refused');
    // curl 7.88.1 on the kernel: "curl: (7) Failed to connect to ... after 9 ms: Couldn't connect to server".
    expect(t.output).toMatch(
      /^curl: \(7\) Failed to connect to 192\.168\.0\.2 port 8080 after \d+ ms: Couldn't connect to server$/,
    );
    const syn = t.captures.find(
      (c) => c.netns === 'A' && c.direction === 'tx' && c.layers[2]?.proto === 'tcp',
    )!;
    const rst = t.captures.find(
      (c) => c.netns === 'B' && c.direction === 'tx' && c.layers[2]?.proto === 'tcp',
    )!;
    const synTcp = syn.layers[2] as TcpLayer;
    expect(rst.layers[2]).toMatchObject({ flags: 'R.', seq: 0, ack: (synTcp.seq + 1) >>> 0, sport: 8080 });
  });

  it('UDP to a closed port: ICMP port unreachable quoting the datagram', () => {
    const t = traceFlow(s, 'udp-closed');
    const back = t.captures.find(
      (c) => c.netns === 'A' && c.direction === 'rx' && c.layers[2]?.proto === 'icmp',
    )!;
    expect(back.layers[2]).toMatchObject({ type: 3, code: 3 });
    expect(back.layers[1]).toMatchObject({ src: '192.168.0.2', dst: '192.168.0.1' });
    expect(back.layers[4]).toMatchObject({ proto: 'udp', dport: 5353 });
    // ECONNREFUSED is a hard error: OpenBSD nc's next read fails and it exits at once, silently
    // (measured: 0.05 s, no output, exit 0).
    expect(t.output).toBe('');
    expect(t.verdict).toBe('dropped');
  });
});
