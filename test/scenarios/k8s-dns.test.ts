/**
 * DNS before the call (catalog k8s-dns). Expected values come from the tools' documented
 * behaviour: kubelet's ClusterFirst resolv.conf (Kubernetes "DNS for Services and Pods"),
 * glibc's res_search order under ndots (resolv.conf(5)), CoreDNS's kubernetes plugin
 * (A for a ClusterIP, one A per ready endpoint for a headless Service, CNAME for
 * ExternalName, NXDOMAIN with the zone SOA, AA set and RA clear), RFC 1035's wire format.
 */
import { describe, expect, it } from 'vitest';
import { runCommand, traceFlow, type Capture, type Trace } from '../../src/engine';
import { dnsQuery, type DnsLayer } from '../../src/engine/net/dns';
import { coreDnsReply } from '../../src/engine/controllers/coredns';
import { finalRows, ip, scenario, trace, world } from '../helpers';

const dns = (c: Capture): DnsLayer | undefined => c.layers.find((l): l is DnsLayer => l.proto === 'dns');

/** DNS messages at one capture point, in order. */
function dnsAt(t: Trace, netns: string, iface: string, dir: 'tx' | 'rx'): { c: Capture; m: DnsLayer }[] {
  return t.captures
    .filter((c) => c.netns === netns && c.interface === iface && c.direction === dir)
    .flatMap((c) => {
      const m = dns(c);
      return m ? [{ c, m }] : [];
    });
}

describe('k8s-dns', () => {
  it("gives the pod kubelet's ClusterFirst resolv.conf", () => {
    const { world: w } = world('k8s-dns');
    const ns = w.netns.get('client')!;
    const out = runCommand(
      { world: w, machine: w.machines.get('node1')!, ns, origin: 'test' },
      'cat /etc/resolv.conf',
    );
    expect(out.output.trim().split('\n')).toEqual([
      'search default.svc.cluster.local svc.cluster.local cluster.local',
      'nameserver 10.96.0.10',
      'options ndots:5',
    ]);
  });

  describe('curl-service-by-name', () => {
    const t = trace('k8s-dns', 'curl-service-by-name');
    const sent = dnsAt(t, 'client', 'eth0', 'tx');
    const got = dnsAt(t, 'client', 'eth0', 'rx');

    it('is delivered, by way of the Service', () => {
      expect(t.verdict).toBe('delivered');
      expect(t.output).toContain('HTTP/1.1 200 OK (612 bytes from 10.96.0.100:80)');
    });

    it('asks A then AAAA for the first search name, from one socket, to the kube-dns ClusterIP', () => {
      expect(sent.map(({ m }) => `${m.question[0]!.type} ${m.question[0]!.name}`)).toEqual([
        'A web.default.svc.cluster.local.',
        'AAAA web.default.svc.cluster.local.',
      ]);
      for (const { c, m } of sent) {
        expect(ip(c)).toMatchObject({ src: '10.244.1.5', dst: '10.96.0.10' });
        expect(c.layers.find((l) => l.proto === 'udp')).toMatchObject({ dport: 53 });
        expect(m).toMatchObject({ qr: false, rd: true });
      }
      const ports = sent.map(({ c }) => (c.layers.find((l) => l.proto === 'udp') as { sport: number }).sport);
      expect(new Set(ports).size).toBe(1);
    });

    it("is DNATed by node1's kube-proxy rules to the CoreDNS pod on node2", () => {
      const atNode2 = dnsAt(t, 'node2', 'eth0', 'rx');
      expect(atNode2.map(({ c }) => ip(c)?.dst)).toEqual(['10.244.2.2', '10.244.2.2']);
      expect(
        finalRows(t, 'node1', 'iptables').some(
          (r) => r.includes('default/kube-dns:dns') && r.includes('DNAT --to-destination 10.244.2.2:53'),
        ),
      ).toBe(true);
    });

    it('gets authoritative answers from 10.96.0.10 (un-DNATed): A 10.96.0.100, AAAA NODATA with the SOA', () => {
      expect(got.map(({ c }) => ip(c)?.src)).toEqual(['10.96.0.10', '10.96.0.10']);
      const a = got.find(({ m }) => m.question[0]!.type === 'A')!.m;
      const aaaa = got.find(({ m }) => m.question[0]!.type === 'AAAA')!.m;
      expect(a).toMatchObject({ qr: true, aa: true, ra: false, rcode: 0 });
      expect(a.answer).toEqual([
        { name: 'web.default.svc.cluster.local.', type: 'A', ttl: 30, data: '10.96.0.100' },
      ]);
      expect(aaaa).toMatchObject({ rcode: 0, answer: [] });
      expect(aaaa.authority[0]).toMatchObject({
        name: 'cluster.local.',
        type: 'SOA',
        data: {
          mname: 'ns.dns.cluster.local.',
          rname: 'hostmaster.cluster.local.',
          refresh: 7200,
          retry: 1800,
          expire: 86400,
        },
      });
    });

    it('connects to the ClusterIP only after both answers', () => {
      const syn = t.captures.findIndex(
        (c) => c.netns === 'client' && c.direction === 'tx' && c.layers.some((l) => l.proto === 'tcp'),
      );
      expect(ip(t.captures[syn]!)?.dst).toBe('10.96.0.100');
      expect(syn).toBeGreaterThan(t.captures.indexOf(got.at(-1)!.c));
    });
  });

  describe('ndots-external-name', () => {
    const t = trace('k8s-dns', 'ndots-external-name');
    const got = dnsAt(t, 'client', 'eth0', 'rx');

    it('walks the whole search list (ndots:5) before the name as given', () => {
      const names = dnsAt(t, 'client', 'eth0', 'tx').map(
        ({ m }) => `${m.question[0]!.type} ${m.question[0]!.name}`,
      );
      expect(names).toEqual([
        'A www.example.com.default.svc.cluster.local.',
        'AAAA www.example.com.default.svc.cluster.local.',
        'A www.example.com.svc.cluster.local.',
        'AAAA www.example.com.svc.cluster.local.',
        'A www.example.com.cluster.local.',
        'AAAA www.example.com.cluster.local.',
        'A www.example.com.',
        'AAAA www.example.com.',
      ]);
    });

    it('gets NXDOMAIN six times, then the answer', () => {
      expect(got.map(({ m }) => m.rcode)).toEqual([3, 3, 3, 3, 3, 3, 0, 0]);
      expect(got[6]!.m.answer).toEqual([
        { name: 'www.example.com.', type: 'A', ttl: 3600, data: '192.168.1.200' },
      ]);
      expect(t.verdict).toBe('delivered');
    });
  });

  describe('curl-unknown-name', () => {
    const t = trace('k8s-dns', 'curl-unknown-name');

    it('fails as curl says it, with SERVFAIL for the name outside the cluster (no forward)', () => {
      const got = dnsAt(t, 'client', 'eth0', 'rx');
      // glibc 2.36 in the lab: both queries of nosuch. got SERVFAIL, so res_send asked again at
      // once from the same socket (attempts:2), then gave up.
      expect(got.map(({ m }) => m.rcode)).toEqual([3, 3, 3, 3, 3, 3, 2, 2, 2, 2]);
      const last = dnsAt(t, 'client', 'eth0', 'tx').slice(-4);
      expect(last.map(({ m }) => `${m.question[0]!.type} ${m.question[0]!.name}`)).toEqual([
        'A nosuch.',
        'AAAA nosuch.',
        'A nosuch.',
        'AAAA nosuch.',
      ]);
      const ports = last.map(({ c }) => (c.layers.find((l) => l.proto === 'udp') as { sport: number }).sport);
      expect(new Set(ports).size).toBe(1);
      expect(new Set(last.map(({ m }) => m.id)).size).toBe(2);
      expect(got.at(-1)!.m.aa).toBe(false);
      expect(t.output).toBe('curl: (6) Could not resolve host: nosuch');
      // getaddrinfo's walk ended on nosuch.'s SERVFAIL (EAI_AGAIN): the name did not resolve.
      expect(t.verdict).toBe('unresolved');
      expect(t.reason).toBe('nosuch did not resolve: SERVFAIL');
      expect(t.events.filter((e) => e.explain.code === 'resolver.failed').map((e) => e.explanation)).toEqual([
        'curl could not resolve nosuch: SERVFAIL.',
      ]);
      expect(t.captures.some((c) => c.layers.some((l) => l.proto === 'tcp'))).toBe(false);
    });
  });

  describe('nslookup', () => {
    it('prints the server, then the name and address (authoritative: no "Non-authoritative answer")', () => {
      // bind9-dnsutils 9.18 in the lab: a warning for each reply without RA, as it arrives.
      expect(trace('k8s-dns', 'nslookup-service').output.split('\n')).toEqual([
        ';; Got recursion not available from 10.96.0.10',
        'Server:\t\t10.96.0.10',
        'Address:\t10.96.0.10#53',
        '',
        'Name:\tweb.default.svc.cluster.local',
        'Address: 10.96.0.100',
        ';; Got recursion not available from 10.96.0.10',
        '',
      ]);
    });

    it('sends each query from its own socket with DF clear, and no AAAA until A answered', () => {
      const sent = dnsAt(trace('k8s-dns', 'nslookup-service'), 'client', 'eth0', 'tx');
      expect(sent.map(({ m }) => `${m.question[0]!.type} ${m.question[0]!.name}`)).toEqual([
        'A web.default.svc.cluster.local.',
        'AAAA web.default.svc.cluster.local.',
      ]);
      expect(sent.map(({ c }) => ip(c)?.df)).toEqual([false, false]);
      const ports = sent.map(({ c }) => (c.layers.find((l) => l.proto === 'udp') as { sport: number }).sport);
      expect(new Set(ports).size).toBe(2);
    });

    it('answers a headless Service with its endpoints', () => {
      const out = trace('k8s-dns', 'nslookup-headless').output;
      expect(out).toContain('Name:\tweb-headless.default.svc.cluster.local\nAddress: 10.244.1.10');
      expect(out).toContain('Name:\tweb-headless.default.svc.cluster.local\nAddress: 10.244.2.10');
    });

    it('answers an ExternalName Service with a CNAME and the target it leads to', () => {
      const out = trace('k8s-dns', 'nslookup-external-name').output;
      expect(out).toContain('www.default.svc.cluster.local\tcanonical name = www.example.com.');
      expect(out).toContain('Name:\twww.example.com\nAddress: 192.168.1.200');
      // The AAAA is asked for the canonical name, not for www.default.svc.cluster.local.
      const sent = dnsAt(trace('k8s-dns', 'nslookup-external-name'), 'client', 'eth0', 'tx');
      expect(sent.map(({ m }) => `${m.question[0]!.type} ${m.question[0]!.name}`)).toEqual([
        'A www.default.svc.cluster.local.',
        'AAAA www.example.com.',
      ]);
    });

    it('prints SERVFAIL as BIND does, without asking again', () => {
      const s = scenario('k8s-dns');
      const flow = {
        ...s.flows.find((f) => f.id === 'nslookup-service')!,
        id: 'nosuch',
        command: 'nslookup nosuch',
      };
      const t = traceFlow({ ...s, flows: [flow] }, 'nosuch');
      expect(dnsAt(t, 'client', 'eth0', 'tx').length).toBe(4);
      expect(t.output.split('\n')).toEqual([
        ';; Got recursion not available from 10.96.0.10',
        ';; Got recursion not available from 10.96.0.10',
        ';; Got recursion not available from 10.96.0.10',
        ';; Got SERVFAIL reply from 10.96.0.10',
        'Server:\t\t10.96.0.10',
        'Address:\t10.96.0.10#53',
        '',
        "** server can't find nosuch: SERVFAIL",
        '',
      ]);
      // The verdict of a failed lookup names the name and the answer that ended it.
      expect(t.verdict).toBe('unresolved');
      expect(t.reason).toBe('nosuch did not resolve: SERVFAIL');
    });
  });

  it('getent hosts asks AAAA over the whole search list, then A (gethostbyname2 IPv6 first)', () => {
    const t = trace('k8s-dns', 'getent-hosts');
    const asked = dnsAt(t, 'client', 'eth0', 'tx').map(
      ({ m }) => `${m.question[0]!.type} ${m.question[0]!.name}`,
    );
    expect(asked).toEqual([
      'AAAA web.default.svc.cluster.local.',
      'AAAA web.svc.cluster.local.',
      'AAAA web.cluster.local.',
      'AAAA web.',
      // SERVFAIL for the single query: glibc closes the socket and asks again from a new one.
      'AAAA web.',
      'A web.default.svc.cluster.local.',
    ]);
    expect(t.output).toBe('10.96.0.100     web.default.svc.cluster.local');
  });

  describe('getent ahosts (getaddrinfo, measured with glibc 2.36 in the lab)', () => {
    const run = (command: string): Trace => {
      const s = scenario('k8s-dns');
      const flow = { ...s.flows.find((f) => f.id === 'getent-hosts')!, id: 'ahosts', command };
      return traceFlow({ ...s, flows: [flow] }, 'ahosts');
    };

    it('asks A and AAAA from one socket, then prints each address per socket type', () => {
      const t = run('getent ahosts web');
      const sent = dnsAt(t, 'client', 'eth0', 'tx');
      expect(sent.map(({ m }) => `${m.question[0]!.type} ${m.question[0]!.name}`)).toEqual([
        'A web.default.svc.cluster.local.',
        'AAAA web.default.svc.cluster.local.',
      ]);
      expect(t.output.split('\n')).toEqual([
        '10.96.0.100     STREAM web.default.svc.cluster.local',
        '10.96.0.100     DGRAM  ',
        '10.96.0.100     RAW    ',
      ]);
    });

    it('prints the canonical name once, on the first line', () => {
      expect(run('getent ahosts web-headless').output.split('\n')).toEqual([
        '10.244.1.10     STREAM web-headless.default.svc.cluster.local',
        '10.244.1.10     DGRAM  ',
        '10.244.1.10     RAW    ',
        '10.244.2.10     STREAM ',
        '10.244.2.10     DGRAM  ',
        '10.244.2.10     RAW    ',
      ]);
    });
  });

  it('gives headless and ExternalName Services no proxy rules (ShouldSkipService)', () => {
    const rows = finalRows(trace('k8s-dns', 'nslookup-service'), 'node1', 'iptables');
    expect(rows.some((r) => r.includes('web-headless') || r.includes('default/www'))).toBe(false);
  });
});

describe('CoreDNS kubernetes plugin', () => {
  const c = { zone: 'cluster.local', ttl: 30, hosts: [], serial: 1 };
  const q = (name: string, type: 'A' | 'AAAA' = 'A'): DnsLayer => dnsQuery(7, name, type);
  const headless = {
    name: 'db',
    namespace: 'prod',
    clusterIP: 'None',
    type: 'ClusterIP' as const,
    externalTrafficPolicy: 'Cluster' as const,
    ports: [],
    endpoints: [{ ip: '10.244.1.7' }, { ip: '10.244.1.8', ready: false }],
  };

  it('publishes only the ready endpoints of a headless Service', () => {
    const r = coreDnsReply([headless], c, q('db.prod.svc.cluster.local.'));
    expect(r.answer.map((a) => a.data)).toEqual(['10.244.1.7']);
  });

  it('answers NXDOMAIN with the SOA for a Service in another namespace, NODATA for a namespace', () => {
    expect(coreDnsReply([headless], c, q('db.default.svc.cluster.local.'))).toMatchObject({
      rcode: 3,
      aa: true,
    });
    expect(coreDnsReply([headless], c, q('prod.svc.cluster.local.'))).toMatchObject({ rcode: 0, answer: [] });
  });
});
