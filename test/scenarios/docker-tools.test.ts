/**
 * Docker's namespaces as the tools see them on the host (issue 20, point 2). Expected
 * outputs are the real tools': libnetwork binds a sandbox on /var/run/docker/netns/<first
 * 12 hex digits of the sandbox ID> (osl.GenerateKey), `ip netns list` reads /var/run/netns
 * only, nsenter opens the file it is given or /proc/PID/ns/net, and iproute2's
 * netns_switch() opens /var/run/netns/NAME and nothing else.
 */
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/engine/commands';
import { world } from '../helpers';

function shell(id: string) {
  const { world: w } = world(id);
  return (netns: string, line: string): string => {
    const ns = w.netns.get(netns)!;
    const machine = w.machines.get(ns.machine)!;
    try {
      return runCommand({ world: w, machine, ns, origin: 'test' }, line).output;
    } catch (err) {
      return `ERR ${(err as Error).message}`;
    }
  };
}

describe('docker-bridge: where dockerd keeps the containers', () => {
  const sh = shell('docker-bridge');
  const key = sh('host1', "docker inspect -f '{{.NetworkSettings.SandboxKey}}' c1");
  const sandbox = sh('host1', "docker inspect -f '{{.NetworkSettings.SandboxID}}' c1");
  const pid = sh('host1', "docker inspect -f '{{.State.Pid}}' c1");

  it('ip netns list on the host shows none of them', () => {
    expect(sh('host1', 'ip netns list')).toBe('');
    expect(sh('host1', 'ip netns exec c1 ip addr')).toBe(
      'ERR Cannot open network namespace "c1": No such file or directory',
    );
  });

  it('the sandbox file is /var/run/docker/netns/ and the first 12 hex digits of the sandbox ID', () => {
    expect(sandbox).toMatch(/^[0-9a-f]{64}$/);
    expect(key).toBe(`/var/run/docker/netns/${sandbox.slice(0, 12)}`);
    const files = sh('host1', 'ls /var/run/docker/netns').split('\n');
    expect(files).toHaveLength(2);
    expect(files).toContain(sandbox.slice(0, 12));
  });

  it('nsenter --net=<SandboxKey> and nsenter -t <Pid> -n both run inside c1', () => {
    expect(sh('host1', `nsenter --net=${key} ip -br addr show eth0`)).toMatch(
      /^eth0@if\d+\s+UP\s+172\.17\.0\.2\/16$/,
    );
    expect(sh('host1', `nsenter -t ${pid} -n ip route`)).toContain('default via 172.17.0.1 dev eth0');
    expect(pid).toMatch(/^\d+$/);
    expect(sh('host1', 'nsenter -n ip route')).toBe(
      'ERR nsenter: neither filename nor target pid supplied for ns/net',
    );
    expect(sh('host1', 'nsenter --net=/var/run/docker/netns/nope ip route')).toBe(
      'ERR nsenter: cannot open /var/run/docker/netns/nope: No such file or directory',
    );
  });

  it('a link in /var/run/netns makes ip netns see it; deleting the link leaves the container alone', () => {
    const sh2 = shell('docker-bridge');
    // /var/run/netns does not exist until something makes it.
    expect(sh2('host1', `ln -s ${key} /var/run/netns/c1`)).toBe(
      "ERR ln: failed to create symbolic link '/var/run/netns/c1': No such file or directory",
    );
    expect(sh2('host1', 'mkdir -p /var/run/netns')).toBe('');
    expect(sh2('host1', `ln -s /proc/${pid}/ns/net /var/run/netns/c1`)).toBe('');
    expect(sh2('host1', 'ip netns list')).toBe('c1');
    expect(sh2('host1', 'ip netns exec c1 ip route')).toContain('default via 172.17.0.1 dev eth0');
    expect(sh2('host1', 'ip netns delete c1')).toBe('');
    expect(sh2('host1', 'ip netns list')).toBe('');
    expect(sh2('host1', `nsenter --net=${key} ip -br addr show eth0`)).toContain('172.17.0.2/16');
  });

  it('docker ps and docker port show the published port as the CLI prints it', () => {
    const ps = sh('host1', 'docker ps').split('\n');
    expect(ps[0]).toMatch(/^CONTAINER ID {3}IMAGE {5}COMMAND {18}CREATED {2,}STATUS {2,}PORTS {2,}NAMES$/);
    expect(ps.find((l) => l.endsWith(' c1'))).toContain('0.0.0.0:8080->80/tcp');
    expect(ps.find((l) => l.endsWith(' c1'))).toContain('"/docker-entrypoint.…"');
    expect(sh('host1', 'docker port c1')).toBe('80/tcp -> 0.0.0.0:8080');
    expect(sh('host1', 'docker port c1 80/tcp')).toBe('0.0.0.0:8080');
    expect(sh('host1', 'docker port c2')).toBe('');
    expect(sh('host1', 'docker port c9')).toBe('ERR Error response from daemon: No such container: c9');
    expect(sh('host1', "docker inspect -f '{{.State.Pid}}' c9")).toBe('ERR Error: No such object: c9');
  });

  it('the docker client needs a daemon', () => {
    expect(sh('gw', 'docker ps')).toBe(
      'ERR Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
    );
  });
});

describe('docker-network-modes: each mode, seen from the host', () => {
  const sh = shell('docker-network-modes');
  const pidOf = (c: string): string => sh('host1', `docker inspect -f '{{.State.Pid}}' ${c}`);

  it("host: c3 has no sandbox and its process is in the host's namespace", () => {
    expect(
      sh('host1', "docker inspect -f '{{.HostConfig.NetworkMode}} [{{.NetworkSettings.SandboxKey}}]' c3"),
    ).toBe('host []');
    expect(sh('host1', `nsenter -t ${pidOf('c3')} -n ip -br addr show eth0`)).toContain('192.168.145.128/24');
  });

  it('none: c4 has a sandbox of its own with only lo', () => {
    const key = sh('host1', "docker inspect -f '{{.NetworkSettings.SandboxKey}}' c4");
    expect(key).toMatch(/^\/var\/run\/docker\/netns\/[0-9a-f]{12}$/);
    expect(sh('host1', `nsenter --net=${key} ip -br link`).split('\n')).toHaveLength(1);
    expect(sh('host1', `nsenter --net=${key} ip -br link`)).toMatch(/^lo\s/);
  });

  it("container:c1: c5's process is in c1's namespace, which has c1's address", () => {
    const c1 = sh('host1', "docker inspect -f '{{.Id}}' c1");
    expect(sh('host1', "docker inspect -f '{{.HostConfig.NetworkMode}}' c5")).toBe(`container:${c1}`);
    expect(sh('host1', `nsenter -t ${pidOf('c5')} -n ip -br addr show eth0`)).toContain('172.17.0.2/16');
    expect(sh('host1', 'ls /var/run/docker/netns').split('\n')).toHaveLength(3);
  });
});

/**
 * docker-overlay (issue 20, point 2, for overlay networks): libnetwork's overlay driver binds the
 * network sandbox on /var/run/docker/netns/1-<first 10 hex of the network ID> (initSandbox:
 * osl.GenerateKey("1-" + id) keeps 12 characters) and each container's on its 12-hex sandbox
 * key; none is under /var/run/netns. vxlan0 carries createVxlan's flags and peerAdd's entries.
 */
describe('docker-overlay: the overlay driver keeps its namespaces where Docker does', () => {
  const sh = shell('docker-overlay');
  const files = sh('host1', 'ls /var/run/docker/netns').split('\n');
  const ovKey = `/var/run/docker/netns/${files.find((f) => f.startsWith('1-'))}`;
  const c1Key = sh('host1', "docker inspect -f '{{.NetworkSettings.SandboxKey}}' c1");

  it('ip netns list shows nothing; ls /var/run/docker/netns shows the network and c1 sandboxes', () => {
    expect(sh('host1', 'ip netns list')).toBe('');
    expect(sh('host1', 'ip netns exec ov-1 ip link')).toBe(
      'ERR Cannot open network namespace "ov-1": No such file or directory',
    );
    expect(files).toHaveLength(2);
    expect(files.some((f) => /^1-[0-9a-f]{10}$/.test(f))).toBe(true);
    expect(c1Key).toMatch(/^\/var\/run\/docker\/netns\/[0-9a-f]{12}$/);
    expect(files).toContain(c1Key.slice('/var/run/docker/netns/'.length));
  });

  it('nsenter reaches the network sandbox: br0 with vxlan0 and veth0 as ports', () => {
    expect(sh('host1', `nsenter --net=${ovKey} ip -br addr show br0`)).toMatch(/^br0\s+UP\s+10\.0\.0\.1\/24/);
    const vx = sh('host1', `nsenter --net=${ovKey} ip -d link show vxlan0`);
    expect(vx).toContain('master br0');
    expect(vx).toMatch(/vxlan id 4097 .*dstport 4789/);
    expect(vx).toMatch(/proxy l2miss l3miss/);
    expect(vx).not.toContain('nolearning');
    expect(sh('host1', `nsenter --net=${ovKey} ip -br link show master br0`).split('\n')).toHaveLength(2);
  });

  it("peerAdd: c2's permanent neighbour and FDB entries on vxlan0", () => {
    expect(sh('host1', `nsenter --net=${ovKey} ip neigh show dev vxlan0`)).toBe(
      '10.0.0.3 lladdr 02:42:0a:00:00:03 PERMANENT',
    );
    expect(sh('host1', `nsenter --net=${ovKey} bridge fdb show dev vxlan0`)).toContain(
      '02:42:0a:00:00:03 dst 192.168.10.12 self permanent',
    );
  });

  it("c1's own sandbox: eth0 on the overlay (MAC from its address), eth1 on docker_gwbridge", () => {
    const addrs = sh('host1', `nsenter --net=${c1Key} ip -br addr`);
    expect(addrs).toMatch(/eth0@if\d+\s+UP\s+10\.0\.0\.2\/24/);
    expect(addrs).toMatch(/eth1@if\d+\s+UP\s+172\.18\.0\.2\/16/);
    expect(sh('host1', `nsenter --net=${c1Key} ip -br link show eth0`)).toContain('02:42:0a:00:00:02');
    expect(sh('host1', `nsenter --net=${c1Key} ip route`)).toContain('default via 172.18.0.1 dev eth1');
    expect(sh('host1', 'ip -br link show master docker_gwbridge')).toMatch(/^vethc1gw@if\d+/);
  });
});
