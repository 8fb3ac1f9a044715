/**
 * CoreDNS in the kernel lab. The lab cannot run CoreDNS itself (no API server to watch), so
 * a small python3 responder stands in for it in the CoreDNS pod's namespace: it answers on
 * UDP 53 from a table that the model's CoreDNS (controllers/coredns.ts) computed for every
 * name the plugins know (the Services, the zone's empty non-terminals, the hosts entries),
 * and for any other name as the plugins do: NXDOMAIN with the zone's SOA inside the cluster
 * zone, SERVFAIL outside it. What the lab then checks is everything around the answers:
 * the queries glibc and nslookup send, the DNAT to the pod and its undoing, the frames.
 *
 * Records are packed as CoreDNS packs a small UDP reply, without compression
 * (net/dns.ts); the header copies the id, RD and CD and echoes the question as asked
 * (miekg/dns SetReply); a query's OPT record comes back as request.SizeAndDo returns it
 * (controllers/coredns.ts replyOpt: version 0, TTL & 0xff00, the supported options).
 */
import { quote } from 'shell-quote';
import { coreDnsReply } from '../controllers/coredns';
import { coreDnsServing, type CoreDnsServing } from '../controllers/coredns-server';
import type { World } from '../kernel/world';
import { DNS_HEADER_LEN, DNS_TYPES, dnsQuery, encodeDns, fqdn, type DnsType } from '../net/dns';

/** One reply: [AA, RCODE, ANCOUNT, NSCOUNT, the answer and authority records in hex]. */
export type ResponderEntry = [number, number, number, number, string];

export interface ResponderTable {
  /** The cluster zone, lower case with its trailing dot. */
  zone: string;
  /** "name|qtype" (qtype a number, or * for a type the table does not list). */
  rr: Record<string, ResponderEntry>;
  /** A name of the zone the plugins do not know. */
  nx: ResponderEntry;
  /** A name outside the zone that no plugin handles. */
  fail: ResponderEntry;
}

const lower = (n: string): string => fqdn(n).toLowerCase();

function entry(s: CoreDnsServing, name: string, type: DnsType): ResponderEntry {
  const query = dnsQuery(0, name, type);
  const r = coreDnsReply(s.services, s.config, query);
  const records = encodeDns({ ...r, question: [], additional: [] }).slice(DNS_HEADER_LEN);
  const hex = [...records].map((b) => b.toString(16).padStart(2, '0')).join('');
  return [r.aa ? 1 : 0, r.rcode, r.answer.length, r.authority.length, hex];
}

/** Every name a plugin answers for by name (anything else is NXDOMAIN or SERVFAIL). */
function knownNames(s: CoreDnsServing): string[] {
  const zone = lower(s.config.zone);
  const namespaces = new Set(['default', 'kube-system', ...s.services.map((v) => v.namespace)]);
  return [
    ...new Set([
      zone,
      `svc.${zone}`,
      ...[...namespaces].map((n) => `${n}.svc.${zone}`),
      ...s.services.map((v) => lower(`${v.name}.${v.namespace}.svc.${zone}`)),
      ...s.config.hosts.flatMap((h) => h.names.map(lower)),
    ]),
  ];
}

export function responderTable(s: CoreDnsServing): ResponderTable {
  const zone = lower(s.config.zone);
  const rr: Record<string, ResponderEntry> = {};
  for (const name of knownNames(s)) {
    for (const type of Object.keys(DNS_TYPES) as DnsType[])
      rr[`${name}|${DNS_TYPES[type]}`] = entry(s, name, type);
    // A type the model has no records of at all: answered as PTR is (no records here).
    rr[`${name}|*`] = entry(s, name, 'PTR');
  }
  // Labels no Service, namespace or host can have, to ask the plugins for their fallbacks.
  return { zone, rr, nx: entry(s, `pj--nx.${zone}`, 'A'), fail: entry(s, 'pj--nx.invalid.', 'A') };
}

/** The responder: python3 FILE TABLE.json, bound to UDP 53 in the CoreDNS pod's namespace. */
export const RESPONDER_PY = `import json, socket, struct, sys
T = json.load(open(sys.argv[1]))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('0.0.0.0', 53))
while True:
    q, peer = s.recvfrom(4096)
    try:
        qid, flags, qd, _, _, ar = struct.unpack('!6H', q[:12])
        i, labels = 12, []
        while q[i]:
            labels.append(q[i + 1:i + 1 + q[i]].decode().lower())
            i += 1 + q[i]
        name = '.'.join(labels) + '.' if labels else '.'
        qtype = struct.unpack('!H', q[i + 1:i + 3])[0]
        opt, j = b'', i + 5
        if ar == 1 and q[j] == 0 and struct.unpack('!H', q[j + 1:j + 3])[0] == 41:
            udp, ttl, rdlen = struct.unpack('!HIH', q[j + 3:j + 11])
            o, k = b'', j + 11
            while k + 4 <= j + 11 + rdlen:
                code, olen = struct.unpack('!HH', q[k:k + 4])
                o += q[k:k + 4 + olen] if code in (3, 9, 10, 11, 12) else b''
                k += 4 + olen
            opt = struct.pack('!BHHIH', 0, 41, udp, ttl & 0xff00, len(o)) + o
    except (IndexError, UnicodeDecodeError, struct.error):
        continue
    if flags & 0x8000 or qd != 1:
        continue
    inzone = name == T['zone'] or name.endswith('.' + T['zone'])
    rr = T['rr']
    aa, rcode, an, ns, rec = rr.get(f'{name}|{qtype}') or rr.get(f'{name}|*') or (T['nx'] if inzone else T['fail'])
    head = struct.pack('!6H', qid, 0x8000 | aa << 10 | flags & 0x0110 | rcode, 1, an, ns, 1 if opt else 0)
    s.sendto(head + q[12:i + 5] + bytes.fromhex(rec) + opt, peer)
`;

/**
 * Shell lines that give the lab the model's name service: each pod's resolv.conf where
 * `ip netns exec` bind-mounts it from (/etc/netns/NAME/), with the NSS order of a pod's
 * image (files, then dns: no mDNS module of the host in between), and the responder in
 * each CoreDNS pod, started once it is listening. `tmp` is the script's scratch directory.
 */
export function labDnsLines(world: World, ns: (name: string) => string, tmp: string): string[] {
  const q = (x: string): string => quote([x]);
  const out: string[] = [];
  for (const n of world.netns.values()) {
    const rc = n.files.get('/etc/resolv.conf');
    if (rc === undefined) continue;
    const dir = `/etc/netns/${ns(n.name)}`;
    out.push(
      `mkdir -p ${q(dir)}; printf '%s\\n' ${q(rc.replace(/\n$/, ''))} >${q(`${dir}/resolv.conf`)}; printf 'hosts: files dns\\n' >${q(`${dir}/nsswitch.conf`)}`,
    );
  }
  let i = 0;
  for (const n of world.netns.values()) {
    const s = coreDnsServing(n);
    if (!s) continue;
    const table = `${tmp}/coredns-${++i}.json`;
    if (i === 1) out.push(`printf '%s' ${q(RESPONDER_PY)} >"${tmp}/coredns.py"`);
    out.push(
      `# CoreDNS in ${n.name}: a stand-in answering as the model's CoreDNS does (lab/coredns-responder.ts).`,
      `printf '%s' ${q(JSON.stringify(responderTable(s)))} >"${table}"`,
      `ip netns exec ${q(ns(n.name))} python3 "${tmp}/coredns.py" "${table}" & PIDS+=($!)`,
      `for t in $(seq 1 100); do ip netns exec ${q(ns(n.name))} ss -Hlun 'sport = :53' | grep -q . && break; sleep 0.05; done`,
    );
  }
  return out;
}

/** Whether the lab needs python3 (a CoreDNS stand-in) for this world. */
export function labRunsCoreDns(world: World): boolean {
  return [...world.netns.values()].some((n) => coreDnsServing(n) !== undefined);
}
