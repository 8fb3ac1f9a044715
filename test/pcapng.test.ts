/**
 * The pcapng export opens cleanly in Wireshark's dissectors: every frame of a real trace
 * is written through `trace --format pcapng --out FILE`, and tshark must find no malformed
 * packet and no checksum error, and must decode VXLAN on 8472 (flannel) and 4789 (Docker).
 * tshark is installed when missing (Debian package tshark); the test is skipped only when
 * it is missing and cannot be installed because we are not root.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

// Property runs and tshark take seconds each; on a busy 2-core machine, several times the 5 s default.
vi.setConfig({ testTimeout: 60_000 });
import { main } from '../src/cli/trace';
import { traceToPcapng } from '../src/engine';
import { trace } from './helpers';

function haveTshark(): boolean {
  return spawnSync('tshark', ['--version'], { encoding: 'utf8' }).status === 0;
}

function ensureTshark(): string | undefined {
  if (haveTshark()) return undefined;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root) return 'tshark is not installed and we are not root to apt-get install it';
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update'], { env, stdio: 'ignore' });
  const r = spawnSync('apt-get', ['install', '-y', 'tshark'], { env, encoding: 'utf8' });
  if (r.status !== 0 || !haveTshark()) return `apt-get install -y tshark failed: ${r.stderr ?? ''}`;
  return undefined;
}

const missing = ensureTshark();
if (missing) console.warn(`pcapng test skipped: ${missing}`);

const dir = mkdtempSync(join(tmpdir(), 'pj-pcapng-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Frame {
  n: number;
  iface: string;
  protocols: string;
  malformed: string;
  expert: string;
}

function dissect(file: string): Frame[] {
  const out = execFileSync(
    'tshark',
    [
      '-r',
      file,
      '-o',
      'udp.check_checksum:TRUE',
      '-o',
      'ip.check_checksum:TRUE',
      '-o',
      'tcp.check_checksum:TRUE',
      '-d',
      'udp.port==8472,vxlan',
      '-d',
      'udp.port==6784,vxlan',
      '-T',
      'fields',
      '-E',
      'separator=|',
      '-e',
      'frame.number',
      '-e',
      'frame.interface_name',
      '-e',
      'frame.protocols',
      '-e',
      '_ws.malformed',
      '-e',
      '_ws.expert.message',
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [n, iface, protocols, malformed, expert] = l.split('|');
      return {
        n: Number(n),
        iface: iface ?? '',
        protocols: protocols ?? '',
        malformed: malformed ?? '',
        expert: expert ?? '',
      };
    });
}

const CASES: [scenario: string, flow: string, vxlanPort?: number][] = [
  ['flannel-vxlan', 'pod-a-ping-pod-b', 8472],
  ['docker-bridge', 'c1-to-web'],
  ['flannel-udp', 'pod1-ping-pod3'],
  ['docker-overlay', 'c1-ping-c2', 4789],
  ['gre-overlay', 'key-mismatch'],
  ['ipv6-basics', 'a-ping-b'],
  ['ipv6-basics', 'a-ping-b-hop-limit-1'],
];

describe.skipIf(missing !== undefined)('pcapng export dissected by tshark', () => {
  for (const [scenario, flow, vxlanPort] of CASES) {
    it(`${scenario} ${flow}: every frame dissects, no malformed packet, no checksum error`, () => {
      const file = join(dir, `${scenario}-${flow}.pcapng`);
      let err = '';
      const code = main([`scenarios/${scenario}.yaml`, '--flow', flow, '--format', 'pcapng', '--out', file], {
        out: () => {},
        err: (s) => (err += s),
        readFile: (p) => readFileSync(p, 'utf8'),
        writeFile: (p, d) => writeFileSync(p, d),
      });
      expect(code, err).toBe(0);
      const t = trace(scenario, flow);
      const frames = dissect(file);
      expect(frames).toHaveLength(t.captures.length);
      // Frames in step order, each on the interface block named netns/interface.
      frames.forEach((f, i) => {
        const c = t.captures[i]!;
        expect(f.n).toBe(i + 1);
        expect(f.iface).toBe(`${c.netns}/${c.interface}`);
        expect(f.malformed, `frame ${f.n}`).toBe('');
        expect(f.expert, `frame ${f.n}`).not.toMatch(/checksum|malformed|exception/i);
        expect(f.protocols).toMatch(c.link === 'raw' ? /^raw:ip/ : /^eth:ethertype/);
      });
      if (vxlanPort !== undefined) {
        const wrapped = frames.filter((f) => f.protocols.includes(':udp:vxlan:eth:ethertype:ip:icmp'));
        const expected = t.captures.filter((c) =>
          c.layers.some((l) => l.proto === 'udp' && l.dport === vxlanPort),
        );
        expect(expected.length).toBeGreaterThan(0);
        expect(wrapped.length).toBeGreaterThanOrEqual(expected.length);
      }
    });
  }

  it('flannel-udp: flannel0 is a raw-IP interface block and the underlay carries UDP 8285', () => {
    const t = trace('flannel-udp', 'pod1-ping-pod3');
    const file = join(dir, 'udp-direct.pcapng');
    writeFileSync(file, traceToPcapng(t));
    const frames = dissect(file);
    expect(
      frames.filter((f) => f.iface === 'A/flannel0').every((f) => f.protocols.startsWith('raw:ip:icmp')),
    ).toBe(true);
    expect(frames.some((f) => f.iface === 'A/eth0' && f.protocols.startsWith('eth:ethertype:ip:udp'))).toBe(
      true,
    );
  });

  it('ipv6-basics: NDP and echoes dissect as IPv6/ICMPv6, the error quoting the request', () => {
    const file = join(dir, 'ipv6.pcapng');
    writeFileSync(file, traceToPcapng(trace('ipv6-basics', 'a-ping-b-hop-limit-1')));
    const frames = dissect(file);
    expect(frames.length).toBeGreaterThan(0);
    for (const f of frames) expect(f.protocols).toMatch(/^eth:ethertype:ipv6:icmpv6/);
    expect(frames.some((f) => f.protocols === 'eth:ethertype:ipv6:icmpv6:ipv6:icmpv6:data')).toBe(true);
  });

  it('every frame carries its hop and chapter as a packet comment Wireshark shows', () => {
    const t = trace('flannel-vxlan', 'pod-a-ping-pod-b');
    const file = join(dir, 'comments.pcapng');
    writeFileSync(file, traceToPcapng(t));
    const out = execFileSync('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.comment'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const comments = out.split('\n').filter((l) => l !== '');
    expect(comments).toHaveLength(t.captures.length);
    // The underlay frame (the VXLAN packet on em1) is the underlay hop's; the first ARP frames are a resolution.
    const n = t.hops.length;
    expect(comments[0]).toMatch(
      new RegExp(`^hop 2/${n} resolve: ARP in pod-a: who has 10\\.244\\.0\\.1 on eth0\\?$`),
    );
    const vx = t.captures.findIndex(
      (c) => c.interface === 'em1' && c.layers.some((l) => l.proto === 'vxlan'),
    );
    expect(comments[vx]).toMatch(new RegExp(`^hop \\d+/${n} underlay: node-64-216 em1 → node-64-217 em1$`));
  });
});
