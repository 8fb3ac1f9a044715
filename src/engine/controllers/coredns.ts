/**
 * CoreDNS as a cluster runs it (the kubeadm Corefile), answering from the scenario's
 * Services the way its plugins do:
 *
 *   .:53 {
 *       hosts { <the scenario's entries>  fallthrough }
 *       kubernetes cluster.local in-addr.arpa ip6.arpa { pods insecure  fallthrough in-addr.arpa ip6.arpa  ttl 30 }
 *   }
 *
 * The plugins run in plugin.cfg's order (hosts before kubernetes). There is no `forward`:
 * the model has no upstream resolver, so the scenario's `hosts` entries stand for the
 * names the outside world would answer, and any other name outside the cluster domain
 * ends the chain: "no next plugin found", SERVFAIL (plugin.NextOrFailure).
 *
 * plugin/kubernetes: <svc>.<ns>.svc.<zone> answers A with the cluster IP; a headless
 * Service ("None") with one A per ready endpoint; an ExternalName Service with a CNAME,
 * followed through the chain again (Upstream.Lookup) for the target's records. A name of
 * the zone that matches nothing is NXDOMAIN; a name that exists without records of the
 * asked type is NODATA; both carry the zone's SOA (plugin.BackendError). Replies are
 * authoritative (AA) and never claim recursion (no RA): dig warns "recursion requested
 * but not available". The loadbalance and cache plugins are not modelled (records keep
 * their object order; every query reaches the plugins).
 */
import {
  EDNS_OPTION,
  fqdn,
  RCODE,
  type DnsLayer,
  type DnsOpt,
  type DnsQuestion,
  type DnsRecord,
} from '../net/dns';
import type { Service } from './kube-proxy';

export interface CoreDnsConfig {
  /** The kubernetes plugin's zone: kubelet's clusterDomain. */
  zone: string;
  /** The kubernetes plugin's `ttl` (30 in the kubeadm Corefile; the plugin's default is 5). */
  ttl: number;
  /** The hosts plugin's inline entries, with its default TTL of 3600. */
  hosts: { ip: string; names: string[] }[];
  /** The SOA serial: the Unix time the plugin last saw the Services change. */
  serial: number;
}

export const HOSTS_TTL = 3600;

type Answer = Pick<DnsLayer, 'rcode' | 'aa' | 'answer' | 'authority'>;

const lower = (n: string): string => fqdn(n).toLowerCase();

function isSubdomain(name: string, zone: string): boolean {
  const n = lower(name);
  const z = lower(zone);
  return n === z || n.endsWith(`.${z}`);
}

/** plugin.SOA: the zone's SOA as the kubernetes plugin builds it; its TTL is min(ttl, 300). */
export function zoneSoa(c: CoreDnsConfig): DnsRecord {
  const zone = lower(c.zone);
  return {
    name: zone,
    type: 'SOA',
    ttl: Math.min(c.ttl, 300),
    data: {
      mname: `ns.dns.${zone}`,
      rname: `hostmaster.${zone}`,
      serial: c.serial,
      refresh: 7200,
      retry: 1800,
      expire: 86400,
      minimum: c.ttl,
    },
  };
}

/** The hosts plugin: an entry answers (AA); an unknown name falls through. */
function hostsPlugin(c: CoreDnsConfig, q: DnsQuestion): Answer | undefined {
  const ips = c.hosts.filter((h) => h.names.some((n) => lower(n) === lower(q.name))).map((h) => h.ip);
  if (ips.length === 0) return undefined;
  const v4 = ips.filter((ip) => !ip.includes(':'));
  const v6 = ips.filter((ip) => ip.includes(':'));
  const pick = q.type === 'A' ? v4 : q.type === 'AAAA' ? v6 : [];
  // No records of this type while the name has others: an empty NOERROR, without SOA (no zone).
  const answer = pick.map((ip): DnsRecord => ({
    name: q.name,
    type: q.type as 'A' | 'AAAA',
    ttl: HOSTS_TTL,
    data: ip,
  }));
  return { rcode: RCODE.NOERROR, aa: true, answer, authority: [] };
}

/** The Service a name of the zone names: <svc>.<ns>.svc.<zone>. */
function serviceOf(services: readonly Service[], c: CoreDnsConfig, name: string): Service | undefined {
  const rel = lower(name).slice(0, -lower(c.zone).length - 1);
  const m = /^([^.]+)\.([^.]+)\.svc$/.exec(rel);
  if (!m) return undefined;
  return services.find((s) => s.name === m[1] && s.namespace === m[2]);
}

/** A name of the zone that exists without being a Service: the apex, svc, or a namespace with Services. */
function emptyNonTerminal(services: readonly Service[], c: CoreDnsConfig, name: string): boolean {
  const rel = lower(name) === lower(c.zone) ? '' : lower(name).slice(0, -lower(c.zone).length - 1);
  if (rel === '' || rel === 'svc') return true;
  const m = /^([^.]+)\.svc$/.exec(rel);
  // namespaceExposed: the namespace exists (default and kube-system always do).
  return (
    m !== null && (['default', 'kube-system'].includes(m[1]!) || services.some((s) => s.namespace === m[1]))
  );
}

/** Endpoint addresses CoreDNS publishes for a headless Service: the ready ones. */
function readyAddresses(s: Service): string[] {
  return s.endpoints.filter((e) => e.ready !== false).map((e) => e.ip);
}

function kubernetesPlugin(
  services: readonly Service[],
  c: CoreDnsConfig,
  q: DnsQuestion,
  depth: number,
): Answer | undefined {
  if (!isSubdomain(q.name, c.zone)) return undefined;
  const soa = [zoneSoa(c)];
  const nodata: Answer = { rcode: RCODE.NOERROR, aa: true, answer: [], authority: soa };
  const s = serviceOf(services, c, q.name);
  if (!s) {
    if (emptyNonTerminal(services, c, q.name)) return nodata;
    return { rcode: RCODE.NXDOMAIN, aa: true, answer: [], authority: soa };
  }
  if (s.type === 'ExternalName' && s.externalName !== undefined) {
    const cname: DnsRecord = { name: q.name, type: 'CNAME', ttl: c.ttl, data: fqdn(s.externalName) };
    if (q.type === 'CNAME') return { rcode: RCODE.NOERROR, aa: true, answer: [cname], authority: [] };
    if (q.type !== 'A' && q.type !== 'AAAA') return nodata;
    // plugin.A: the target is looked up through the whole server again (Upstream.Lookup).
    const target =
      depth < 8
        ? resolveChain(services, c, { name: fqdn(s.externalName), type: q.type }, depth + 1)
        : undefined;
    return { rcode: RCODE.NOERROR, aa: true, answer: [cname, ...(target?.answer ?? [])], authority: [] };
  }
  // A dual-stack Service answers A from its IPv4 clusterIP and AAAA from its IPv6 one.
  const ips = s.clusterIP === 'None' ? readyAddresses(s) : (s.clusterIPs ?? [s.clusterIP]);
  // findServices: a headless Service without a ready endpoint yields no item at all: NXDOMAIN.
  if (ips.length === 0) return { rcode: RCODE.NXDOMAIN, aa: true, answer: [], authority: soa };
  const want =
    q.type === 'A'
      ? ips.filter((ip) => !ip.includes(':'))
      : q.type === 'AAAA'
        ? ips.filter((ip) => ip.includes(':'))
        : [];
  if (want.length === 0) return nodata;
  const answer = want.map((ip): DnsRecord => ({
    name: q.name,
    type: q.type as 'A' | 'AAAA',
    ttl: c.ttl,
    data: ip,
  }));
  return { rcode: RCODE.NOERROR, aa: true, answer, authority: [] };
}

function resolveChain(
  services: readonly Service[],
  c: CoreDnsConfig,
  q: DnsQuestion,
  depth = 0,
): Answer | undefined {
  return hostsPlugin(c, q) ?? kubernetesPlugin(services, c, q, depth);
}

/** request/edns0.go supportedOptions: the options CoreDNS hands back (no plugin adds its own here). */
const SUPPORTED_OPTIONS = new Set<number>([
  EDNS_OPTION.NSID,
  EDNS_OPTION.EXPIRE,
  EDNS_OPTION.COOKIE,
  EDNS_OPTION.TCP_KEEPALIVE,
  EDNS_OPTION.PADDING,
]);

/**
 * request.SizeAndDo, which the ScrubWriter runs on every reply: the query's own OPT goes
 * back with version 0 and its TTL masked with 0xff00 (the extended RCODE and version
 * cleared, DO kept), the UDP size as the client sent it, only the supported options (a
 * client cookie is echoed as it came, with no server cookie: dig prints "(echoed)").
 */
function replyOpt(o: DnsOpt): DnsOpt {
  return {
    udpSize: o.udpSize,
    extRcode: 0,
    version: 0,
    flags: o.flags & 0xff00,
    options: o.options.filter((x) => SUPPORTED_OPTIONS.has(x.code)),
  };
}

/**
 * CoreDNS's reply to one query: the header copied as miekg/dns's SetReply does (id, RD,
 * the question), then the plugins' answer, or SERVFAIL without AA when none handled it,
 * with an OPT record when the query had one.
 */
export function coreDnsReply(services: readonly Service[], c: CoreDnsConfig, query: DnsLayer): DnsLayer {
  const base = {
    proto: 'dns' as const,
    id: query.id,
    qr: true,
    tc: false,
    rd: query.rd,
    ra: false,
    ...(query.cd ? { cd: true } : {}),
    additional: [],
    ...(query.opt ? { opt: replyOpt(query.opt) } : {}),
  };
  const q = query.question[0];
  if (query.question.length !== 1 || q === undefined)
    return { ...base, aa: false, rcode: RCODE.FORMERR, question: query.question, answer: [], authority: [] };
  const a = resolveChain(services, c, q);
  if (!a) return { ...base, aa: false, rcode: RCODE.SERVFAIL, question: [q], answer: [], authority: [] };
  return { ...base, ...a, question: [q] };
}

/** The Corefile this model runs, as `cat /etc/coredns/Corefile` in the CoreDNS pod shows it. */
export function corefile(c: CoreDnsConfig): string {
  const hosts = c.hosts.length
    ? [
        '    hosts {',
        ...c.hosts.map((h) => `       ${h.ip} ${h.names.join(' ')}`),
        '       fallthrough',
        '    }',
      ]
    : [];
  return [
    '.:53 {',
    '    errors',
    '    health {',
    '       lameduck 5s',
    '    }',
    '    ready',
    ...hosts,
    `    kubernetes ${c.zone} in-addr.arpa ip6.arpa {`,
    '       pods insecure',
    '       fallthrough in-addr.arpa ip6.arpa',
    `       ttl ${c.ttl}`,
    '    }',
    '    prometheus :9153',
    '    loop',
    '    reload',
    '}',
  ].join('\n');
}
