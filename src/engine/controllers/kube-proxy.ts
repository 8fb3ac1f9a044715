/**
 * kube-proxy as a controller: it turns Services and their endpoints into kernel state,
 * in one of its three modes, through the commands a learner could type:
 * - iptables: the KUBE-SERVICES / KUBE-SVC-* / KUBE-SEP-* chains as kube-proxy writes them,
 *   with `-m statistic --mode random` odds and hash-derived chain names;
 * - ipvs: the ClusterIPs on the dummy kube-ipvs0, a virtual server per port with its real
 *   servers, and the ipset-based iptables rules IPVS mode still needs for masquerade;
 * - userspace: REDIRECT/DNAT rules to a port kube-proxy itself listens on, and a proxy
 *   process that opens its own connection to an endpoint.
 */
import { parseCidr } from '../net/ipv4';
import { base32, sha256 } from '../util/sha256';

export type ProxyMode = 'iptables' | 'ipvs' | 'userspace';

export interface ServicePort {
  name: string;
  port: number;
  targetPort: number;
  protocol: 'TCP' | 'UDP';
  nodePort?: number;
  /** userspace mode: the port kube-proxy listens on for this service port. */
  proxyPort?: number;
}

export interface Service {
  name: string;
  namespace: string;
  clusterIP: string;
  type: 'ClusterIP' | 'NodePort';
  externalTrafficPolicy: 'Cluster' | 'Local';
  ports: ServicePort[];
  endpoints: { ip: string; node?: string }[];
}

export interface KubeProxyOptions {
  mode: ProxyMode;
  clusterCIDR?: string;
  /** The node's own address (userspace mode DNATs host traffic to it). */
  nodeIP: string;
  node: string;
}

/** "namespace/name:port" as kube-proxy prints a ServicePortName. */
export function servicePortName(s: Service, p: ServicePort): string {
  return `${s.namespace}/${s.name}${p.name ? `:${p.name}` : ''}`;
}

/** kube-proxy's portProtoHash: base32(sha256(servicePortName + protocol))[:16]. */
export function portProtoHash(spn: string, protocol: string): string {
  return base32(sha256(spn + protocol.toLowerCase())).slice(0, 16);
}

export const svcChain = (spn: string, proto: string): string => `KUBE-SVC-${portProtoHash(spn, proto)}`;
export const extChain = (spn: string, proto: string): string => `KUBE-EXT-${portProtoHash(spn, proto)}`;
export const svlChain = (spn: string, proto: string): string => `KUBE-SVL-${portProtoHash(spn, proto)}`;
/** servicePortEndpointChainName: base32(sha256(servicePortName + protocol + endpoint))[:16]. */
export const sepChain = (spn: string, proto: string, endpoint: string): string =>
  `KUBE-SEP-${base32(sha256(spn + proto.toLowerCase() + endpoint)).slice(0, 16)}`;

/** The probability kube-proxy writes for endpoint i of n: 1/(n-i), with 11 decimals. */
export function probability(i: number, n: number): string {
  return (1 / (n - i)).toFixed(11);
}

const q = (s: string): string => `"${s}"`;

/**
 * What kube-proxy writes on a node: a few commands, then (when `restore` is set) one
 * `iptables-restore --noflush --counters` batch with that text on its stdin.
 */
export interface ProxyWrites {
  commands: string[];
  restore?: string;
}

/** The command that loads `ProxyWrites.restore`, as kube-proxy runs it. */
export const RESTORE_COMMAND = 'iptables-restore --noflush --counters';

/**
 * kube-proxy's iptables mode on `node`, written as the real one writes it (syncProxyRules):
 * the chains its jump rules point at and the jump rules themselves with single iptables
 * calls (EnsureChain, EnsureRule), then every chain it owns, declared and filled, in one
 * iptables-restore batch: one commit, however many Services.
 */
export function iptablesModeWrites(services: Service[], o: KubeProxyOptions): ProxyWrites {
  const nat: string[] = [];
  const chains: string[] = [];
  const seen = new Set<string>();
  const chain = (c: string): void => {
    if (!seen.has(c)) {
      seen.add(c);
      chains.push(`:${c} - [0:0]`);
    }
  };
  for (const c of ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ']) chain(c);
  const commands = [
    'iptables -t nat -N KUBE-SERVICES',
    'iptables -t nat -N KUBE-POSTROUTING',
    'iptables -N KUBE-FORWARD',
    `iptables -t nat -A PREROUTING -m comment --comment ${q('kubernetes service portals')} -j KUBE-SERVICES`,
    `iptables -t nat -A OUTPUT -m comment --comment ${q('kubernetes service portals')} -j KUBE-SERVICES`,
    `iptables -t nat -A POSTROUTING -m comment --comment ${q('kubernetes postrouting rules')} -j KUBE-POSTROUTING`,
    `iptables -A FORWARD -m comment --comment ${q('kubernetes forwarding rules')} -j KUBE-FORWARD`,
  ];
  nat.push('-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000');
  nat.push('-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN');
  nat.push('-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0');
  nat.push(
    `-A KUBE-POSTROUTING -m comment --comment ${q('kubernetes service traffic requiring SNAT')} -j MASQUERADE --random-fully`,
  );
  const nodePorts: string[] = [];
  for (const s of services) for (const p of s.ports) servicePortRules(s, p, o, chain, nat, nodePorts);
  nat.push(...nodePorts);
  nat.push(
    `-A KUBE-SERVICES -m comment --comment ${q('kubernetes service nodeports; NOTE: this must be the last rule in this chain')} -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS`,
  );
  const filter = [
    '*filter',
    ':KUBE-FORWARD - [0:0]',
    '-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP',
    `-A KUBE-FORWARD -m comment --comment ${q('kubernetes forwarding rules')} -m mark --mark 0x4000/0x4000 -j ACCEPT`,
    `-A KUBE-FORWARD -m comment --comment ${q('kubernetes forwarding conntrack rule')} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
    'COMMIT',
  ];
  const restore = [...filter, '*nat', ...chains, ...nat, 'COMMIT', ''].join('\n');
  return { commands, restore };
}

/** The nat rules of one Service port: its KUBE-SVC chain, a KUBE-SEP chain per endpoint, NodePort chains. */
function servicePortRules(
  s: Service,
  p: ServicePort,
  o: KubeProxyOptions,
  chain: (c: string) => void,
  nat: string[],
  nodePorts: string[],
): void {
  const spn = servicePortName(s, p);
  const proto = p.protocol.toLowerCase();
  const svc = svcChain(spn, proto);
  chain(svc);
  nat.push(
    `-A KUBE-SERVICES -d ${s.clusterIP}/32 -p ${proto} -m comment --comment ${q(`${spn} cluster IP`)} -m ${proto} --dport ${p.port} -j ${svc}`,
  );
  if (o.clusterCIDR) {
    nat.push(
      `-A ${svc} ! -s ${o.clusterCIDR} -d ${s.clusterIP}/32 -p ${proto} -m comment --comment ${q(`${spn} cluster IP`)} -m ${proto} --dport ${p.port} -j KUBE-MARK-MASQ`,
    );
  }
  const eps = s.endpoints.map((e) => `${e.ip}:${p.targetPort}`);
  const seps = eps.map((ep) => sepChain(spn, proto, ep));
  for (const c of seps) chain(c);
  eps.forEach((ep, i) => {
    const stat =
      i < eps.length - 1 ? ` -m statistic --mode random --probability ${probability(i, eps.length)}` : '';
    nat.push(`-A ${svc} -m comment --comment ${q(`${spn} -> ${ep}`)}${stat} -j ${seps[i]}`);
  });
  s.endpoints.forEach((e, i) => {
    const sep = seps[i]!;
    // Hairpin: a pod reaching itself through the Service must be masqueraded.
    nat.push(`-A ${sep} -s ${e.ip}/32 -m comment --comment ${q(spn)} -j KUBE-MARK-MASQ`);
    nat.push(
      `-A ${sep} -p ${proto} -m comment --comment ${q(spn)} -m ${proto} -j DNAT --to-destination ${eps[i]}`,
    );
  });
  if (s.type === 'NodePort' && p.nodePort !== undefined) {
    const ext = extChain(spn, proto);
    chain(ext);
    nodePorts.push(
      `-A KUBE-NODEPORTS -p ${proto} -m comment --comment ${q(spn)} -m ${proto} --dport ${p.nodePort} -j ${ext}`,
    );
    if (s.externalTrafficPolicy === 'Local') {
      const svl = svlChain(spn, proto);
      chain(svl);
      if (o.clusterCIDR)
        nat.push(
          `-A ${ext} -s ${o.clusterCIDR} -m comment --comment ${q(`pod traffic for ${spn} external destinations`)} -j ${svc}`,
        );
      nat.push(
        `-A ${ext} -m comment --comment ${q(`masquerade LOCAL traffic for ${spn} external destinations`)} -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ`,
      );
      nat.push(
        `-A ${ext} -m comment --comment ${q(`route LOCAL traffic for ${spn} external destinations`)} -m addrtype --src-type LOCAL -j ${svc}`,
      );
      nat.push(`-A ${ext} -j ${svl}`);
      const local = s.endpoints.map((e, i) => ({ e, i })).filter(({ e }) => e.node === o.node);
      local.forEach(({ i }, k) => {
        const stat =
          k < local.length - 1
            ? ` -m statistic --mode random --probability ${probability(k, local.length)}`
            : '';
        nat.push(`-A ${svl} -m comment --comment ${q(`${spn} -> ${eps[i]}`)}${stat} -j ${seps[i]}`);
      });
    } else {
      nat.push(
        `-A ${ext} -m comment --comment ${q(`masquerade traffic for ${spn} external destinations`)} -j KUBE-MARK-MASQ`,
      );
      nat.push(`-A ${ext} -j ${svc}`);
    }
  }
}

/**
 * IPVS mode: the ClusterIPs on kube-ipvs0, the virtual servers, and the ipset-based
 * masquerade rules (the jump rules alone, the chains they reach in one iptables-restore batch).
 */
export function ipvsModeWrites(services: Service[], o: KubeProxyOptions): ProxyWrites {
  const out: string[] = [];
  out.push('ip link add kube-ipvs0 type dummy');
  for (const s of services) out.push(`ip addr add ${s.clusterIP}/32 dev kube-ipvs0`);
  out.push('ipset create KUBE-CLUSTER-IP hash:ip,port');
  out.push('ipset create KUBE-LOOP-BACK hash:ip,port,ip');
  for (const s of services) {
    for (const p of s.ports) {
      const proto = p.protocol.toLowerCase();
      const flag = proto === 'udp' ? '-u' : '-t';
      out.push(`ipvsadm -A ${flag} ${s.clusterIP}:${p.port} -s rr`);
      for (const e of s.endpoints)
        out.push(`ipvsadm -a ${flag} ${s.clusterIP}:${p.port} -r ${e.ip}:${p.targetPort} -m -w 1`);
      out.push(`ipset add KUBE-CLUSTER-IP ${s.clusterIP},${proto}:${p.port}`);
      for (const e of s.endpoints)
        out.push(`ipset add KUBE-LOOP-BACK ${e.ip},${proto}:${p.targetPort},${e.ip}`);
    }
  }
  out.push('iptables -t nat -N KUBE-SERVICES', 'iptables -t nat -N KUBE-POSTROUTING');
  out.push(
    `iptables -t nat -A PREROUTING -m comment --comment ${q('kubernetes service portals')} -j KUBE-SERVICES`,
  );
  out.push(
    `iptables -t nat -A OUTPUT -m comment --comment ${q('kubernetes service portals')} -j KUBE-SERVICES`,
  );
  out.push(
    `iptables -t nat -A POSTROUTING -m comment --comment ${q('kubernetes postrouting rules')} -j KUBE-POSTROUTING`,
  );
  const nat = ['*nat', ':KUBE-SERVICES - [0:0]', ':KUBE-POSTROUTING - [0:0]', ':KUBE-MARK-MASQ - [0:0]'];
  nat.push('-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000');
  nat.push(
    `-A KUBE-POSTROUTING -m comment --comment ${q('Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose')} -m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE`,
  );
  nat.push('-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN');
  nat.push('-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0');
  nat.push(
    `-A KUBE-POSTROUTING -m comment --comment ${q('kubernetes service traffic requiring SNAT')} -j MASQUERADE --random-fully`,
  );
  if (o.clusterCIDR) {
    nat.push(
      `-A KUBE-SERVICES ! -s ${o.clusterCIDR} -m comment --comment ${q('Kubernetes service cluster ip + port for masquerade purpose')} -m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ`,
    );
  }
  nat.push('-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT', 'COMMIT', '');
  return { commands: out, restore: nat.join('\n') };
}

/** userspace mode: REDIRECT for traffic from containers, DNAT for the host's own, to kube-proxy's port. */
export function userspaceModeWrites(services: Service[], o: KubeProxyOptions): ProxyWrites {
  const out = ['iptables -t nat -N KUBE-PORTALS-CONTAINER', 'iptables -t nat -N KUBE-PORTALS-HOST'];
  const note = q('handle ClusterIPs; NOTE: this must be before the NodePort rules');
  out.push(`iptables -t nat -A PREROUTING -m comment --comment ${note} -j KUBE-PORTALS-CONTAINER`);
  out.push(`iptables -t nat -A OUTPUT -m comment --comment ${note} -j KUBE-PORTALS-HOST`);
  for (const s of services) {
    for (const p of s.ports) {
      if (p.proxyPort === undefined) continue;
      const proto = p.protocol.toLowerCase();
      const c = q(`${s.namespace}/${s.name}:${p.name === 'default' ? '' : p.name}`);
      out.push(
        `iptables -t nat -A KUBE-PORTALS-CONTAINER -d ${s.clusterIP}/32 -p ${proto} -m comment --comment ${c} -m ${proto} --dport ${p.port} -j REDIRECT --to-ports ${p.proxyPort}`,
      );
      out.push(
        `iptables -t nat -A KUBE-PORTALS-HOST -d ${s.clusterIP}/32 -p ${proto} -m comment --comment ${c} -m ${proto} --dport ${p.port} -j DNAT --to-destination ${o.nodeIP}:${p.proxyPort}`,
      );
    }
  }
  return { commands: out };
}

export function validIp(s: string): boolean {
  return parseCidr(`${s}/32`) !== null;
}
