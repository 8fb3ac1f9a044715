import { describe, expect, it } from 'vitest';
import type { Trace, TraceEvent } from '../types';
import { columnOrder, deciderPanel } from './decider';
import { journeyRows, rowAt } from './journey';
import { packetSummary } from './summary';

const ev = (step: number, netns: string, over: Partial<TraceEvent> = {}): TraceEvent => ({
  step,
  time: step,
  netns,
  machine: netns.startsWith('pod') ? 'node1' : netns,
  kind: 'tx',
  explain: { code: 'tx', args: {} },
  explanation: '',
  ...over,
});

const trace = (events: TraceEvent[]): Trace => ({ events }) as unknown as Trace;

describe('deciderPanel', () => {
  it('brings forward the table that decided, iptables when rules ran, else the headers', () => {
    const masq = '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE';
    expect(
      deciderPanel(ev(0, 'host1', { decidedBy: { table: 'iptables', netns: 'host1', row: masq } })),
    ).toBe('iptables');
    expect(deciderPanel(ev(0, 'h', { decidedBy: { table: 'neigh', netns: 'h', row: 'r' } }))).toBe('neigh');
    expect(deciderPanel(ev(0, 'h', { decidedBy: { table: 'sysctl', netns: 'h', row: 'r' } }))).toBe(
      'headers',
    );
    expect(
      deciderPanel(
        ev(0, 'h', {
          traversed: [{ table: 'filter', chain: 'FORWARD', row: '-P FORWARD ACCEPT', matched: true }],
        }),
      ),
    ).toBe('iptables');
    expect(
      deciderPanel(
        ev(0, 'gw', {
          decidedBy: { table: 'nftables', netns: 'gw', row: '\t\ttcp dport 22 accept' },
          traversed: [
            { table: 'inet filter', chain: 'input', row: '\t\ttcp dport 22 accept', matched: true },
          ],
        }),
      ),
    ).toBe('nftables');
    // ip6tables' FORWARD policy drop: its rules are listed in the iptables panel.
    expect(
      deciderPanel(
        ev(0, 'r', {
          kind: 'drop',
          decidedBy: { table: 'ip6tables', netns: 'r', row: '-P FORWARD DROP' },
          traversed: [{ table: 'filter', chain: 'FORWARD', row: '-P FORWARD DROP', matched: true }],
        }),
      ),
    ).toBe('iptables');
    expect(deciderPanel(undefined)).toBe('headers');
  });

  it('orders the column: the decider, the header stack, then the rest once each', () => {
    const order = columnOrder('routes');
    expect(order.slice(0, 2)).toEqual(['routes', 'headers']);
    expect(new Set(order).size).toBe(order.length);
    expect(columnOrder('headers')[0]).toBe('headers');
  });
});

describe('packetSummary', () => {
  it('reads a VXLAN frame outermost first, without Ethernet', () => {
    expect(
      packetSummary([
        { proto: 'eth', src: 'a', dst: 'b', type: 0x800 },
        {
          proto: 'ipv4',
          src: '10.10.10.216',
          dst: '10.10.10.217',
          ttl: 64,
          protocol: 17,
          id: 1,
          df: false,
          tos: 0,
        },
        { proto: 'udp', sport: 36127, dport: 8472 },
        { proto: 'vxlan', vni: 1 },
        { proto: 'eth', src: 'c', dst: 'd', type: 0x800 },
        {
          proto: 'ipv4',
          src: '10.244.0.2',
          dst: '10.244.1.2',
          ttl: 63,
          protocol: 1,
          id: 2,
          df: true,
          tos: 0,
        },
        { proto: 'icmp', type: 8, code: 0 },
      ]),
    ).toBe(
      '10.10.10.216 > 10.10.10.217 · UDP 36127 > 8472 · VXLAN 1 · 10.244.0.2 > 10.244.1.2 · ICMP echo request',
    );
    expect(
      packetSummary([{ proto: 'arp', op: 1, sha: 'm', spa: '10.0.0.1', tha: '0', tpa: '10.0.0.2' }]),
    ).toBe('ARP who-has 10.0.0.2 tell 10.0.0.1');
  });
});

describe('journeyRows', () => {
  const events = [
    ev(0, 'pod-a', { packetId: 1, interface: 'eth0' }),
    ev(1, 'pod-a', { packetId: 1, interface: 'eth0' }),
    ev(2, 'node1', { packetId: 1, interface: 'veth1' }),
    ev(3, 'node1', { packetId: 2, interface: 'cni0' }),
    ev(4, 'node1', { packetId: 2, interface: 'cni0' }),
  ];
  const explain = (code: string) => ({ code, args: {} });
  const hops = [
    {
      first: 0,
      last: 2,
      focus: 1,
      machine: 'node1',
      netns: 'pod-a',
      from: { netns: 'pod-a', interface: 'eth0' },
      to: { netns: 'node1', interface: 'veth1' },
      reply: false,
      explain: explain('leave'),
    },
    {
      first: 3,
      last: 4,
      focus: 3,
      machine: 'node1',
      netns: 'node1',
      reply: true,
      key: ['drop'],
      explain: explain('drop'),
    },
  ];

  it("is the Trace's hops: the same spans, the interfaces crossed, reply and drop marks", () => {
    const rows = journeyRows({ ...trace(events), hops } as unknown as Trace);
    expect(rows.map((r) => [r.first, r.last, r.focus, r.explain.code, r.reply, r.drop])).toEqual([
      [0, 2, 1, 'leave', false, false],
      [3, 4, 3, 'drop', true, true],
    ]);
    expect(rows[0]!.interfaces).toEqual(['eth0', 'veth1']);
    // A hop that names no from/to shows the interface of its own event.
    expect(rows[1]!.interfaces).toEqual(['cni0']);
    expect(rowAt(rows, 2)).toBe(0);
    expect(rowAt(rows, 4)).toBe(1);
    expect(rowAt(rows, 9)).toBe(-1);
  });
});
