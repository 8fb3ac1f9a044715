/**
 * Names the cause of a random scenario's difference, so a campaign's summary counts causes
 * rather than symptoms. The numbered causes are issue 16's kernel behaviours, each confirmed
 * on the kernel with a minimal scenario; anything else is named by the field that differs.
 */
import type { Scenario } from '../../engine';

const setupText = (s: Scenario): string => s.machines.flatMap((m) => m.setup.map((x) => x.run)).join('\n');

/** Rules in order; the first whose test holds names the cause. */
const RULES: { cause: string; test: (d: string, cmd: string, setup: string) => boolean }[] = [
  {
    cause: '1 UDP datagrams leave with DF set (IP_PMTUDISC_WANT)',
    test: (d, cmd) => /ipv4\.df: kernel true, trace false/.test(d) && /\bnc\b.*-u/.test(cmd),
  },
  {
    cause: '2 ICMP redirects with a nat table',
    test: (d) => /icmp 5\//.test(d) || /icmp\.type: kernel \d+, trace 5\b|icmp\.type: kernel 5\b/.test(d),
  },
  {
    cause: '3 REJECT tcp-reset RST and NAT',
    test: (d, _c, setup) => /tcp-reset/.test(setup) && /tcp R|tcp\.flags|ipv4\.src/.test(d),
  },
  {
    cause: '4 ICMP error source address',
    test: (d) => /ipv4\.src: kernel "[\d.]+", trace "[\d.]+"/.test(d) && /icmp|REJECT/.test(d + 'icmp'),
  },
  {
    cause: '5 strict rp_filter',
    test: (d, _c, setup) => /rp_filter=1/.test(setup) && !d.startsWith('output line'),
  },
  {
    cause: '6 a second connection to the same server',
    test: (d, cmd, setup) => {
      const dst = /(\d+\.\d+\.\d+\.\d+)/.exec(cmd)?.[1];
      return (
        !!dst &&
        /tcp|output/.test(d) &&
        new RegExp(`(curl|nc)\\b.*${dst.replace(/\./g, '\\.')}\\b`).test(setup)
      );
    },
  },
  {
    // A server whose SYN-ACK gets no ACK (seed 1006: the client's router drops it) sends it
    // again from the request's timer (reqsk_timer_handler) and answers every retransmitted
    // SYN with one (tcp_check_req -> inet_rtx_syn_ack); the model answers the first SYN only.
    cause: 'SYN-ACK retransmission by a server in SYN_RECV (not modelled)',
    test: (d) => /kernel sent a frame the trace lacks \(eth\/ipv4\/tcp S\.\)/.test(d),
  },
  {
    // An entry learnt from an ARP request is STALE (neigh_event_ns); sending through it starts
    // DELAY, and with no confirmation delay_first_probe_time (5 s, rounded up by the timer
    // wheel) later it becomes PROBE and sends a unicast ARP request (neigh_timer_handler).
    // The model has no DELAY timer: where the kernel probes, the trace has the next IP frame.
    cause: 'neighbour re-confirmation: NUD_DELAY -> NUD_PROBE unicast ARP (not modelled)',
    test: (d) => /eth\.type: kernel 2054, trace 2048/.test(d),
  },
  {
    cause: '7 SYN retransmission',
    test: (d) => /kernel sent a frame the trace lacks \(eth\/ipv4\/tcp S\)/.test(d),
  },
  {
    // net/core/dev.c: veth_xmit -> __dev_forward_skb -> is_skb_forwardable drops a frame
    // longer than the receiving device's MTU + hard header + VLAN_HLEN (rx_dropped).
    cause: 'MTU: a veth drops frames longer than the receiver MTU (is_skb_forwardable)',
    test: (d, _c, setup) =>
      / mtu \d+/.test(setup) && / rx frame \d+: the trace has a frame the kernel did not send/.test(d),
  },
  {
    cause: "8 applications' error words",
    test: (d) => d.startsWith('output line'),
  },
];

/** The cause of a flow's first difference (its difference texts, the flow's command). */
export function classify(s: Scenario, command: string, diffs: string[]): string {
  const setup = setupText(s);
  // Frames decide the cause; the output counts only when the frames all agree (an
  // application reporting a lost packet in other words follows from the packet's fate).
  const frames = diffs.filter((d) => !d.startsWith('output line'));
  if (frames.length > 0) diffs = frames;
  for (const r of RULES) if (diffs.some((d) => r.test(d, command, setup))) return r.cause;
  const first = diffs[0] ?? '';
  const field = /: ([a-z0-9]+\.[a-z]+):/.exec(first)?.[1];
  if (field) return `unclassified: ${field}`;
  const frame =
    /(kernel sent a frame the trace lacks|the trace has a frame the kernel did not send) \(([^)]*)\)/.exec(
      first,
    );
  if (frame) return `unclassified: ${frame[1]} (${frame[2]!.replace(/\/\d+$/, '')})`;
  return `unclassified: ${first.replace(/[\d.]+/g, 'N').slice(0, 80)}`;
}
