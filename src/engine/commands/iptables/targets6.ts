/**
 * ip6tables' own targets where they differ from IPv4's: libip6t_REJECT's ICMPv6 reject types
 * and the NAT66 targets' bracketed `[2001:db8::1]:80` ranges (libxt_NAT's IPv6 parser).
 */
import { parseIp6 } from '../../net/ipv6';
import type { NatRange, Target } from '../../kernel/netfilter/types';
import { param } from './errors';
import { portsNeedProto, TARGETS, type TargetDef } from './targets';

/** libip6t_REJECT's reject_table: each name and alias, and the type it saves as. */
const REJECT6_TYPES: Record<string, string> = {
  'icmp6-no-route': 'icmp6-no-route',
  'no-route': 'icmp6-no-route',
  'icmp6-adm-prohibited': 'icmp6-adm-prohibited',
  'adm-prohibited': 'icmp6-adm-prohibited',
  'icmp6-addr-unreachable': 'icmp6-addr-unreachable',
  'addr-unreach': 'icmp6-addr-unreachable',
  'icmp6-port-unreachable': 'icmp6-port-unreachable',
  'port-unreach': 'icmp6-port-unreachable',
  'icmp6-policy-fail': 'icmp6-policy-fail',
  'policy-fail': 'icmp6-policy-fail',
  'icmp6-reject-route': 'icmp6-reject-route',
  'reject-route': 'icmp6-reject-route',
  'tcp-reset': 'tcp-reset',
  'tcp-rst': 'tcp-reset',
};

/** "A", "A-B", "[A]:P", "[A-B]:P-P2" or ":P" (xtables' parse_to for NFPROTO_IPV6). */
export function parseNatRange6(s: string): NatRange {
  const m = /^(?:\[([^\]]*)\]|([^[\]]*?))(?::(\d+)(?:-(\d+))?)?$/.exec(s);
  const addrPart = m ? (m[1] ?? m[2] ?? '') : s;
  const range: NatRange = { addrFrom: 0, addrTo: 0 };
  if (!m) throw param(`Invalid address "${s}"\n`);
  // A bare IPv6 address has colons of its own: only a bracketed one can carry a port.
  const bare = m[2] !== undefined && m[3] !== undefined;
  const text = bare ? s : addrPart;
  if (text !== '') {
    const [a, b, extra] = text.split('-');
    const from = parseIp6(a!);
    const to = b === undefined ? from : parseIp6(b);
    if (from === null || to === null || extra !== undefined) throw param(`Bad IP address "${text}"`);
    range.addr6From = from;
    range.addr6To = to;
  }
  if (!bare && m[3] !== undefined) {
    const from = Number(m[3]);
    const to = m[4] !== undefined ? Number(m[4]) : from;
    if (from === 0 || from > 65535 || to > 65535) throw param(`Port "${s}" not valid\n`);
    if (to < from) throw param(`Invalid port range "${s}"\n`);
    range.ports = { from, to };
  }
  return range;
}

function nat6(kind: 'SNAT' | 'DNAT'): TargetDef {
  const opt = kind === 'SNAT' ? 'to-source' : 'to-destination';
  const base = TARGETS[kind]!;
  return {
    ...base,
    parse: (d, o, take, spec) => {
      if (o !== opt) return base.parse(d, o, take, spec);
      if (d.to) throw param(`${kind}: option "--${opt}" can only be used once.\n`);
      const r = parseNatRange6(take());
      if (r.ports) portsNeedProto(spec);
      d.to = r;
    },
  };
}

export const TARGETS6: Record<string, TargetDef> = {
  ...TARGETS,
  REJECT: {
    opts: ['reject-with'],
    parse: (d, _opt, take) => {
      const v = take();
      const t = REJECT6_TYPES[v];
      if (!t) throw param(`unknown reject type "${v}"`);
      d.with = t;
    },
    finish: (d): Target => ({
      kind: 'REJECT',
      with: (d.with as string | undefined) ?? 'icmp6-port-unreachable',
    }),
  },
  SNAT: nat6('SNAT'),
  DNAT: nat6('DNAT'),
};
