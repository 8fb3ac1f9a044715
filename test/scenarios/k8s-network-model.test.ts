/**
 * k8s-network-model: the three rules of the Kubernetes network model (issue 20, point 5),
 * each checked where it shows: the addresses the receiving end sees. Expected values: with
 * host-gw and no --ip-masq nothing rewrites an address, so the receiver sees the sender's
 * own address (a node's is the one its route to the pod subnet selects, its eth0's).
 */
import { describe, expect, it } from 'vitest';
import type { Capture, Trace } from '../../src/engine';
import { runCommand } from '../../src/engine/commands';
import { ip, trace, world } from '../helpers';

const tcp = (c: Capture) =>
  c.layers.find((l) => l.proto === 'tcp') as { flags: string; sport: number; dport: number } | undefined;

function synAt(t: Trace, netns: string): Capture {
  return t.captures.find(
    (c) => c.netns === netns && c.interface === 'eth0' && c.direction === 'rx' && tcp(c)?.flags === 'S',
  )!;
}

describe('k8s-network-model', () => {
  it('rule 1 and rule 3: pod3 sees pod1 come from the address pod1 has on its own eth0', () => {
    const t = trace('k8s-network-model', 'pod-to-pod-no-nat');
    expect(t.verdict).toBe('delivered');
    expect(t.events.some((e) => e.kind === 'nat')).toBe(false);
    const { world: w } = world('k8s-network-model');
    const pod1 = w.netns.get('pod1')!;
    const own = runCommand(
      { world: w, machine: w.machines.get('A')!, ns: pod1, origin: 'test' },
      'ip -br addr show eth0',
    );
    const seen = ip(synAt(t, 'pod3'))!.src;
    expect(seen).toBe('10.1.15.2');
    expect(own.output).toContain(`${seen}/24`);
  });

  it("rule 2: pod3 sees node A's own address", () => {
    const t = trace('k8s-network-model', 'node-to-pod-no-nat');
    expect(t.verdict).toBe('delivered');
    expect(t.events.some((e) => e.kind === 'nat')).toBe(false);
    expect(ip(synAt(t, 'pod3'))).toMatchObject({ src: '192.168.0.100', dst: '10.1.16.2' });
  });

  it("rule 2, the other way: B's kubelet sees pod1's address, not A's", () => {
    const t = trace('k8s-network-model', 'pod-to-node-no-nat');
    expect(t.verdict).toBe('delivered');
    expect(t.events.some((e) => e.kind === 'nat')).toBe(false);
    expect(ip(synAt(t, 'B'))).toMatchObject({ src: '10.1.15.2', dst: '192.168.0.200' });
    expect(t.events.find((e) => e.explain.code === 'tcp.syn-listener')?.explain.args.process).toBe('kubelet');
  });

  it("Docker's default bridge breaks rule 2: a container leaves its host masqueraded", () => {
    const t = trace('docker-bridge', 'c1-to-web');
    const syn = t.captures.find(
      (c) => c.netns === 'web' && c.interface === 'eth0' && c.direction === 'rx' && tcp(c)?.flags === 'S',
    )!;
    expect(ip(syn)?.src).toBe('192.168.145.128');
  });
});
