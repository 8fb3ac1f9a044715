/**
 * NAT questions: does the source (or destination) change here and to what; what conntrack makes of
 * a reply; and the classic misconception that a router changes the source when it forwards.
 * The right answer is the NAT event's own before/after; distractors are other addresses of the
 * same world (the namespace's other interfaces, other DNAT targets in its iptables rows).
 */
import type { Trace, TraceEvent } from '../../types';
import { arrange, msg } from './build';
import type { MChoice, MQuestion } from './types';
import { addressesOf, hopOf, hostOf, ipOf, rowsAt } from './world';

/** The nat rule that decided the NAT at event `i` (the nf.nat-rule event just before it in its hop). */
function natRule(trace: Trace, i: number): string {
  const h = hopOf(trace, i);
  for (let j = i - 1; j >= (h?.first ?? 0); j--) {
    const e = trace.events[j]!;
    if (e.explain.code === 'nf.nat-rule' && e.decidedBy) return e.decidedBy.row;
  }
  return String(trace.events[i]!.decidedBy?.row ?? '');
}

/** The interface the packet leaves by in the hop of event `i` (a forward event's `out`). */
function outOf(trace: Trace, i: number): string {
  const h = hopOf(trace, i);
  for (let j = h?.first ?? i; j <= (h?.last ?? i); j++) {
    const a = trace.events[j]!.explain.args;
    if (trace.events[j]!.kind === 'forward' && typeof a.out === 'string') return a.out;
  }
  return '';
}

/** Other addresses as distractors: the same namespace's first, then the rest of the world. */
function otherAddrs(trace: Trace, netns: string, exclude: string[]) {
  const all = addressesOf(trace).filter((a) => !exclude.includes(a.ip));
  return [...all.filter((a) => a.netns === netns), ...all.filter((a) => a.netns !== netns)];
}

export function askSnat(trace: Trace, e: TraceEvent, seed: string): Omit<MQuestion, 'step'> | null {
  if (e.explain.code !== 'nat.snat') return null;
  const from = hostOf(e.explain.args.from);
  const to = hostOf(e.explain.args.to);
  const hook = String(e.explain.args.hook ?? 'POSTROUTING');
  const rule = natRule(trace, e.step);
  const out = outOf(trace, e.step);
  const right: MChoice = {
    id: to,
    text: msg('c.yes-to', { ip: to }),
    why: msg(/MASQUERADE/.test(rule) ? 'w.snat.right-masq' : 'w.snat.right-snat', {
      rule,
      hook,
      out,
      from,
      to,
    }),
  };
  const pool: MChoice[] = [
    { id: from, text: msg('c.stays', { ip: from }), why: msg('w.snat.stays', { rule, hook, from }) },
    ...otherAddrs(trace, e.netns, [from, to]).map((a) => ({
      id: a.ip,
      text: msg('c.yes-to', { ip: a.ip }),
      why: msg('w.snat.other', { ip: a.ip, dev: a.dev, netns: a.netns, rule, to }),
    })),
  ];
  const c = arrange(right, pool, seed);
  if (!c) return null;
  return {
    kind: 'snat',
    event: e.step,
    netns: e.netns,
    prompt: msg('p.snat', { netns: e.netns, hook }),
    ...c,
    decided: { table: 'iptables', netns: e.netns, row: rule },
  };
}

/** DNAT targets named by the namespace's iptables rows: the other endpoints of its Services. */
function dnatTargets(trace: Trace, netns: string, step: number): { ip: string; row: string }[] {
  const out: { ip: string; row: string }[] = [];
  for (const row of rowsAt(trace, netns, 'iptables', step)) {
    const m = /--to-destination (\S+)/.exec(row);
    if (m) out.push({ ip: m[1]!, row });
  }
  return out;
}

export function askDnat(trace: Trace, e: TraceEvent, seed: string): Omit<MQuestion, 'step'> | null {
  if (e.explain.code !== 'nat.dnat' && e.explain.code !== 'ipvs.dnat') return null;
  const from = String(e.explain.args.from);
  const to = String(e.explain.args.to);
  const hook = String(e.explain.args.hook ?? 'PREROUTING');
  const rule = natRule(trace, e.step);
  const right: MChoice = {
    id: to,
    text: msg('c.yes-to', { ip: to }),
    why: msg('w.dnat.right', { rule, hook, from, to }),
  };
  const pool: MChoice[] = [
    { id: from, text: msg('c.stays', { ip: from }), why: msg('w.dnat.stays', { rule, hook, from }) },
    ...dnatTargets(trace, e.netns, e.step).map((t) => ({
      id: t.ip,
      text: msg('c.yes-to', { ip: t.ip }),
      why: msg('w.dnat.other', { ip: t.ip, row: t.row, rule, to }),
    })),
    ...otherAddrs(trace, e.netns, [hostOf(from), hostOf(to)]).map((a) => ({
      id: a.ip,
      text: msg('c.yes-to', { ip: a.ip }),
      why: msg('w.dnat.addr', { ip: a.ip, dev: a.dev, netns: a.netns }),
    })),
  ];
  const c = arrange(right, pool, seed);
  if (!c) return null;
  return {
    kind: 'dnat',
    event: e.step,
    netns: e.netns,
    prompt: msg('p.dnat', { netns: e.netns, hook }),
    ...c,
    decided: { table: 'iptables', netns: e.netns, row: rule },
  };
}

const UNDO = { 'nat.undo-snat': 'dst', 'nat.undo-dnat': 'src', 'ipvs.unnat': 'src' } as const;

export function askDenat(trace: Trace, e: TraceEvent, seed: string): Omit<MQuestion, 'step'> | null {
  const field = UNDO[e.explain.code as keyof typeof UNDO];
  if (!field) return null;
  const from = hostOf(e.explain.args.from);
  const to = hostOf(e.explain.args.to);
  const row = e.decidedBy?.row ?? '';
  const right: MChoice = {
    id: to,
    text: msg('c.becomes', { ip: to }),
    why: msg(field === 'dst' ? 'w.denat.right-dst' : 'w.denat.right-src', { row, from, to }),
  };
  const pool: MChoice[] = [
    { id: from, text: msg('c.unchanged', { ip: from }), why: msg('w.denat.stays', { row, from }) },
    ...otherAddrs(trace, e.netns, [from, to]).map((a) => ({
      id: a.ip,
      text: msg('c.becomes', { ip: a.ip }),
      why: msg('w.denat.other', { ip: a.ip, dev: a.dev, netns: a.netns, to }),
    })),
  ];
  const c = arrange(right, pool, seed);
  if (!c) return null;
  return {
    kind: 'denat',
    event: e.step,
    netns: e.netns,
    prompt: msg(field === 'dst' ? 'p.denat-dst' : 'p.denat-src', { netns: e.netns }),
    ...c,
    ...(row ? { decided: { table: 'conntrack', netns: e.netns, row } } : {}),
  };
}

/** A forward with no NAT in its hop: the source stays, whatever a learner expects of a router. */
export function askKeepSrc(trace: Trace, e: TraceEvent, seed: string): Omit<MQuestion, 'step'> | null {
  if (e.kind !== 'forward' || typeof e.explain.args.out !== 'string') return null;
  const h = hopOf(trace, e.step);
  if (!h || h.reply) return null;
  const evs = trace.events.slice(h.first, h.last + 1);
  if (evs.some((x) => x.kind === 'nat' || x.kind === 'drop')) return null;
  const ip = ipOf(e);
  if (!ip) return null;
  const out = e.explain.args.out;
  const right: MChoice = {
    id: ip.src,
    text: msg('c.stays', { ip: ip.src }),
    why: msg('w.keep.right', { netns: e.netns, src: ip.src, dst: ip.dst }),
  };
  const addrs = otherAddrs(trace, e.netns, [ip.src, ip.dst]).filter((a) => a.netns === e.netns);
  // The outgoing interface's address first: what MASQUERADE would have written.
  addrs.sort((a, b) => Number(b.dev === out) - Number(a.dev === out));
  const pool = addrs.map((a) => ({
    id: a.ip,
    text: msg('c.yes-to', { ip: a.ip }),
    why: msg('w.keep.other', { ip: a.ip, dev: a.dev, netns: a.netns }),
  }));
  const c = arrange(right, pool, seed);
  if (!c) return null;
  return {
    kind: 'keep-src',
    event: e.step,
    netns: e.netns,
    prompt: msg('p.keep-src', { netns: e.netns, dst: ip.dst, out }),
    ...c,
  };
}
