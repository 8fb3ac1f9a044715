/**
 * The lab's CoreDNS stand-in answers from a table: each entry, put behind a header and the
 * question as the python responder does, must decode to CoreDNS's own reply.
 */
import { describe, expect, it } from 'vitest';
import { coreDnsReply } from '../controllers/coredns';
import { decodeDns, DNS_TYPES, dnsQuery, encodeDns, type DnsLayer, type DnsType } from '../net/dns';
import { responderTable, type ResponderEntry, type ResponderTable } from './coredns-responder';

const services = [
  {
    name: 'web',
    namespace: 'default',
    clusterIP: '10.96.0.100',
    type: 'ClusterIP' as const,
    externalTrafficPolicy: 'Cluster' as const,
    ports: [],
    endpoints: [{ ip: '10.244.1.10' }],
  },
  {
    name: 'www',
    namespace: 'default',
    clusterIP: '',
    type: 'ExternalName' as const,
    externalName: 'www.example.com',
    externalTrafficPolicy: 'Cluster' as const,
    ports: [],
    endpoints: [],
  },
];
const config = {
  zone: 'cluster.local',
  ttl: 30,
  hosts: [{ ip: '192.168.1.200', names: ['www.example.com'] }],
  serial: 7,
};

const query = (name: string, type: DnsType): DnsLayer => dnsQuery(4242, name, type);

/** What RESPONDER_PY sends for a query (the same lookup and packing, in TypeScript). */
function respond(t: ResponderTable, q: DnsLayer): DnsLayer {
  const name = q.question[0]!.name.toLowerCase();
  const inZone = name === t.zone || name.endsWith(`.${t.zone}`);
  const [aa, rcode, an, ns, hex]: ResponderEntry =
    t.rr[`${name}|${DNS_TYPES[q.question[0]!.type]}`] ?? t.rr[`${name}|*`] ?? (inZone ? t.nx : t.fail);
  const wire = encodeDns({ ...q, qr: true, aa: aa === 1, rcode });
  const head = wire.slice(0, 12);
  head[7] = an;
  head[9] = ns;
  const records = Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
  const msg = new Uint8Array([...head, ...wire.slice(12), ...records]);
  return decodeDns(msg, 0, msg.length)!;
}

describe('the lab CoreDNS stand-in', () => {
  const table = responderTable({ services, config });

  it.each([
    ['web.default.svc.cluster.local.', 'A'],
    ['web.default.svc.cluster.local.', 'AAAA'],
    ['www.default.svc.cluster.local.', 'A'],
    ['www.example.com.', 'A'],
    ['svc.cluster.local.', 'A'],
    ['nosuch.default.svc.cluster.local.', 'A'],
    ['web.', 'AAAA'],
  ] as const)('answers %s %s as the model of CoreDNS does', (name, type) => {
    const q = query(name, type);
    expect(respond(table, q)).toEqual(coreDnsReply(services, config, q));
  });

  it('has the fallbacks of the plugins: NXDOMAIN with the SOA in the zone, SERVFAIL outside', () => {
    expect(table.nx.slice(0, 4)).toEqual([1, 3, 0, 1]);
    expect(table.fail).toEqual([0, 2, 0, 0, '']);
  });
});
