/**
 * pod-pause: the notes' lab, a pod as Docker builds it (issue 20, point 1). Expected values
 * follow Docker's container network mode (a container started with --network container:X
 * has no sandbox, no IP and no published port of its own: inspect shows an empty
 * SandboxKey and NetworkMode container:<X's full ID>, and dockerd refuses -p with it) and
 * the kernel (lo-only traffic for 127.0.0.1; one routed hop decrements the TTL once).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Capture } from '../../src/engine';
import { buildWorld, loadScenario } from '../../src/engine';
import { runCommand } from '../../src/engine/commands';
import { ip, scenario, trace, world } from '../helpers';

const PAUSE = 'k8s_POD_frontend_default_3f7c9a2e_0';
const APP = 'k8s_php-redis_frontend_default_3f7c9a2e_0';

const tcp = (c: Capture) =>
  c.layers.find((l) => l.proto === 'tcp') as { flags: string; sport: number; dport: number } | undefined;

const { world: w } = world('pod-pause');
const sh = (line: string): string => {
  const machine = w.machines.get('node2')!;
  return runCommand({ world: w, machine, ns: machine.root, origin: 'test' }, line).output;
};

describe('pod-pause: the containers as Docker shows them on node2', () => {
  it('the pause container runs the pause image; the app containers joined its namespace', () => {
    const ps = sh('docker ps').split('\n');
    const pause = ps.find((l) => l.endsWith(` ${PAUSE}`))!;
    expect(pause).toContain('google_containers/pause:latest');
    expect(pause).toContain('"/pause"');
    const pauseId = sh(`docker inspect -f '{{.Id}}' ${PAUSE}`);
    expect(sh(`docker inspect -f '{{.HostConfig.NetworkMode}}' ${APP}`)).toBe(`container:${pauseId}`);
    expect(
      sh(`docker inspect -f '[{{.NetworkSettings.SandboxKey}}][{{.NetworkSettings.IPAddress}}]' ${APP}`),
    ).toBe('[][]');
  });

  it('the port mapping is on the pause container only, as docker port shows', () => {
    expect(sh(`docker port ${PAUSE}`)).toBe('80/tcp -> 0.0.0.0:8080');
    expect(sh(`docker port ${APP}`)).toBe('');
    expect(
      sh('docker ps')
        .split('\n')
        .find((l) => l.endsWith(` ${APP}`)),
    ).not.toContain('->');
  });

  it("php-redis's own PID leads to the pause container's namespace", () => {
    const appPid = sh(`docker inspect -f '{{.State.Pid}}' ${APP}`);
    const pausePid = sh(`docker inspect -f '{{.State.Pid}}' ${PAUSE}`);
    expect(appPid).not.toBe(pausePid);
    expect(sh(`nsenter -t ${appPid} -n ip -br addr show eth0`)).toMatch(/\s10\.1\.20\.2\/24$/);
    expect(sh('ip netns list')).toBe('');
  });

  it('dockerd refuses to publish a port on a container that joined another', () => {
    const file = 'scenarios/pod-pause.yaml';
    const yaml = readFileSync(file, 'utf8').replace(
      `          network: container:${PAUSE}\n`,
      `          network: container:${PAUSE}\n              publish: ["9090:80"]\n`,
    );
    expect(yaml).toContain('9090:80');
    expect(() => buildWorld(loadScenario(yaml, file))).toThrow(
      'conflicting options: port publishing and the container type network mode',
    );
    expect(scenario('pod-pause').id).toBe('pod-pause');
  });
});

describe('pod-pause: the localhost flows stay on lo', () => {
  for (const [flow, port, process] of [
    ['app-to-sidecar-localhost', 9113, 'exporter'],
    ['sidecar-to-app-localhost', 80, 'php-redis'],
  ] as const) {
    it(`${flow}: 127.0.0.1:${port} is ${process}'s socket in the pod's namespace`, () => {
      const t = trace('pod-pause', flow);
      expect(t.verdict).toBe('delivered');
      expect(t.captures.length).toBeGreaterThan(0);
      expect(t.captures.every((c) => c.netns === 'frontend' && c.interface === 'lo')).toBe(true);
      const syn = t.captures.find((c) => tcp(c)?.flags === 'S')!;
      expect(ip(syn)).toMatchObject({ src: '127.0.0.1', dst: '127.0.0.1' });
      expect(tcp(syn)?.dport).toBe(port);
      const listener = t.events.find((e) => e.explain.code === 'tcp.syn-listener')!;
      expect(listener.explain.args.process).toBe(process);
    });
  }
});

describe('pod-pause: node1-to-hostport', () => {
  const t = trace('pod-pause', 'node1-to-hostport');

  it("is DNATed by the pause container's mapping to 10.1.20.2:80 and answered by php-redis", () => {
    expect(t.verdict).toBe('delivered');
    const dnat = t.events.find((e) => e.kind === 'nat' && e.explain.code === 'nat.dnat')!;
    expect(dnat.netns).toBe('node2');
    expect(dnat.explain.args).toMatchObject({
      hook: 'PREROUTING',
      from: '192.168.1.130:8080',
      to: '10.1.20.2:80',
    });
    const syn = t.captures.find(
      (c) =>
        c.netns === 'frontend' && c.interface === 'eth0' && c.direction === 'rx' && tcp(c)?.flags === 'S',
    )!;
    // No SNAT from outside; routed once, by node2.
    expect(ip(syn)).toMatchObject({ src: '192.168.1.129', dst: '10.1.20.2', ttl: 63 });
    expect(t.events.find((e) => e.explain.code === 'tcp.syn-listener')?.explain.args.process).toBe(
      'php-redis',
    );
  });
});

describe('pod-pause: node1-to-pod-ip (the Kubernetes network model)', () => {
  const t = trace('pod-pause', 'node1-to-pod-ip');

  it('reaches the pod IP through the static route with no address rewritten', () => {
    expect(t.verdict).toBe('delivered');
    expect(t.events.some((e) => e.kind === 'nat')).toBe(false);
    const wire = t.captures.find(
      (c) => c.netns === 'node1' && c.interface === 'eth0' && c.direction === 'tx' && tcp(c)?.flags === 'S',
    )!;
    expect(ip(wire)).toMatchObject({ src: '192.168.1.129', dst: '10.1.20.2', ttl: 64 });
    const syn = t.captures.find(
      (c) =>
        c.netns === 'frontend' && c.interface === 'eth0' && c.direction === 'rx' && tcp(c)?.flags === 'S',
    )!;
    expect(ip(syn)).toMatchObject({ src: '192.168.1.129', dst: '10.1.20.2', ttl: 63 });
  });

  it("passes FORWARD's DROP policy only through the DOCKER chain's ACCEPT for the published port", () => {
    const accept = t.events.find(
      (e) =>
        e.decidedBy?.row ===
        '-A DOCKER -d 10.1.20.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT',
    );
    expect(accept?.netns).toBe('node2');
  });
});

describe('pod-pause: client-to-frontend', () => {
  const t = trace('pod-pause', 'client-to-frontend');

  it('is switched by docker0 between the two pause containers, not routed', () => {
    expect(t.verdict).toBe('delivered');
    const syn = t.captures.find(
      (c) =>
        c.netns === 'frontend' && c.interface === 'eth0' && c.direction === 'rx' && tcp(c)?.flags === 'S',
    )!;
    expect(ip(syn)).toMatchObject({ src: '10.1.20.3', dst: '10.1.20.2', ttl: 64 });
    expect(t.events.some((e) => e.kind === 'bridge-forward' && e.netns === 'node2')).toBe(true);
    expect(t.events.some((e) => e.netns === 'node2' && e.kind === 'route-lookup')).toBe(false);
  });
});
