/**
 * Mechanism questions at the key moments of a journey, computed from the Trace: NAT and what
 * conntrack does to the reply, the route table that decides, routed or bridged, the tunnel device
 * and its port, the rule that drops. Pure and deterministic; no scenario is named anywhere.
 */
import type { Trace, TraceEvent } from '../../types';
import { askDenat, askDnat, askKeepSrc, askSnat } from './ask-nat';
import { askDrop } from './ask-drop';
import { askEncap } from './ask-encap';
import { askL2L3 } from './ask-l2l3';
import { askRoute } from './ask-route';
import { MECHANISM_KINDS, type MechanismKind, type MQuestion } from './types';
import { hopOf } from './world';

export * from './types';

type Ask = (trace: Trace, e: TraceEvent, seed: string) => Omit<MQuestion, 'step'> | null;

const ASK: Record<MechanismKind, Ask> = {
  drop: askDrop,
  encap: askEncap,
  snat: askSnat,
  dnat: askDnat,
  denat: askDenat,
  'keep-src': askKeepSrc,
  l2l3: askL2L3,
  route: askRoute,
};

const KEY_KINDS = new Set<MechanismKind>(['drop', 'encap', 'snat', 'dnat', 'denat']);

/** Questions per flow by default; the "more" setting asks every candidate. */
export const DEFAULT_QUESTIONS = 6;

/**
 * Every question the Trace offers, in journey order: one per kind, namespace and direction (the
 * first request's NAT, not every retransmission's). The most telling question of a hop is asked
 * before the hop begins, so nothing of it is shown yet; another question in the same hop is asked
 * just before its own event.
 */
export function candidates(trace: Trace): MQuestion[] {
  const seen = new Set<string>();
  const out: MQuestion[] = [];
  for (const hop of trace.hops) {
    const found: { q: Omit<MQuestion, 'step'>; key: string }[] = [];
    for (let i = Math.max(hop.first, 1); i <= hop.last; i++) {
      const e = trace.events[i]!;
      for (const kind of MECHANISM_KINDS) {
        const key = `${kind}@${e.netns}@${hop.reply ? 'reply' : 'request'}`;
        if (seen.has(key) || found.some((f) => f.key === key)) continue;
        const q = ASK[kind](trace, e, `${trace.scenario}/${trace.flow}/${e.step}/${kind}`);
        if (q) found.push({ q, key });
      }
    }
    found.sort((a, b) => MECHANISM_KINDS.indexOf(a.q.kind) - MECHANISM_KINDS.indexOf(b.q.kind));
    const steps = new Set<number>();
    found.forEach(({ q, key }) => {
      // A question about a change (NAT, tunnel, drop) is asked before its hop shows anything of it.
      const step = KEY_KINDS.has(q.kind) && hop.first > 0 ? hop.first : q.event;
      if (steps.has(step)) return;
      steps.add(step);
      seen.add(key);
      out.push({ step, ...q });
    });
  }
  return out.sort((a, b) => a.step - b.step);
}

/**
 * The questions of a flow. By default at most DEFAULT_QUESTIONS: first one of each kind (drops,
 * tunnels and NAT first, the request before the reply) so that a flow asks about its different
 * mechanisms, then the request's other questions in journey order, then the reply's; put back in journey order.
 * `more` keeps them all.
 */
export function mechanismQuestions(trace: Trace, opts: { more?: boolean } = {}): MQuestion[] {
  const all = candidates(trace);
  if (opts.more || all.length <= DEFAULT_QUESTIONS) return all;
  const reply = (q: MQuestion) => Number(hopOf(trace, q.step)?.reply ?? false);
  const ordered = [...all].sort((a, b) => reply(a) - reply(b) || a.step - b.step);
  const picked = new Set<MQuestion>();
  for (const k of MECHANISM_KINDS) {
    const q = ordered.find((x) => x.kind === k);
    if (q && picked.size < DEFAULT_QUESTIONS) picked.add(q);
  }
  for (const q of ordered) if (picked.size < DEFAULT_QUESTIONS) picked.add(q);
  return all.filter((q) => picked.has(q));
}
