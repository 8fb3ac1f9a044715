/**
 * Which endpoints of a Service port kube-proxy on one node may send traffic to, as
 * pkg/proxy/topology.go's CategorizeEndpoints decides it (Kubernetes 1.33; topology hints
 * are not modelled): Ready endpoints, else Serving-and-Terminating ones, chosen separately
 * for the Cluster and the Local traffic policy.
 */
import { joinHostPort, type Service, type ServiceEndpoint, type ServicePort } from './kube-proxy';

/** One endpoint as kube-proxy keeps it: "ip:port" is its identity and its chain's hash input. */
export interface Endpoint {
  ip: string;
  port: number;
  /** ip:port ([ip]:port for IPv6), kube-proxy's Endpoint.String(). */
  key: string;
  local: boolean;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
}

/** The API's defaults: ready unset is ready, serving unset follows ready, terminating unset is false. */
export function endpointsOf(s: Service, p: ServicePort, node: string): Endpoint[] {
  const eps = s.endpoints.map((e: ServiceEndpoint): Endpoint => {
    const ready = e.ready ?? true;
    return {
      ip: e.ip,
      port: p.targetPort,
      key: joinHostPort(e.ip, p.targetPort),
      local: e.node === node,
      ready,
      serving: e.serving ?? ready,
      terminating: e.terminating ?? false,
    };
  });
  // The EndpointSlice cache hands endpoints over sorted by their string form.
  return eps.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The Service port's traffic policies, as BaseServicePortInfo derives them. */
export interface PortPolicy {
  nodePort: number;
  loadBalancerIPs: string[];
  externalIPs: string[];
  externallyAccessible: boolean;
  externalPolicyLocal: boolean;
  internalPolicyLocal: boolean;
  usesClusterEndpoints: boolean;
  usesLocalEndpoints: boolean;
}

export function portPolicy(s: Service, p: ServicePort): PortPolicy {
  const nodePort = s.type === 'ClusterIP' ? 0 : (p.nodePort ?? 0);
  const loadBalancerIPs = s.type === 'LoadBalancer' ? (s.loadBalancerIPs ?? []) : [];
  const externalIPs = s.externalIPs ?? [];
  const externallyAccessible = nodePort !== 0 || loadBalancerIPs.length > 0 || externalIPs.length > 0;
  const externalPolicyLocal = externallyAccessible && s.externalTrafficPolicy === 'Local';
  const internalPolicyLocal = s.internalTrafficPolicy === 'Local';
  return {
    nodePort,
    loadBalancerIPs,
    externalIPs,
    externallyAccessible,
    externalPolicyLocal,
    internalPolicyLocal,
    usesClusterEndpoints: !internalPolicyLocal || (externallyAccessible && !externalPolicyLocal),
    usesLocalEndpoints: internalPolicyLocal || (externallyAccessible && externalPolicyLocal),
  };
}

export interface Categorized {
  cluster: Endpoint[];
  local: Endpoint[];
  /** Every endpoint this node may DNAT to: each gets a KUBE-SEP chain. */
  reachable: Endpoint[];
  /** Whether the Service has a usable endpoint anywhere in the cluster. */
  hasAny: boolean;
}

const servingTerminating = (e: Endpoint): boolean => e.serving && e.terminating;

export function categorizeEndpoints(eps: Endpoint[], pol: PortPolicy): Categorized {
  let cluster: Endpoint[] = [];
  let hasAny = false;
  if (pol.usesClusterEndpoints) {
    cluster = eps.filter((e) => e.ready);
    // No Ready endpoint anywhere: fall back to the ones still serving while terminating.
    if (cluster.length === 0) cluster = eps.filter(servingTerminating);
    hasAny = cluster.length > 0;
  }
  if (!pol.usesLocalEndpoints) return { cluster, local: [], reachable: cluster, hasAny };
  let localReady = false;
  let localServingTerminating = false;
  for (const e of eps) {
    if (e.ready) {
      hasAny = true;
      if (e.local) localReady = true;
    } else if (servingTerminating(e)) {
      hasAny = true;
      if (e.local) localServingTerminating = true;
    }
  }
  const local = localReady
    ? eps.filter((e) => e.local && e.ready)
    : localServingTerminating
      ? eps.filter((e) => e.local && servingTerminating(e))
      : [];
  if (!pol.usesClusterEndpoints) return { cluster, local, reachable: local, hasAny };
  if (!localServingTerminating || localReady) return { cluster, local, reachable: cluster, hasAny };
  // Local holds terminating endpoints Cluster lacks: the node needs chains for both.
  const merged = new Map<string, Endpoint>();
  for (const e of [...cluster, ...local]) merged.set(e.key, e);
  return { cluster, local, reachable: [...merged.values()], hasAny };
}
