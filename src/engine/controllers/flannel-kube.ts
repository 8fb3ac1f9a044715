/**
 * flanneld --kube-subnet-mgr (flannel's pkg/subnet/kube): the Kubernetes API instead of
 * etcd. The network config is the kube-flannel-cfg ConfigMap, mounted as
 * /etc/kube-flannel/net-conf.json; a node's lease is its Node.spec.podCIDR, allocated by
 * kube-controller-manager (--allocate-node-cidrs --cluster-cidr), never picked by flannel;
 * flanneld publishes its PublicIP and backend data as annotations on its own Node, and
 * learns the other nodes' leases by watching Nodes. Nothing expires: there is no TTL.
 *
 * The store plays the API server: a Node is /registry/minions/NAME, JSON with
 * spec.podCIDR and metadata.annotations.
 */
import { formatIp, inPrefix, parseCidr } from '../net/ipv4';
import type { Netns } from '../kernel/netns';
import type { Store, WatchEvent } from './store';

export const KUBE_NODES = '/registry/minions/';
export const KUBE_NET_CONF = '/registry/configmaps/kube-flannel/kube-flannel-cfg/net-conf.json';
const ANN = 'flannel.alpha.coreos.com/';

interface NodeObject {
  spec?: { podCIDR?: string };
  metadata?: { annotations?: Record<string, string> };
}

function parseNode(value: string | undefined): NodeObject | undefined {
  if (value === undefined) return undefined;
  try {
    const j = JSON.parse(value) as unknown;
    return j && typeof j === 'object' ? (j as NodeObject) : undefined;
  } catch {
    return undefined;
  }
}

/** A Node as the lease flannel's etcd manager would have stored (key, value), once annotated. */
function asLease(
  value: string | undefined,
  subnetsPrefix: string,
): { key: string; value: string } | undefined {
  const n = parseNode(value);
  const cidr = n?.spec?.podCIDR ? parseCidr(n.spec.podCIDR) : null;
  const a = n?.metadata?.annotations ?? {};
  const pub = a[`${ANN}public-ip`];
  if (!cidr || !pub) return undefined;
  const data = a[`${ANN}backend-data`];
  const lease = {
    PublicIP: pub,
    BackendType: a[`${ANN}backend-type`] ?? 'udp',
    ...(data && data !== 'null' ? { BackendData: JSON.parse(data) as unknown } : {}),
  };
  return { key: `${subnetsPrefix}${formatIp(cidr.addr)}-${cidr.len}`, value: JSON.stringify(lease) };
}

export function nodeLeases(store: Store, subnetsPrefix: string): { key: string; value: string }[] {
  return store
    .list(KUBE_NODES)
    .map((e) => asLease(e.value, subnetsPrefix))
    .filter((l): l is { key: string; value: string } => l !== undefined);
}

/** A watch event on Nodes, as the lease event it means (undefined: no lease in it yet). */
export function nodeEvent(e: WatchEvent, subnetsPrefix: string): WatchEvent | undefined {
  const now = asLease(e.value, subnetsPrefix);
  const before = asLease(e.prev, subnetsPrefix);
  if (e.action === 'set' && now) return { action: 'set', key: now.key, value: now.value };
  if (before) return { action: 'delete', key: before.key, prev: before.value };
  return undefined;
}

/** kube.AcquireLease: the node's podCIDR, which must lie in the configured Network. */
export function podCidrLease(
  store: Store,
  node: string,
  network: { addr: number; len: number },
  ns: Netns,
  who: string,
): { ok: true; subnet: { addr: number; len: number } } | { ok: false; error: string } {
  const n = parseNode(store.get(`${KUBE_NODES}${node}`, ns, who)?.value);
  if (!n) return { ok: false, error: `node "${node}" not found` };
  const pod = n.spec?.podCIDR ? parseCidr(n.spec.podCIDR) : null;
  if (!pod) return { ok: false, error: `failed to acquire lease: node "${node}" pod cidr not assigned` };
  const net = `${formatIp(network.addr)}/${network.len}`;
  if (pod.len < network.len || !inPrefix(pod.addr, network.addr, network.len))
    return {
      ok: false,
      error: `failed to acquire lease: subnet "${net}" specified in the flannel net config doesn't contain "${n.spec!.podCIDR}" PodCIDR of the "${node}" node`,
    };
  return { ok: true, subnet: { addr: pod.addr >>> 0, len: pod.len } };
}

/** Patch the node's annotations with what the other flanneld need (no TTL: a Node does not expire). */
export function annotateNode(
  store: Store,
  node: string,
  lease: { publicIp: number; backend: string; backendData?: string },
  ns: Netns,
  who: string,
): void {
  const key = `${KUBE_NODES}${node}`;
  const n = parseNode(store.get(key, ns, who)?.value) ?? {};
  const annotations = {
    ...(n.metadata?.annotations ?? {}),
    [`${ANN}backend-data`]: lease.backendData ?? 'null',
    [`${ANN}backend-type`]: lease.backend,
    [`${ANN}kube-subnet-manager`]: 'true',
    [`${ANN}public-ip`]: formatIp(lease.publicIp),
  };
  const value = JSON.stringify({ ...n, metadata: { ...(n.metadata ?? {}), annotations } });
  store.put(key, value, { ns, who });
}
