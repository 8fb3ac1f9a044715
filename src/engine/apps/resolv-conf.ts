/**
 * /etc/resolv.conf as glibc's res_init reads it (resolv.conf(5)): up to three `nameserver`
 * lines, the last `search` (or `domain`) line, `options ndots:N timeout:N attempts:N`.
 * Without a file the resolver asks the local host (127.0.0.1) with the defaults.
 */
import { parseIp } from '../net/ipv4';

export interface ResolvConf {
  nameservers: number[];
  search: string[];
  /** ndots: a name with at least this many dots is tried as given before the search list (default 1, max 15). */
  ndots: number;
  /** Seconds to wait for a server (default 5, max 30). */
  timeout: number;
  /** Tries per server (default 2, max 5). */
  attempts: number;
}

/** MAXNS, MAXDNSRCH: glibc keeps at most 3 servers (and 6 search domains in old releases; now any). */
const MAXNS = 3;

export function parseResolvConf(text: string | undefined): ResolvConf {
  const rc: ResolvConf = { nameservers: [], search: [], ndots: 1, timeout: 5, attempts: 2 };
  for (const raw of (text ?? '').split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [key, ...args] = line.split(/\s+/);
    if (key === 'nameserver' && args[0] !== undefined) {
      const ip = parseIp(args[0]);
      if (ip !== null && rc.nameservers.length < MAXNS) rc.nameservers.push(ip);
    } else if (key === 'search' || key === 'domain') {
      // The last search or domain line wins.
      rc.search = args.filter((a) => a.length > 0);
    } else if (key === 'options') {
      for (const o of args) {
        const m = /^(ndots|timeout|attempts):(\d+)$/.exec(o);
        if (!m) continue;
        const n = Number(m[2]);
        if (m[1] === 'ndots') rc.ndots = Math.min(n, 15);
        else if (m[1] === 'timeout') rc.timeout = Math.max(1, Math.min(n, 30));
        else rc.attempts = Math.max(1, Math.min(n, 5));
      }
    }
  }
  if (rc.nameservers.length === 0) rc.nameservers.push(0x7f000001);
  return rc;
}

/**
 * The names __res_context_search tries, in order: the name as given first when it has at
 * least ndots dots, then the name with each search domain appended, then (if not tried
 * yet) the name as given. A name ending in a dot is absolute: only itself.
 */
export function searchCandidates(name: string, rc: ResolvConf): string[] {
  if (name.endsWith('.')) return [name];
  const dots = [...name].filter((c) => c === '.').length;
  const asIs = `${name}.`;
  const out: string[] = [];
  if (dots >= rc.ndots) out.push(asIs);
  for (const d of rc.search) out.push(`${name}.${d.replace(/\.$/, '')}.`);
  if (dots < rc.ndots) out.push(asIs);
  return out;
}

/**
 * A pod's file for dnsPolicy ClusterFirst: kubelet's DNSConfig (pkg/kubelet/network/dns:
 * the cluster DNS server, the namespace's search domains, ndots:5), written by the
 * runtime (containerd's parseDNSOptions) as search, nameserver, options lines.
 */
export function kubeletResolvConf(clusterDNS: string, namespace: string, clusterDomain: string): string {
  return [
    `search ${namespace}.svc.${clusterDomain} svc.${clusterDomain} ${clusterDomain}`,
    `nameserver ${clusterDNS}`,
    'options ndots:5',
    '',
  ].join('\n');
}
