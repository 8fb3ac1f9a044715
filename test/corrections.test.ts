/**
 * "The notes say / Linux does": every correction a scenario carries quotes its note, points
 * at a step that exists, and its evidence holds on the model. The expected values are what
 * the kernel and the tools do (device names the kernel gives, Docker's and Calico's
 * addresses), not read back from the engine.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../src/engine';
import { findNetns } from '../src/engine/scenario/build';
import { echoes, scenario, trace, world } from './helpers';

const ids = readdirSync('scenarios')
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''));
const NOTES = [
  'container-network-overview.md',
  'flannel-subnets-and-backends.md',
  'k8s-cni-principles.html',
  'k8s-network-lab-walkthrough.md',
  'veth-docker-flannel-vxlan.md',
];

function run(id: string, netns: string, line: string): string {
  const { world: w } = world(id);
  const { ns, machine } = findNetns(w, netns)!;
  return runCommand({ world: w, machine, ns, origin: 'test' }, line).output;
}

describe('every correction', () => {
  const all = ids.flatMap((id) => (scenario(id).corrections ?? []).map((c) => ({ id, c })));

  it('the catalog carries the corrections issue 20 lists', () => {
    const terms = all.flatMap(({ c }) => c.terms);
    for (const t of [
      'flannel1',
      'flannel.0',
      'tun0',
      'ee:ee:ee:ee:ee:ee',
      'docker_gwbridge',
      '172.17.42.1',
      'VNI',
      'conntrack',
      'deprecated',
    ])
      expect(terms).toContain(t);
  });

  it.each(all.map(({ id, c }) => [`${id}/${c.id}`, id, c] as const))(
    '%s quotes a note in Chinese and its evidence runs',
    (_n, id, c) => {
      expect(NOTES).toContain(c.note.file);
      expect(c.note.quote).toMatch(/[\u4e00-\u9fff]/);
      expect(c.says.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(c.linux.en.length).toBeGreaterThan(40);
      if (c.evidence.command)
        expect(() =>
          run(id, c.evidence.netns ?? scenario(id).machines[0]!.name, c.evidence.command!),
        ).not.toThrow();
      if (c.at) {
        const t = trace(id, c.at.flow);
        const hit = t.events.some(
          (e) =>
            (c.at!.netns === undefined || e.netns === c.at!.netns) &&
            (c.at!.interface === undefined || e.interface === c.at!.interface),
        );
        expect(hit).toBe(true);
      }
    },
  );
});

describe('the evidence says what Linux does', () => {
  const devs = (id: string, netns: string): string => run(id, netns, 'ip link show');

  it("flannel's UDP device is flannel0, a TUN device; there is no flannel1 or flannel.0", () => {
    const out = run('flannel-udp', 'A', 'ip -d link show flannel0');
    expect(out).toContain('flannel0');
    expect(out).toMatch(/\btun\b/);
    expect(devs('flannel-udp', 'A')).not.toMatch(/flannel1|flannel\.0/);
  });

  it("Calico's IPIP device is tunl0 (ipip); there is no tun0", () => {
    expect(run('calico-ipip', 'node1', 'ip -d link show tunl0')).toMatch(/\bipip\b/);
    expect(devs('calico-ipip', 'node1')).not.toMatch(/\btun0\b/);
  });

  it('ee:ee:ee:ee:ee:ee is the host-side cali MAC and the gateway MAC the pod learns, not the pod eth0 MAC', () => {
    const t = trace('calico-bgp', 'pod-a-ping-pod-c');
    const req = echoes(t, 'request', 'pod-a', 'eth0', 'tx')[0]!;
    const e = req.layers[0] as { src: string; dst: string };
    expect(e.dst).toBe('ee:ee:ee:ee:ee:ee');
    expect(e.src).not.toBe('ee:ee:ee:ee:ee:ee');
    expect(run('calico-bgp', 'node1', 'ip link show')).toMatch(
      /cali[0-9a-f]+@.*\n\s+link\/ether ee:ee:ee:ee:ee:ee/,
    );
  });

  it("a Docker container's gateway is 172.17.0.1, not 172.17.42.1", () => {
    expect(run('docker-bridge', 'c1', 'ip route')).toContain('default via 172.17.0.1 dev eth0');
  });

  it("an overlay container's eth1 hangs off docker_gwbridge, not docker0", () => {
    const out = run('docker-overlay', 'host1', 'bridge link show');
    expect(out).toMatch(/master docker_gwbridge/);
    expect(out).not.toMatch(/master docker0/);
  });

  it('flannel carries every pod in VNI 1', () => {
    const t = trace('flannel-vxlan', 'pod-a-ping-pod-b');
    const wire = t.captures.filter((c) => c.interface === 'em1' && c.layers.some((l) => l.proto === 'vxlan'));
    expect(wire.length).toBeGreaterThan(0);
    for (const c of wire) expect(c.layers.find((l) => l.proto === 'vxlan')).toMatchObject({ vni: 1 });
  });

  it('the reply to c1 is un-NATed by conntrack in PREROUTING, before docker0 sees it', () => {
    const t = trace('docker-bridge', 'c1-to-web');
    const undo = t.events.findIndex((e) => e.netns === 'host1' && e.explain.code === 'nat.undo-snat');
    expect(undo).toBeGreaterThan(-1);
    expect(t.events[undo]!.explain.args.hook).toBe('PREROUTING');
    const bridged = t.events.findIndex(
      (e, i) => i > undo && e.netns === 'host1' && e.interface === 'docker0',
    );
    expect(bridged).toBeGreaterThan(undo);
  });
});
