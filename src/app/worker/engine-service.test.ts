/// <reference types="vite/client" />
/**
 * The worker's engine service reuses built worlds: a traced world answers `tables` for the
 * namespaces the Trace lacks, and a terminal command hands its world to the next trace.
 * Whatever it reuses, the answers are the ones a fresh build gives.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildWorld, loadScenario, netnsTables, traceFlow } from '../../engine';
import { command, tables, trace } from './engine-service';

const file = 'scenarios/k8s-service-iptables.yaml';
const fresh = () => loadScenario(readFileSync(file, 'utf8'), file);

describe('engine service', () => {
  it('answers tables for a namespace the Trace does not carry, as a fresh build has them', async () => {
    const t = await trace('k8s-service-iptables', 'external-to-nodeport', []);
    expect(t.tableNetns).not.toContain('client');
    const got = await tables('k8s-service-iptables', 'external-to-nodeport', [], 'client');
    expect(got).toEqual(netnsTables(buildWorld(fresh()).world, 'client'));
    await expect(tables('k8s-service-iptables', 'external-to-nodeport', [], 'nowhere')).rejects.toThrow(
      /no netns "nowhere"/,
    );
  });

  it("runs a terminal command in the flow's world: its `before` commands applied, once", async () => {
    // vxlan-dropped-in-input's `before`: "node-64-217: iptables -I INPUT -p udp --dport 8472 -j DROP".
    // iptables -S prints the rule as iptables-save does, with the implicit `-m udp` the -p loads.
    const rule = '-A INPUT -p udp -m udp --dport 8472 -j DROP';
    const shown = await command(
      'flannel-vxlan',
      'vxlan-dropped-in-input',
      [],
      'node-64-217',
      'iptables -S INPUT',
    );
    expect(shown).toMatchObject({ failed: false, changed: false });
    expect(shown.output.split('\n').filter((l) => l === rule)).toHaveLength(1);
    // The flow without `before` has no such rule; no flow picked yet is the scenario's world.
    for (const flow of ['pod-a-ping-pod-b', null]) {
      const r = await command('flannel-vxlan', flow, [], 'node-64-217', 'iptables -S INPUT');
      expect(r.output).not.toContain('8472');
    }
    // A change made there joins the flow's world after `before`; the next trace starts from it,
    // as a fresh build with it gives, and the rule is still there once.
    const ex = { netns: 'node-64-217', line: 'iptables -I INPUT -p udp --dport 8472 -j ACCEPT' };
    const r = await command('flannel-vxlan', 'vxlan-dropped-in-input', [], ex.netns, ex.line);
    expect(r).toEqual({ output: '', failed: false, changed: true });
    const after = await command(
      'flannel-vxlan',
      'vxlan-dropped-in-input',
      [ex],
      ex.netns,
      'iptables -S INPUT',
    );
    expect(after.output.split('\n').filter((l) => l.includes('8472'))).toEqual([
      '-A INPUT -p udp -m udp --dport 8472 -j ACCEPT',
      rule,
    ]);
    const file = 'scenarios/flannel-vxlan.yaml';
    const s = loadScenario(readFileSync(file, 'utf8'), file);
    const t = await trace('flannel-vxlan', 'vxlan-dropped-in-input', [ex]);
    expect(t.verdict).toBe('delivered');
    expect(JSON.stringify(t)).toBe(JSON.stringify(traceFlow(s, 'vxlan-dropped-in-input', { exec: [ex] })));
  });

  it('a terminal command changes the world the next trace starts from, as a build with it would', async () => {
    const ex = { netns: 'node1', line: 'iptables -I FORWARD -d 10.244.2.10 -j DROP' };
    const listed = await command(
      'k8s-service-iptables',
      'client-to-clusterip',
      [],
      'node1',
      'iptables -S FORWARD',
    );
    expect(listed).toMatchObject({ failed: false, changed: false });
    const bad = await command(
      'k8s-service-iptables',
      'client-to-clusterip',
      [],
      'node1',
      'iptables -A NOPE -j DROP',
    );
    expect(bad).toMatchObject({ failed: true, changed: false });
    const r = await command('k8s-service-iptables', 'client-to-clusterip', [], ex.netns, ex.line);
    expect(r).toEqual({ output: '', failed: false, changed: true });
    const t = await trace('k8s-service-iptables', 'client-to-clusterip', [ex]);
    expect(t.verdict).not.toBe('delivered');
    expect(JSON.stringify(t)).toBe(JSON.stringify(traceFlow(fresh(), 'client-to-clusterip', { exec: [ex] })));
    // The same trace again (its world was used up) still gives the same Trace.
    const again = await trace('k8s-service-iptables', 'client-to-clusterip', [ex]);
    expect(JSON.stringify(again)).toBe(JSON.stringify(t));
  });

  it("skips a change that fails (typo, unknown netns) with the tool's error; the rest still trace", async () => {
    const drop = { netns: 'node1', line: 'iptables -I FORWARD -d 10.244.2.10 -j DROP' };
    const typo = { netns: 'node1', line: 'ip roue add 10.9.0.0/16 dev eth0' };
    const ghost = { netns: 'nowhere', line: 'ip link' };
    const t = await trace('k8s-service-iptables', 'client-to-clusterip', [typo, drop, ghost]);
    const skipped = t.setup.filter((e) => !e.ok && e.source === '--exec');
    // iproute2's own words for an unknown object; the netns list comes from the world.
    expect(skipped.map((e) => [e.netns, e.command])).toEqual([
      ['node1', typo.line],
      ['nowhere', 'ip link'],
    ]);
    expect(skipped[0]!.output).toBe('Object "roue" is unknown, try "ip help".');
    expect(skipped[1]!.output).toMatch(/^no netns "nowhere"; netns: /);
    // The change that works still applies: the journey is the one with it alone (bar the log).
    const only = traceFlow(fresh(), 'client-to-clusterip', { exec: [drop] });
    expect(t.verdict).toBe(only.verdict);
    expect(JSON.stringify(t.events)).toBe(JSON.stringify(only.events));
    // A terminal command runs in the same world, the failing change skipped there too.
    const r = await command('k8s-service-iptables', 'client-to-clusterip', [typo], 'node1', 'ip route');
    expect(r).toMatchObject({ failed: false, changed: false });
    expect(r.output).toContain('10.244.2.0/24 via 192.168.1.12 dev eth0');
    expect(r.output).not.toContain('10.9.0.0');
  });
});
