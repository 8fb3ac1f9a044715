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
