import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main, parseExec, type Io } from './trace';

const FIXTURE = 'test/fixtures/lan.yaml';

function run(argv: string[], files: Record<string, string> = {}): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const io: Io = {
    out: (s) => (out += s),
    err: (s) => (err += s),
    readFile: (p) => {
      if (p in files) return files[p]!;
      return readFileSync(p, 'utf8');
    },
  };
  const code = main(argv, io);
  return { code, out, err };
}

describe('trace CLI', () => {
  it('lists flows', () => {
    const r = run([FIXTURE, '--list']);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe('a-ping-b\tA\tping -c 1 192.168.0.200');
  });

  it('prints a text listing with a verdict and the command output', () => {
    const r = run([FIXTURE, '--flow', 'a-ping-b']);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('scenario lan  flow a-ping-b  A$ ping -c 1 192.168.0.200');
    // Hops are headings, their events indented under them.
    expect(lines[1]).toMatch(/^hop +1 {2}leave-pod: A sends a packet to 192\.168\.0\.200$/);
    expect(lines[2]).toMatch(/^ {2,4}0 {2}A\s+command\s+A\$ ping -c 1 192\.168\.0\.200$/);
    expect(r.out).toMatch(/\nhop +\d+ {2}resolve: ARP in A: who has 192\.168\.0\.200 on eth0\?\n/);
    expect(r.out).toMatch(/\nhop +\d+ {2}reply: B routes the packet for 192\.168\.0\.100\n/);
    expect(r.out).toMatch(/\n\s+eth0 Out .*ARP.*Request who-has 192\.168\.0\.200 tell 192\.168\.0\.100/);
    expect(r.out).toMatch(/\nverdict: delivered\n\nPING 192\.168\.0\.200/);
  });

  it('exits 0 for a dropped packet and names the drop', () => {
    const r = run([FIXTURE, '--flow', 'a-ping-behind-b']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\nverdict: dropped — B eth0: /);
  });

  it('prints JSON', () => {
    const r = run([FIXTURE, '--flow', 'a-ping-b', '--format', 'json']);
    expect(r.code).toBe(0);
    const t = JSON.parse(r.out);
    expect(t).toMatchObject({ scenario: 'lan', flow: 'a-ping-b', verdict: 'delivered' });
    expect(run([FIXTURE, '--flow', 'a-ping-b', '--format', 'json']).out).toBe(r.out);
  });

  it('applies --exec', () => {
    const r = run([FIXTURE, '--flow', 'a-ping-b', '--exec', 'A: ip link set eth0 down', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).verdict).toBe('unreachable');
  });

  it('exits 2 with one clear line on bad input', () => {
    const cases: [string[], RegExp][] = [
      [['nope.yaml', '--flow', 'x'], /^trace: nope\.yaml: no such file\n$/],
      [
        [FIXTURE, '--flow', 'x'],
        /^trace: unknown flow "x"; flows: a-ping-b, ns1-ping-a, a-ping-nowhere, a-ping-behind-b\n$/,
      ],
      [[FIXTURE], /^trace: --flow is required; flows: a-ping-b, /],
      [
        [FIXTURE, '--flow', 'a-ping-b', '--exec', 'no colon'],
        /^trace: bad --exec "no colon": expected "<netns>: <command>"\n$/,
      ],
      [
        [FIXTURE, '--flow', 'a-ping-b', '--exec', 'zz: ip link'],
        /^trace: --exec "zz: ip link": no netns "zz"/,
      ],
      [[FIXTURE, '--flow', 'a-ping-b', '--format', 'xml'], /^trace: bad --format "xml"/],
      [[FIXTURE, '--bogus'], /^trace: Unknown option '--bogus'/],
      [[], /^trace: usage: trace <scenario\.yaml>/],
      [['bad/lan.yaml', '--list'], /^trace: bad\/lan\.yaml:\d+:\d+: /],
    ];
    for (const [argv, re] of cases) {
      const r = run(argv, { 'bad/lan.yaml': 'version: [1\n' });
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err, argv.join(' ')).toMatch(re);
      expect(r.err.trimEnd().split('\n'), argv.join(' ')).toHaveLength(1);
      expect(r.out).toBe('');
    }
  });

  it('parses --exec', () => {
    expect(parseExec('pod1: ip route add default via 10.0.0.1')).toEqual({
      netns: 'pod1',
      line: 'ip route add default via 10.0.0.1',
    });
    expect(() => parseExec(': ip link')).toThrow();
    expect(() => parseExec('pod1:')).toThrow();
  });
});
