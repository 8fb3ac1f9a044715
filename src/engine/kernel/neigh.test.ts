/**
 * The neighbour table and ARP as net/ipv4/arp.c and net/core/neighbour.c behave:
 * arp_process learns the asker (neigh_event_ns -> STALE), a reply to us confirms
 * (REACHABLE), a STALE entry used for output goes to DELAY, and an unanswered
 * resolution sends mcast_solicit (3) requests retrans_time (1 s) apart, then FAILED and
 * ICMP host unreachable to the local sender (ipv4_link_failure).
 */
import { describe, expect, it } from 'vitest';
import { commandLab } from '../../../test/command-lab';
import { parseIp } from '../net/ipv4';
import { isValid, NeighTable } from './neigh';

/** One machine "h"; namespaces and cables made with the commands a learner types. */
const lab = (lines: string[]) => commandLab(lines, 'neigh-test');

/** a (10.0.0.1) <-veth-> b (10.0.0.2) */
const PAIR = [
  'ip netns add a',
  'ip netns add b',
  'ip link add va type veth peer name vb',
  'ip link set va netns a',
  'ip link set vb netns b',
  'ip -n a addr add 10.0.0.1/24 dev va',
  'ip -n b addr add 10.0.0.2/24 dev vb',
  'ip -n a link set va up',
  'ip -n b link set vb up',
  // ICMP errors for our own packets travel through lo (icmp_send routes them to our own address).
  'ip -n a link set lo up',
  'ip -n b link set lo up',
];

describe('NeighTable', () => {
  it('NUD_VALID states are the ones whose lladdr may be used', () => {
    for (const s of ['REACHABLE', 'STALE', 'DELAY', 'PROBE', 'PERMANENT', 'NOARP'] as const)
      expect(isValid(s)).toBe(true);
    for (const s of ['INCOMPLETE', 'FAILED'] as const) expect(isValid(s)).toBe(false);
  });

  it('formats as `ip neigh` (no lladdr while INCOMPLETE/FAILED)', () => {
    const { world } = lab(PAIR);
    const dev = world.netns.get('a')!.device('va')!;
    const base = { ip: parseIp('10.0.0.2')!, dev, queue: [], probes: 0, updated: 0, origin: '' };
    expect(NeighTable.format({ ...base, mac: '02:00:00:00:00:02', state: 'REACHABLE' })).toBe(
      '10.0.0.2 dev va lladdr 02:00:00:00:00:02 REACHABLE',
    );
    expect(NeighTable.format({ ...base, state: 'FAILED' })).toBe('10.0.0.2 dev va FAILED');
    expect(NeighTable.format({ ...base, state: 'INCOMPLETE' })).toBe('10.0.0.2 dev va INCOMPLETE');
  });

  it('link down flushes the device neighbours', () => {
    const { sh } = lab(PAIR);
    sh('a', 'ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev va');
    sh('a', 'ip link set va down');
    expect(sh('a', 'ip neigh')).toBe('');
  });
});

describe('ARP (arp_process, neigh state machine)', () => {
  it('a request for a local address leaves a STALE entry for the asker; the reply makes the asker REACHABLE', () => {
    const { sh, run, world } = lab(PAIR);
    const r = run('a', 'ping -c 1 10.0.0.2');
    expect(r.p.outcome).toEqual({ kind: 'ok' });
    const macA = world.netns.get('a')!.device('va')!.mac;
    const macB = world.netns.get('b')!.device('vb')!.mac;
    // The asker learned from a reply addressed to it: REACHABLE.
    expect(sh('a', 'ip neigh')).toBe(`10.0.0.2 dev va lladdr ${macB} REACHABLE`);
    // The target learned from the request (STALE) and then used the entry for the echo reply: DELAY.
    expect(sh('b', 'ip neigh')).toBe(`10.0.0.1 dev vb lladdr ${macA} DELAY`);
    const arpEvents = r.events.filter((e) => e.kind === 'arp').map((e) => `${e.netns} ${e.explain.code}`);
    expect(arpEvents).toEqual(['a arp.request-sent', 'b arp.request-local', 'a arp.reply-learned']);
  });

  it('the target learns the asker from the request itself: STALE (neigh_event_ns), before any reply', () => {
    const { run, world } = lab(PAIR);
    const r = run('a', 'ping -c 1 10.0.0.2');
    const macA = world.netns.get('a')!.device('va')!.mac;
    const answered = r.events.find((e) => e.netns === 'b' && e.explain.code === 'arp.request-local')!;
    // The table version in force right after b answered the request.
    const bNeigh = r.tables.filter(
      (t) => t.netns === 'b' && t.table === 'neigh' && t.step <= answered.step + 1,
    );
    expect(bNeigh.at(-1)!.rows).toEqual([`10.0.0.1 dev vb lladdr ${macA} STALE`]);
  });

  it('ip neigh add defaults to PERMANENT and no ARP is sent for that neighbour', () => {
    const { sh, run, world } = lab(PAIR);
    const macB = world.netns.get('b')!.device('vb')!.mac;
    sh('a', `ip neigh add 10.0.0.2 lladdr ${macB} dev va`);
    expect(sh('a', 'ip neigh')).toBe(`10.0.0.2 dev va lladdr ${macB} PERMANENT`);
    const r = run('a', 'ping -c 1 10.0.0.2');
    expect(r.p.outcome).toEqual({ kind: 'ok' });
    const asked = r.captures.filter(
      (c) => c.netns === 'a' && c.direction === 'tx' && c.layers[1]?.proto === 'arp' && c.layers[1].op === 1,
    );
    expect(asked).toHaveLength(0);
    expect(sh('a', 'ip neigh')).toBe(`10.0.0.2 dev va lladdr ${macB} PERMANENT`);
  });

  it('a STALE entry used for sending moves to DELAY', () => {
    const { sh, run, world } = lab(PAIR);
    const macB = world.netns.get('b')!.device('vb')!.mac;
    sh('a', `ip neigh add 10.0.0.2 lladdr ${macB} dev va nud stale`);
    const r = run('a', 'ping -c 1 10.0.0.2');
    expect(r.p.outcome).toEqual({ kind: 'ok' });
    const hit = r.events.find((e) => e.netns === 'a' && e.explain.code === 'neigh.hit')!;
    expect(hit.decidedBy!.row).toBe(`10.0.0.2 dev va lladdr ${macB} DELAY`);
  });

  it('unanswered: 3 requests a bucket past 1 s apart, then FAILED and host unreachable from our own address', () => {
    const { sh, run } = lab(PAIR);
    const r = run('a', 'ping -c 1 10.0.0.77');
    const reqs = r.captures.filter(
      (c) => c.netns === 'a' && c.direction === 'tx' && c.layers[1]?.proto === 'arp',
    );
    // The neighbour timer is a timer-wheel timer: the kernel sent its retries 1.005 to 1.031 s
    // apart (test/scenarios/neigh-retrans-wheel.test.ts), one jiffy to one 32 ms bucket late.
    const times = reqs.map((c) => c.time);
    expect(times).toHaveLength(3);
    for (let i = 1; i < 3; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1_004_000);
    for (let i = 1; i < 3; i++) expect(times[i]! - times[i - 1]!).toBeLessThanOrEqual(1_032_000);
    expect(r.output).toContain('From 10.0.0.1 icmp_seq=1 Destination Host Unreachable');
    expect(r.p.outcome?.kind).toBe('icmp-error');
    expect(sh('a', 'ip neigh')).toBe('10.0.0.77 dev va FAILED');
    // FAILED comes after the third request's retrans_time, on the wheel too.
    const failed = r.events.find((e) => e.reason === 'NEIGH_FAILED')!;
    expect(failed.time - times[2]!).toBeGreaterThanOrEqual(1_004_000);
    expect(failed.time - times[2]!).toBeLessThanOrEqual(1_032_000);
  });

  it('arp_ignore=1: no answer for an address that lives on another interface', () => {
    const { sh, run } = lab([
      ...PAIR,
      'ip -n b link add d0 type dummy',
      'ip -n b addr add 10.0.9.9/32 dev d0',
      'ip -n b link set d0 up',
      'ip -n a route add 10.0.9.9/32 dev va',
    ]);
    sh('b', 'sysctl -w net.ipv4.conf.vb.arp_ignore=1');
    const r = run('a', 'ping -c 1 10.0.9.9');
    expect(r.output).toContain('Destination Host Unreachable');
    sh('b', 'sysctl -w net.ipv4.conf.vb.arp_ignore=0');
    sh('a', 'ip neigh flush dev va');
    expect(run('a', 'ping -c 1 10.0.9.9').p.outcome).toEqual({ kind: 'ok' });
  });
});

/**
 * c (10.0.0.2/16, thinks 10.0.2.0/24 is on its link) -- r (10.0.1.1/24 | 10.0.2.1/24) -- s (10.0.2.2/24).
 * proxy_arp (arp_fwd_proxy) answers only when proxy_arp is on for the ingress device, forwarding is
 * on for it, and the route to the target leaves by another interface.
 */
const PROXY = [
  'ip netns add c',
  'ip netns add r',
  'ip netns add s',
  'ip link add cr type veth peer name rc',
  'ip link add rs type veth peer name sr',
  'ip link set cr netns c',
  'ip link set rc netns r',
  'ip link set rs netns r',
  'ip link set sr netns s',
  'ip -n c addr add 10.0.1.2/16 dev cr',
  'ip -n r addr add 10.0.1.1/24 dev rc',
  'ip -n r addr add 10.0.2.1/24 dev rs',
  'ip -n s addr add 10.0.2.2/24 dev sr',
  'ip -n c link set cr up',
  'ip -n r link set rc up',
  'ip -n r link set rs up',
  'ip -n s link set sr up',
  'ip -n s route add default via 10.0.2.1',
  'ip -n c link set lo up',
];

describe('proxy ARP', () => {
  it('answers with the router MAC when proxy_arp and forwarding are on and the route leaves elsewhere', () => {
    const { sh, run, world } = lab(PROXY);
    sh('r', 'sysctl -w net.ipv4.ip_forward=1');
    sh('r', 'sysctl -w net.ipv4.conf.rc.proxy_arp=1');
    const r = run('c', 'ping -c 1 10.0.2.2');
    expect(r.p.outcome).toEqual({ kind: 'ok' });
    const rcMac = world.netns.get('r')!.device('rc')!.mac;
    expect(sh('c', 'ip neigh')).toBe(`10.0.2.2 dev cr lladdr ${rcMac} REACHABLE`);
  });

  it('stays silent without proxy_arp', () => {
    const { sh, run } = lab(PROXY);
    sh('r', 'sysctl -w net.ipv4.ip_forward=1');
    const r = run('c', 'ping -c 1 10.0.2.2');
    expect(r.output).toContain('From 10.0.1.2 icmp_seq=1 Destination Host Unreachable');
  });

  it('stays silent without forwarding', () => {
    const { sh, run } = lab(PROXY);
    sh('r', 'sysctl -w net.ipv4.conf.rc.proxy_arp=1');
    const r = run('c', 'ping -c 1 10.0.2.2');
    expect(r.output).toContain('Destination Host Unreachable');
  });

  it('stays silent when the route to the target goes back out the interface the request came in on', () => {
    const { sh, run } = lab(PROXY);
    sh('r', 'sysctl -w net.ipv4.ip_forward=1');
    sh('r', 'sysctl -w net.ipv4.conf.rc.proxy_arp=1');
    const r = run('c', 'ping -c 1 10.0.1.77');
    expect(r.output).toContain('Destination Host Unreachable');
    expect(r.events.some((e) => e.explain.code === 'arp.proxy')).toBe(false);
  });
});

describe('ip neigh flush and show select by prefix (iproute2 ipneigh.c, get_prefix)', () => {
  /** Entries as the kernel listed them in a namespace (its order is the hash table's). */
  const rows = (out: string): string[] =>
    out
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .sort();

  it('flushes one address, a prefix or all, keeping PERMANENT entries, as measured', () => {
    const { sh } = lab(PAIR);
    sh('a', 'ip neigh add 10.0.0.5 lladdr 02:00:00:00:00:05 dev va nud stale');
    sh('a', 'ip neigh add 10.0.0.6 lladdr 02:00:00:00:00:06 dev va nud reachable');
    sh('a', 'ip neigh add 10.0.0.7 lladdr 02:00:00:00:00:07 dev va');
    sh('a', 'ip neigh add 10.1.0.8 lladdr 02:00:00:00:00:08 dev va nud stale');
    const p5 = '10.0.0.5 dev va lladdr 02:00:00:00:00:05 STALE';
    const p6 = '10.0.0.6 dev va lladdr 02:00:00:00:00:06 REACHABLE';
    const p7 = '10.0.0.7 dev va lladdr 02:00:00:00:00:07 PERMANENT';
    const p8 = '10.1.0.8 dev va lladdr 02:00:00:00:00:08 STALE';
    expect(rows(sh('a', 'ip neigh show 10.0.0.0/24'))).toEqual([p5, p6, p7]);
    expect(() => sh('a', 'ip neigh flush')).toThrow('Flush requires arguments.');
    expect(() => sh('a', 'ip neigh flush zz')).toThrow(
      'Error: any valid prefix is expected rather than "zz".',
    );
    sh('a', 'ip neigh flush 10.0.0.5');
    expect(rows(sh('a', 'ip neigh'))).toEqual([p6, p7, p8]);
    sh('a', 'ip neigh flush to 10.0.0.0/16');
    expect(rows(sh('a', 'ip neigh'))).toEqual([p7, p8]);
    sh('a', 'ip neigh flush all');
    expect(rows(sh('a', 'ip neigh'))).toEqual([p7]);
  });

  it('ip -6 neigh is the same command over nd_tbl: flush and show select by prefix, as measured', () => {
    const { sh } = lab(PAIR);
    sh('a', 'ip -6 neigh add fd00::5 lladdr 02:00:00:00:00:05 dev va nud stale');
    sh('a', 'ip -6 neigh add fd00::6 lladdr 02:00:00:00:00:06 dev va nud reachable');
    sh('a', 'ip -6 neigh add fd00::7 lladdr 02:00:00:00:00:07 dev va');
    sh('a', 'ip -6 neigh add fd01::8 lladdr 02:00:00:00:00:08 dev va nud stale router');
    const p5 = 'fd00::5 dev va lladdr 02:00:00:00:00:05 STALE';
    const p6 = 'fd00::6 dev va lladdr 02:00:00:00:00:06 REACHABLE';
    const p7 = 'fd00::7 dev va lladdr 02:00:00:00:00:07 PERMANENT';
    const p8 = 'fd01::8 dev va lladdr 02:00:00:00:00:08 router STALE';
    expect(rows(sh('a', 'ip -6 neigh show fd00::/64'))).toEqual([p5, p6, p7]);
    expect(rows(sh('a', 'ip -6 neigh show dev va fd01::8'))).toEqual([
      'fd01::8 lladdr 02:00:00:00:00:08 router STALE',
    ]);
    expect(() => sh('a', 'ip -6 neigh flush zz')).toThrow(
      'Error: inet6 prefix is expected rather than "zz".',
    );
    sh('a', 'ip -6 neigh flush fd00::5');
    expect(rows(sh('a', 'ip -6 neigh'))).toEqual([p6, p7, p8]);
    sh('a', 'ip -6 neigh flush to fd00::/16');
    expect(rows(sh('a', 'ip -6 neigh'))).toEqual([p7, p8]);
    sh('a', 'ip -6 neigh flush all');
    expect(rows(sh('a', 'ip -6 neigh'))).toEqual([p7]);
  });
});
