/**
 * DNS messages on the wire (RFC 1035 4.1) and as tcpdump 4.99's domain_print shows them.
 * Expected bytes are written out from the RFC's layout, not from the encoder.
 */
import { describe, expect, it } from 'vitest';
import { decodeDns, dnsLength, encodeDns, tcpdumpDns, type DnsLayer } from './dns';

const query: DnsLayer = {
  proto: 'dns',
  id: 0x3039,
  qr: false,
  aa: false,
  tc: false,
  rd: true,
  ra: false,
  rcode: 0,
  question: [{ name: 'web.default.svc.cluster.local.', type: 'A' }],
  answer: [],
  authority: [],
  additional: [],
};

const label = (s: string): number[] => [s.length, ...[...s].map((c) => c.charCodeAt(0))];
const NAME = [
  ...label('web'),
  ...label('default'),
  ...label('svc'),
  ...label('cluster'),
  ...label('local'),
  0,
];

describe('DNS wire format', () => {
  it('encodes a recursive A query as RFC 1035 lays it out: 12-byte header, labels, QTYPE, QCLASS', () => {
    const bytes = [...encodeDns(query)];
    expect(bytes).toEqual([0x30, 0x39, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, ...NAME, 0, 1, 0, 1]);
    // The "(47)" tcpdump prints for this query: 12 + 31 + 4.
    expect(bytes.length).toBe(47);
    expect(dnsLength(query)).toBe(47);
  });

  it('encodes an authoritative answer uncompressed, with TYPE, CLASS, TTL, RDLENGTH and RDATA', () => {
    const reply: DnsLayer = {
      ...query,
      qr: true,
      aa: true,
      answer: [{ name: 'web.default.svc.cluster.local.', type: 'A', ttl: 30, data: '10.96.0.100' }],
    };
    const bytes = [...encodeDns(reply)];
    expect(bytes.slice(2, 4)).toEqual([0x85, 0x00]); // QR, AA, RD; no RA; NOERROR
    expect(bytes.slice(6, 8)).toEqual([0, 1]); // ANCOUNT
    expect(bytes.slice(47)).toEqual([...NAME, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4, 10, 96, 0, 100]);
    expect(decodeDns(encodeDns(reply), 0, bytes.length)).toEqual(reply);
  });

  it('follows a compression pointer (RFC 1035 4.1.4) when decoding', () => {
    const header = [0x30, 0x39, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0];
    const answer = [0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 5, 0, 4, 10, 96, 0, 100];
    const b = new Uint8Array([...header, ...NAME, 0, 1, 0, 1, ...answer]);
    const m = decodeDns(b, 0, b.length);
    expect(m?.answer).toEqual([
      { name: 'web.default.svc.cluster.local.', type: 'A', ttl: 5, data: '10.96.0.100' },
    ]);
    expect(m?.ra).toBe(true);
  });

  it('leaves bytes that are not a DNS message opaque', () => {
    expect(decodeDns(new Uint8Array([0, 1, 2, 3, 4, 5]), 0, 6)).toBeNull();
  });
});

describe('tcpdump domain_print (no -v)', () => {
  it('prints a query as ID, + for RD, TYPE? NAME and the length', () => {
    expect(tcpdumpDns(query, 47)).toBe('12345+ A? web.default.svc.cluster.local. (47)');
  });

  it('prints a response as ID, rcode, * for AA, - for no RA, the section counts and the answers', () => {
    const a: DnsLayer = {
      ...query,
      qr: true,
      aa: true,
      answer: [{ name: 'web.default.svc.cluster.local.', type: 'A', ttl: 30, data: '10.96.0.100' }],
    };
    expect(tcpdumpDns(a, 92)).toBe('12345*- 1/0/0 A 10.96.0.100 (92)');
    const nx: DnsLayer = { ...query, qr: true, aa: true, rcode: 3 };
    expect(tcpdumpDns(nx, 120)).toBe('12345 NXDomain*- 0/0/0 (120)');
    const cname: DnsLayer = {
      ...a,
      answer: [
        { name: 'www.default.svc.cluster.local.', type: 'CNAME', ttl: 30, data: 'www.example.com.' },
        { name: 'www.example.com.', type: 'A', ttl: 3600, data: '192.168.1.200' },
      ],
    };
    expect(tcpdumpDns(cname, 100)).toBe('12345*- 2/0/0 CNAME www.example.com., A 192.168.1.200 (100)');
  });
});

/**
 * EDNS (RFC 6891): a query of real dig 9.18.49 (Debian's bind9-dnsutils) for
 * web.default.svc.cluster.local, captured in a namespace: flags 0x0120 (RD and AD), one
 * additional record, the OPT with UDP size 1232 and dig's 8-byte client cookie.
 */
const DIG_QUERY = [
  0x6d,
  0xee,
  0x01,
  0x20,
  0,
  1,
  0,
  0,
  0,
  0,
  0,
  1,
  ...NAME,
  0,
  1,
  0,
  1,
  ...[0, 0x00, 0x29, 0x04, 0xd0, 0, 0, 0, 0, 0, 0x0c, 0, 0x0a, 0, 0x08],
  ...[0xb3, 0x7e, 0x1d, 0xe0, 0xaf, 0xba, 0xf4, 0xf3],
];

describe('EDNS OPT record', () => {
  it("decodes dig's query: AD, the OPT's UDP size, version, flags and its COOKIE option", () => {
    const b = new Uint8Array(DIG_QUERY);
    const m = decodeDns(b, 0, b.length);
    expect(m).toMatchObject({ id: 0x6dee, rd: true, ad: true, additional: [] });
    expect(m?.opt).toEqual({
      udpSize: 1232,
      extRcode: 0,
      version: 0,
      flags: 0,
      options: [{ code: 10, data: 'b37e1de0afbaf4f3' }],
    });
    // Written back byte for byte; tcpdump printed this query as "28142+ [1au] A? ... (70)".
    expect([...encodeDns(m!)]).toEqual(DIG_QUERY);
    expect(dnsLength(m!)).toBe(70);
    expect(tcpdumpDns(m!, 70)).toBe('28142+ [1au] A? web.default.svc.cluster.local. (70)');
  });

  it('counts the OPT in ARCOUNT of a reply, as tcpdump printed "28142*- 1/0/1 A 10.96.0.100 (115)"', () => {
    const q = decodeDns(new Uint8Array(DIG_QUERY), 0, DIG_QUERY.length)!;
    const reply: DnsLayer = {
      ...q,
      qr: true,
      aa: true,
      answer: [{ name: 'web.default.svc.cluster.local.', type: 'A', ttl: 30, data: '10.96.0.100' }],
    };
    delete reply.ad;
    const bytes = encodeDns(reply);
    expect(bytes.length).toBe(115);
    expect([...bytes.slice(2, 4)]).toEqual([0x85, 0x00]);
    expect([...bytes.slice(10, 12)]).toEqual([0, 1]);
    expect(tcpdumpDns(reply, 115)).toBe('28142*- 1/0/1 A 10.96.0.100 (115)');
    expect(decodeDns(bytes, 0, bytes.length)).toEqual(reply);
  });

  it('refuses a second OPT record and an OPT not owned by the root (RFC 6891 6.1.1)', () => {
    const opt = [0, 0x00, 0x29, 0x04, 0xd0, 0, 0, 0, 0, 0, 0];
    const two = [...DIG_QUERY.slice(0, 11), 2, ...DIG_QUERY.slice(12), ...opt];
    expect(decodeDns(new Uint8Array(two), 0, two.length)).toBeNull();
    const owned = [...DIG_QUERY.slice(0, 47), 1, 0x61, 0, ...DIG_QUERY.slice(48)];
    expect(decodeDns(new Uint8Array(owned), 0, owned.length)).toBeNull();
  });
});
