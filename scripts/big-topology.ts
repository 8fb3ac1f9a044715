/**
 * A big world for measuring the canvas (not a catalog scenario): `machines` nodes on one L2
 * segment, each with a cni0 bridge and `pods` pods on veths (300 machines with 3 pods are issue
 * 17's 1,200 namespaces). One flow pings from a pod on an early node to a pod on a late one; only
 * those two nodes route to each other's pod subnet (host-gw style), so the world builds quickly
 * and the journey's machines are few among many, as in a real cluster.
 *
 *   npx tsx scripts/big-topology.ts [machines] [pods] > /tmp/big.yaml
 */

export interface BigTopology {
  yaml: string;
  id: string;
  flow: string;
}

const nodeIp = (h: number) => `192.168.${Math.floor(h / 200)}.${(h % 200) + 10}`;
const podNet = (h: number) => `10.${244 + (h >> 8)}.${h & 255}`;

function node(h: number, pods: number, routes: string[]): string[] {
  const name = `node-${h}`;
  const out = [
    `  ${name}:`,
    '    nics:',
    `      - { name: eth0, segment: lan, addr: ${nodeIp(h)}/16 }`,
    '    setup:',
    '      - sysctl -w net.ipv4.ip_forward=1',
    '      - ip link add cni0 type bridge',
    `      - ip addr add ${podNet(h)}.1/24 dev cni0`,
    '      - ip link set cni0 up',
  ];
  for (let p = 0; p < pods; p++) {
    const ns = `n${h}-pod${p}`;
    out.push(
      `      - ip netns add ${ns}`,
      `      - ip link add veth${p} type veth peer name eth0 netns ${ns}`,
      `      - ip link set veth${p} master cni0`,
      `      - ip link set veth${p} up`,
      `      - ip -n ${ns} addr add ${podNet(h)}.${p + 2}/24 dev eth0`,
      `      - ip -n ${ns} link set eth0 up`,
      `      - ip -n ${ns} route add default via ${podNet(h)}.1`,
    );
  }
  for (const r of routes) out.push(`      - ${r}`);
  return out;
}

/** The YAML of a `machines`-node world and its one flow (from a pod on node-3 to one on node-(n-50)). */
export function bigTopology(machines = 300, pods = 3): BigTopology {
  const id = `big-${machines}`;
  const from = Math.min(3, machines - 1);
  const to = Math.max(0, machines - 50);
  const lines = [
    'version: 1',
    `id: ${id}`,
    'group: Basics',
    `concept: { en: "${machines} machines", zh: "${machines} 台机器" }`,
    `title: { en: "${machines} nodes, ${pods} pods each", zh: "${machines} 个节点，每个 ${pods} 个 Pod" }`,
    `description: { en: "A measuring world: ${machines} nodes on one segment.", zh: "测量用的世界：一个网段上的 ${machines} 个节点。" }`,
    'segments:',
    '  lan:',
    '    title: 192.168.0.0/16',
    'machines:',
  ];
  for (let h = 0; h < machines; h++) {
    const routes =
      h === from
        ? [`ip route add ${podNet(to)}.0/24 via ${nodeIp(to)}`]
        : h === to
          ? [`ip route add ${podNet(from)}.0/24 via ${nodeIp(from)}`]
          : [];
    lines.push(...node(h, pods, routes));
  }
  const flow = `n${from}-ping-n${to}`;
  lines.push(
    'flows:',
    `  - id: ${flow}`,
    `    netns: n${from}-pod0`,
    `    command: ping -c 1 ${podNet(to)}.${pods + 1}`,
    `    title: { en: "a pod on node-${from} pings a pod on node-${to}", zh: "node-${from} 上的 Pod ping node-${to} 上的 Pod" }`,
  );
  return { yaml: `${lines.join('\n')}\n`, id, flow };
}

if (process.argv[1]?.endsWith('big-topology.ts')) {
  const [m, p] = process.argv.slice(2).map(Number);
  process.stdout.write(bigTopology(m || 300, p || 3).yaml);
}
