/**
 * dig as BIND 9.18 runs it, in the k8s-dns cluster. The expected output is real dig
 * 9.18.49's (test/fixtures/dig, captured in a namespace against a responder answering as
 * CoreDNS does); the id, cookie, query time, date and SOA serial vary per run and are
 * masked on both sides. The wire facts (OPT with UDP 1232 and an 8-byte cookie, RD and AD,
 * DF clear, the same id from a new socket on each try) were read off the same captures.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { traceFlow, type Capture, type Trace } from '../../src/engine';
import type { DnsLayer } from '../../src/engine/net/dns';
import { ip, scenario } from '../helpers';

const fixture = (name: string): string => readFileSync(`test/fixtures/dig/${name}.out`, 'utf8');

/** The parts of dig's output that differ between runs. */
function mask(text: string): string {
  return text
    .replace(/id: \d+/g, 'id: ID')
    .replace(/COOKIE: [0-9a-f]+/g, 'COOKIE: X')
    .replace(/Query time: \d+ msec/g, 'Query time: N msec')
    .replace(/WHEN: .*/g, 'WHEN: DATE')
    .replace(/(hostmaster\.cluster\.local\. )\d+/g, '$1SERIAL')
    .trimEnd();
}

const traces = new Map<string, Trace>();

/** The k8s-dns scenario's dig flow with another command line (each traced once). */
function dig(command: string, exec: { netns: string; line: string }[] = []): Trace {
  const key = JSON.stringify([command, exec]);
  const s = scenario('k8s-dns');
  const flow = s.flows.find((f) => f.id === 'dig-service')!;
  if (!traces.has(key))
    traces.set(key, traceFlow({ ...s, flows: [{ ...flow, command }] }, 'dig-service', { exec }));
  return traces.get(key)!;
}

const sent = (t: Trace): { c: Capture; m: DnsLayer }[] =>
  t.captures
    .filter((c) => c.netns === 'client' && c.interface === 'eth0' && c.direction === 'tx')
    .flatMap((c) => {
      const m = c.layers.find((l): l is DnsLayer => l.proto === 'dns');
      return m ? [{ c, m }] : [];
    });

describe('dig (BIND 9.18)', () => {
  it.each([
    ['dig web.default.svc.cluster.local', 'service'],
    ['dig nosuch.default.svc.cluster.local', 'nxdomain'],
    ['dig -t AAAA web.default.svc.cluster.local', 'nodata-aaaa'],
    ['dig +search web', 'search'],
    ['dig @10.96.0.10 web.default.svc.cluster.local AAAA', 'at-server'],
    ['dig nosuch +search', 'search-servfail'],
    ['dig web.default.svc.cluster.local +short', 'short'],
  ])('%s prints what real dig printed', (command, name) => {
    expect(mask(dig(command).output)).toBe(mask(fixture(name)));
  });

  it('sends one A query with RD, AD and an OPT record: UDP 1232, an 8-byte client cookie, DF clear', () => {
    const q = sent(dig('dig web.default.svc.cluster.local'));
    expect(q).toHaveLength(1);
    const { c, m } = q[0]!;
    expect(m).toMatchObject({ qr: false, rd: true, ad: true, question: [{ type: 'A' }] });
    expect(m.opt).toMatchObject({ udpSize: 1232, version: 0, flags: 0 });
    expect(m.opt!.options).toHaveLength(1);
    expect(m.opt!.options[0]!.code).toBe(10);
    expect(m.opt!.options[0]!.data).toMatch(/^[0-9a-f]{16}$/);
    expect(ip(c)).toMatchObject({ dst: '10.96.0.10', df: false });
  });

  it('gets the OPT back from CoreDNS with the cookie echoed', () => {
    const t = dig('dig web.default.svc.cluster.local');
    const q = sent(t)[0]!.m;
    const reply = t.captures
      .filter((c) => c.netns === 'client' && c.direction === 'rx')
      .map((c) => c.layers.find((l): l is DnsLayer => l.proto === 'dns'))
      .find((m) => m?.qr);
    expect(reply?.opt).toEqual({ ...q.opt, flags: 0 });
  });

  it('walks the search list only with +search, moving on only after NXDOMAIN', () => {
    expect(sent(dig('dig web')).map(({ m }) => m.question[0]!.name)).toEqual(['web.']);
    expect(sent(dig('dig nosuch +search')).map(({ m }) => m.question[0]!.name)).toEqual([
      'nosuch.default.svc.cluster.local.',
      'nosuch.svc.cluster.local.',
      'nosuch.cluster.local.',
      'nosuch.',
    ]);
  });

  it('ends with the verdict "unresolved" when the answer is NXDOMAIN (dig itself exits 0), delivered for NODATA', () => {
    const nx = dig('dig nosuch.default.svc.cluster.local');
    expect(nx.verdict).toBe('unresolved');
    expect(nx.reason).toBe('nosuch.default.svc.cluster.local did not resolve: NXDOMAIN');
    expect(dig('dig -t AAAA web.default.svc.cluster.local').verdict).toBe('delivered');
    expect(dig('dig nosuch +search').reason).toBe('nosuch did not resolve: SERVFAIL');
  });

  it('tries 3 times, 5 s apart, same id from a new port, then "no servers could be reached"', () => {
    const drop = { netns: 'node1', line: 'iptables -I FORWARD -p udp --dport 53 -j DROP' };
    const t = dig('dig silent.example.com', [drop]);
    expect(mask(t.output)).toBe(mask(fixture('timeout')));
    const q = sent(t);
    expect(q).toHaveLength(3);
    expect(new Set(q.map(({ m }) => m.id)).size).toBe(1);
    const ports = q.map(({ c }) => (c.layers.find((l) => l.proto === 'udp') as { sport: number }).sport);
    expect(new Set(ports).size).toBe(3);
    expect(q.map(({ c }) => Math.round((c.time - q[0]!.c.time) / 1e6))).toEqual([0, 5, 10]);
    expect(t.verdict).toBe('unresolved');
    expect(t.reason).toBe('silent.example.com did not resolve: timeout');
  });

  it('refuses an option dig does not have with its usage, and warns about a bad -t type', () => {
    expect(mask(dig('dig +nosuch web').output)).toBe(mask(fixture('invalid')));
    expect(dig('dig -t nosuchtype web.default.svc.cluster.local').output).toMatch(
      /^;; Warning, ignoring invalid type nosuchtype\n/,
    );
  });
});
