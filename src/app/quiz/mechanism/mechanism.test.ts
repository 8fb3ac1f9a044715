/**
 * Mechanism questions. The expected answers are the scenarios' documented facts (their YAML
 * descriptions and the addresses they configure, SCENARIOS.md, the tools' documented defaults),
 * not the engine's output pasted back.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFlows, loadScenario, traceFlow } from '../../../engine';
import type { Trace } from '../../types';
import { candidates, mechanismQuestions, DEFAULT_QUESTIONS, type MechanismKind, type MQuestion } from '.';
import { QUIZ_EN, QUIZ_ZH, renderText } from './texts';

const dir = path.resolve(import.meta.dirname, '../../../../scenarios');
const load = (file: string) =>
  loadScenario(readFileSync(path.join(dir, `${file}.yaml`), 'utf8'), `scenarios/${file}.yaml`);
const traces = new Map<string, Trace>();
function trace(file: string, flow: string): Trace {
  const k = `${file}/${flow}`;
  if (!traces.has(k)) traces.set(k, traceFlow(load(file), flow));
  return traces.get(k)!;
}
const en = (m: MQuestion['prompt']) => renderText('en', m.key, m.args);
const right = (q: MQuestion) => en(q.choices[q.answer]!.text);
function ask(t: Trace, kind: MechanismKind, netns?: string): MQuestion {
  const q = candidates(t).find((x) => x.kind === kind && (netns === undefined || x.netns === netns));
  expect(q, `${kind} in ${netns ?? 'any netns'}`).toBeDefined();
  return q!;
}

describe('mechanism questions: documented answers', () => {
  it('flannel VXLAN: flannel.1 adds the outer header on UDP 8472, and forwarding keeps the pod source', () => {
    // flannel's vxlan backend uses the kernel's VXLAN port 8472 (flannel docs: Port, default 8472).
    const t = trace('flannel-vxlan', 'pod-a-ping-pod-b');
    expect(right(ask(t, 'encap', 'node-64-216'))).toBe('flannel.1 (VXLAN), UDP port 8472');
    // pod-a is 10.244.0.2 (first address of node-64-216's lease 10.244.0.0/24); no masquerade between pods.
    expect(right(ask(t, 'keep-src', 'node-64-216'))).toBe('No: it stays 10.244.0.2');
    // flanneld's route for the other node's lease, via its VTEP address, onlink (notes: vxlan backend).
    expect(right(ask(t, 'route', 'node-64-216'))).toBe(
      'main: 10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink',
    );
    // The outer packet is for node-64-217's own em1 address: the local table decides.
    expect(right(ask(t, 'route', 'node-64-217'))).toMatch(
      /^local: local 10\.10\.10\.217 dev em1 table local/,
    );
    // The pod's frame is addressed to its gateway cni0: routed, not bridged.
    expect(ask(t, 'l2l3', 'node-64-216').choices[ask(t, 'l2l3', 'node-64-216').answer]!.id).toBe('routed');
  });

  it('pod to internet: node1 masquerades to 192.168.1.11, gw to 198.51.100.7, conntrack undoes it', () => {
    const t = trace('pod-to-internet', 'pod-to-web');
    expect(right(ask(t, 'snat', 'node1'))).toBe('Yes: to 192.168.1.11');
    expect(right(ask(t, 'snat', 'gw'))).toBe('Yes: to 198.51.100.7');
    const back = ask(t, 'denat', 'gw');
    expect(en(back.prompt)).toContain("reply's destination");
    expect(right(back)).toBe('192.168.1.11');
    // "It stays" is offered and explained by the conntrack entry.
    const stays = back.choices.find((c) => c.id === '198.51.100.7')!;
    expect(en(stays.why)).toContain('conntrack undoes the NAT');
  });

  it('ClusterIP: DNAT to one of the two endpoints, the other is a distractor; the reply source becomes the ClusterIP', () => {
    const t = trace('k8s-service-iptables', 'client-to-clusterip');
    const q = ask(t, 'dnat', 'node1');
    const endpoints = ['10.244.1.10:8080', '10.244.2.10:8080'];
    const chosen = q.choices[q.answer]!.id;
    expect(endpoints).toContain(chosen);
    const other = endpoints.find((x) => x !== chosen)!;
    expect(q.choices.map((c) => c.id)).toContain(other);
    expect(q.choices.map((c) => c.id)).toContain('10.96.0.100:80');
    expect(right(ask(t, 'denat', 'node1'))).toBe('10.96.0.100');
  });

  it('FORWARD drop: the policy -P FORWARD DROP on node-64-217 drops it, not the route', () => {
    const t = trace('troubleshoot-forward-drop', 'pod-a-ping-pod-b');
    const q = ask(t, 'drop');
    expect(q.netns).toBe('node-64-217');
    expect(right(q)).toBe('-P FORWARD DROP');
    const route = q.choices.find((c) => c.id.startsWith('10.244.1.0/24 dev cni0'));
    expect(route && en(route.why)).toContain('the packet had a route');
  });

  it('IPIP has no port; flannel UDP is flanneld in user space on 8285', () => {
    expect(right(ask(trace('calico-ipip', 'pod-a-ping-pod-b'), 'encap', 'node1'))).toBe(
      'tunl0 (IPIP), no port: IP protocol 4',
    );
    expect(right(ask(trace('flannel-udp', 'pod1-ping-pod3'), 'encap', 'A'))).toBe(
      'flanneld in user space (reads flannel0), UDP port 8285',
    );
  });

  it('docker bridge: c1 to c2 on docker0 is bridged; c1 to the web is routed and masqueraded to the host address', () => {
    const bridged = ask(trace('docker-bridge', 'c1-ping-c2'), 'l2l3', 'host1');
    expect(bridged.choices[bridged.answer]!.id).toBe('bridged');
    const web = trace('docker-bridge', 'c1-to-web');
    expect(ask(web, 'l2l3', 'host1').choices[ask(web, 'l2l3', 'host1').answer]!.id).toBe('routed');
    expect(right(ask(web, 'snat', 'host1'))).toBe('Yes: to 192.168.145.128');
  });
});

describe('mechanism questions: every catalog flow', () => {
  const flows = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => {
      const id = f.replace(/\.yaml$/, '');
      return listFlows(load(id)).map((fl) => [id, fl.id] as const);
    });

  it.each(flows)('%s %s: well-formed, deterministic, explained in both languages', (file, flow) => {
    const t = trace(file, flow);
    const qs = mechanismQuestions(t);
    expect(mechanismQuestions(t)).toEqual(qs);
    expect(qs.length).toBeLessThanOrEqual(DEFAULT_QUESTIONS);
    expect(mechanismQuestions(t, { more: true }).length).toBeGreaterThanOrEqual(qs.length);
    expect(new Set(qs.map((q) => q.step)).size).toBe(qs.length);
    for (const q of qs) {
      expect(q.step).toBeGreaterThan(0);
      expect(q.step).toBeLessThanOrEqual(q.event);
      expect(q.choices.length).toBeGreaterThanOrEqual(2);
      expect(new Set(q.choices.map((c) => c.id)).size).toBe(q.choices.length);
      for (const c of [q.prompt, ...q.choices.flatMap((x) => [x.text, x.why])])
        for (const lang of ['en', 'zh-CN'] as const)
          expect(renderText(lang, c.key, c.args)).not.toMatch(/\{\w+\}|undefined/);
    }
  });

  it('asks four to six questions on the flows that cross a node', () => {
    for (const [file, flow] of [
      ['flannel-vxlan', 'pod-a-ping-pod-b'],
      ['pod-to-internet', 'pod-to-web'],
      ['k8s-service-iptables', 'client-to-clusterip'],
      ['troubleshoot-forward-drop', 'pod-a-ping-pod-b'],
      ['calico-ipip', 'pod-a-ping-pod-b'],
    ] as const) {
      const n = mechanismQuestions(trace(file, flow)).length;
      expect(n, `${file} ${flow}`).toBeGreaterThanOrEqual(4);
      expect(n).toBeLessThanOrEqual(6);
    }
  });

  it('has every text in both languages with the same placeholders', () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const k of Object.keys(QUIZ_EN) as (keyof typeof QUIZ_EN)[])
      expect(names(QUIZ_ZH[k]), k).toEqual(names(QUIZ_EN[k]));
  });
});
