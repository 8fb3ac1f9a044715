/**
 * macvlans on a random world's host: namespaces whose NIC is a macvlan of the host's eth0 (the
 * shape of Docker's and CNI's macvlan networks), on the host's own subnet, in bridge, private,
 * VEPA or (alone) passthru mode, sometimes one in the host's own namespace too. Flows then
 * meet what macvlan decides: bridge-mode siblings talk without the wire, the others and the
 * host itself cannot reach them. Drawn from a stream of its own and only in IPv4 worlds: a
 * world without macvlans is what it was before.
 */
import { Rng } from './rng';
import { leftGw, rightGw, subnet, type Gen } from './world';

const MODES = ['bridge', 'bridge', 'private', 'vepa'] as const;

export function addMacvlans(g: Gen): void {
  // The stream's constants leave CI's seeds (2, 4) and the open ones (1001, 1009) without macvlans.
  const rng = new Rng((g.seed * 0x6c8e9cf5) ^ 0x2545f491);
  if (!rng.chance(0.3)) return;
  const hosts = [...g.hosts].filter(([name]) => g.machines.get(name)!.nics[0]!.name === 'eth0');
  if (hosts.length === 0) return;
  const [host, k] = rng.pick(hosts);
  const m = g.machines.get(host)!;
  const gw = k > 0 ? leftGw(k) : rightGw(k);
  const passthru = rng.chance(0.1);
  const count = passthru ? 1 : rng.int(1, 3);
  g.features.add(passthru ? 'macvlan (passthru)' : 'macvlan');
  for (let j = 0; j < count; j++) {
    const mode = passthru ? 'passthru' : rng.pick(MODES);
    const ns = `m${k}${String.fromCharCode(97 + j)}`;
    const dev = `mv${j}`;
    const addr = `${subnet(k)}.${50 + j}`;
    m.setup.push(
      `ip netns add ${ns}`,
      `ip link add link eth0 name ${dev} type macvlan mode ${mode}`,
      `ip link set ${dev} netns ${ns}`,
      `ip -n ${ns} addr add ${addr}/24 dev ${dev}`,
      `ip -n ${ns} link set ${dev} up`,
      `ip -n ${ns} link set lo up`,
      `ip -n ${ns} route add default via ${gw}`,
    );
    g.pods.set(ns, host);
    g.targets.push({ addr, netns: ns });
  }
  if (!passthru && rng.chance(0.3)) {
    // A macvlan in the host's own namespace: the host answers ARP for it on eth0 as well.
    g.features.add('macvlan in the host namespace');
    const addr = `${subnet(k)}.60`;
    m.setup.push(
      `ip link add link eth0 name mvh type macvlan mode ${rng.pick(MODES)}`,
      `ip addr add ${addr}/24 dev mvh`,
      'ip link set mvh up',
    );
    g.targets.push({ addr, netns: host });
  }
}
