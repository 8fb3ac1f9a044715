/**
 * CoreDNS's OPT record in its replies: request.SizeAndDo (request/request.go), which the
 * ScrubWriter runs on every reply, hands the query's own OPT back with SetVersion(0),
 * `Hdr.Ttl &= 0xff00` and only the options supportedOptions keeps (request/edns0.go: NSID,
 * EXPIRE, COOKIE, TCP-KEEPALIVE, PADDING).
 */
import { describe, expect, it } from 'vitest';
import { dnsQuery, type DnsLayer } from '../net/dns';
import { coreDnsReply } from './coredns';

const config = { zone: 'cluster.local', ttl: 30, hosts: [], serial: 7 };

describe('CoreDNS and EDNS', () => {
  it('answers a query without OPT without one', () => {
    expect(coreDnsReply([], config, dnsQuery(1, 'x.cluster.local.', 'A')).opt).toBeUndefined();
  });

  it("returns the query's OPT: same UDP size, version 0, DO kept, the low flag bits cleared, supported options only", () => {
    const q: DnsLayer = {
      ...dnsQuery(1, 'nosuch.cluster.local.', 'A'),
      opt: {
        udpSize: 1232,
        extRcode: 0,
        version: 0,
        // DO, and a Z bit in the low byte that the 0xff00 mask clears.
        flags: 0x8001,
        options: [
          { code: 8, data: '0001180a600000' }, // EDNS client subnet: not supported, dropped
          { code: 10, data: '0123456789abcdef' },
          { code: 12, data: '0000' },
        ],
      },
    };
    const r = coreDnsReply([], config, q);
    expect(r.rcode).toBe(3);
    expect(r.opt).toEqual({
      udpSize: 1232,
      extRcode: 0,
      version: 0,
      flags: 0x8000,
      options: [
        { code: 10, data: '0123456789abcdef' },
        { code: 12, data: '0000' },
      ],
    });
  });

  it('puts the OPT on a SERVFAIL too (no plugin handled the name)', () => {
    const q: DnsLayer = {
      ...dnsQuery(1, 'example.com.', 'A'),
      opt: { udpSize: 4096, extRcode: 0, version: 0, flags: 0, options: [] },
    };
    const r = coreDnsReply([], config, q);
    expect(r.rcode).toBe(2);
    expect(r.opt).toEqual(q.opt);
  });
});
