/**
 * What the running kernel can build, detected rather than assumed: a scratch namespace
 * tries each device type the scenarios use.
 */
import { spawnSync } from 'node:child_process';
import { buildWorld, type Scenario } from '../../engine';
import { topologyOf } from '../../engine/sim/run';

export interface KernelSupport {
  kernel: string;
  kinds: Record<string, boolean>;
}

const PROBE_NS = 'pjc-probe';

const TRIES: Record<string, string[]> = {
  veth: ['link', 'add', 'p0', 'type', 'veth', 'peer', 'name', 'p1'],
  bridge: ['link', 'add', 'b0', 'type', 'bridge'],
  dummy: ['link', 'add', 'd0', 'type', 'dummy'],
  vxlan: ['link', 'add', 'x0', 'type', 'vxlan', 'id', '1', 'dstport', '4789'],
  ipip: ['link', 'add', 'i0', 'type', 'ipip', 'local', '10.0.0.1', 'remote', '10.0.0.2'],
  gre: ['link', 'add', 'g0', 'type', 'gre', 'local', '10.0.0.1', 'remote', '10.0.0.2'],
  tun: ['tuntap', 'add', 't0', 'mode', 'tun'],
  // Tried after veth, whose p0 it sits on.
  macvlan: ['link', 'add', 'link', 'p0', 'name', 'm0', 'type', 'macvlan', 'mode', 'bridge'],
};

function sh(cmd: string, args: string[]): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

export function probeKernel(): KernelSupport {
  if (process.platform !== 'linux') throw new Error('not Linux: the kernel lab needs network namespaces');
  if (typeof process.getuid === 'function' && process.getuid() !== 0)
    throw new Error('not root: network namespaces need root');
  if (!sh('ip', ['-V']).ok) throw new Error('iproute2 (ip) is not installed');
  sh('ip', ['netns', 'del', PROBE_NS]);
  const add = sh('ip', ['netns', 'add', PROBE_NS]);
  if (!add.ok) throw new Error(`cannot create a network namespace: ${add.out}`);
  try {
    const kinds: Record<string, boolean> = {};
    for (const [kind, args] of Object.entries(TRIES)) kinds[kind] = sh('ip', ['-n', PROBE_NS, ...args]).ok;
    return { kernel: sh('uname', ['-r']).out, kinds };
  } finally {
    sh('ip', ['netns', 'del', PROBE_NS]);
  }
}

/** The store's flannel network config, when it selects the udp backend (which is also flannel's default). */
function flannelUdpBackend(s: Scenario): string | undefined {
  const runsFlanneld = s.machines.some((m) => (m.controllers ?? []).some((c) => c.kind === 'flanneld'));
  const cfg = s.store?.['/coreos.com/network/config'];
  if (!runsFlanneld || cfg === undefined) return undefined;
  try {
    const j = JSON.parse(cfg) as { Backend?: { Type?: unknown } };
    const type = j.Backend?.Type ?? 'udp';
    return type === 'udp' ? `Backend.Type "udp" in /coreos.com/network/config` : undefined;
  } catch {
    return undefined;
  }
}

/** The flow's program looks a name up first (nslookup, dig, getent, or curl given a host name). */
function asksDns(cmd: string): boolean {
  if (/^(nslookup|dig|getent)\b/.test(cmd)) return true;
  const url = /^curl\b.*?\s(?:http:\/\/)?([^\s/:]+)(?::\d+)?(?:\/\S*)?\s*$/.exec(cmd);
  return url !== null && url[1] !== 'localhost' && !/^\d+\.\d+\.\d+\.\d+$/.test(url[1]!);
}

/** Why a flow cannot run on this kernel, or undefined when it can. */
export function realizable(s: Scenario, flow: string, k: KernelSupport): string | undefined {
  const cmd = s.flows.find((f) => f.id === flow)?.command.trim() ?? '';
  if (/^(sudo\s+)?systemctl\b/.test(cmd))
    return `not realizable in the lab: the flow drives a controller ("${cmd}"), a control-plane journey with no frames of its own, and the lab runs no controllers`;
  const udp = flannelUdpBackend(s);
  if (udp)
    return `not realizable in the lab: flanneld runs the udp backend (${udp}), so its data path is flanneld itself, a user-space program reading flannel0 and sending UDP 8285, which the lab does not run`;
  const userspace = s.machines.find((m) =>
    (m.controllers ?? []).some((c) => c.kind === 'kube-proxy' && c.mode === 'userspace'),
  );
  if (userspace)
    return `not realizable in the lab: kube-proxy in userspace mode (on ${userspace.name}) proxies every connection itself, a user-space program the lab does not run`;
  const { world } = buildWorld(s);
  // The lab gives a pod the model's resolv.conf (lab/coredns-responder.ts); without one the
  // program would read the host's and ask a server outside the lab.
  const netns = s.flows.find((f) => f.id === flow)?.netns ?? '';
  if (asksDns(cmd) && world.netns.get(netns)?.files.get('/etc/resolv.conf') === undefined)
    return `not realizable in the lab: the flow resolves a name ("${cmd}") and ${netns} has no /etc/resolv.conf of the model's (kubelet writes one into pods); the kernel would ask the host's name server`;
  const used = new Set(topologyOf(world).netns.flatMap((n) => n.interfaces.map((i) => i.kind)));
  const kernelKind = (kind: string): string => (kind === 'ether' ? 'veth' : kind);
  for (const kind of used) {
    if (kind === 'loopback') continue;
    if (k.kinds[kernelKind(kind)] === false) return `not realizable on this kernel: no ${kind} devices`;
  }
  return undefined;
}
