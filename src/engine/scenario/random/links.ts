/**
 * Links beyond plain Ethernet on the random world: a VXLAN overlay between two hosts on
 * different segments (static FDB or learning, MAC pinned or not, with or without a lower
 * device, which sets its MTU), and smaller MTUs on routers' links.
 */
import type { Gen } from './world';

export function addVxlan(g: Gen): void {
  const hosts = [...g.hosts].filter(([h]) => !g.machines.get(h)!.setup.some((l) => l.includes('br0')));
  const a = hosts.find(([, k]) => k === 0);
  const b = hosts.find(([, k]) => k === g.segments.length - 1);
  if (!a || !b || !g.rng.chance(0.3)) return;
  g.features.add('VXLAN');
  const learning = g.rng.chance(0.4);
  if (!learning) g.features.add('VXLAN static FDB');
  const dev = g.rng.chance(0.5);
  const port = g.rng.pick([4789, 8472]);
  const ends = [a[0], b[0]];
  const addrOf = (h: string): string => g.machines.get(h)!.nics[0]!.addr.split('/')[0]!;
  ends.forEach((h, idx) => {
    const m = g.machines.get(h)!;
    const peer = addrOf(ends[1 - idx]!);
    const mac = g.rng.chance(0.5) ? ` address 02:42:c0:a8:63:0${idx + 1}` : '';
    m.setup.push(
      `ip link add vx0${mac} type vxlan id 42 dstport ${port} local ${addrOf(h)}${dev ? ' dev eth0' : ''}${learning ? '' : ' nolearning'}`,
      `ip addr add 192.168.99.${idx + 1}/24 dev vx0`,
      'ip link set vx0 up',
      `bridge fdb append 00:00:00:00:00:00 dev vx0 dst ${peer}`,
    );
    const t = g.targets.find((x) => x.netns === h);
    g.targets.push({ addr: `192.168.99.${idx + 1}`, netns: h, ...(t?.tcp === 80 ? { tcp: 80 } : {}) });
  });
}

export function addMtu(g: Gen): void {
  for (const m of g.machines.values()) {
    if (m.role !== 'router' || !g.rng.chance(0.15)) continue;
    g.features.add('MTU differences');
    const nic = g.rng.pick(['eth0', 'eth1']);
    m.setup.push(`ip link set dev ${nic} mtu ${g.rng.pick([1280, 1400, 1450])}`);
  }
}
