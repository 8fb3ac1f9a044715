import { describe, expect, it } from 'vitest';
import { ScenarioError } from './errors';
import { loadScenario } from './load';

const HEAD = `version: 1
id: sample
group: Basics
concept: {en: "veth pairs", zh: "veth 对"}
title: {en: "Sample", zh: "示例"}
description: {en: "A sample.", zh: "一个示例。"}
`;

const GOOD =
  HEAD +
  `segments:
  lan: {title: "192.168.0.0/24"}
machines:
  B:
    role: host
    nics:
      - {name: eth0, segment: lan, addr: 192.168.0.200/24}
  A:
    nics:
      - {name: eth0, segment: lan, mac: "02:00:00:00:00:0A", addr: 192.168.0.100/24}
    setup:
      - ip netns add ns1
      - run: ip route add 10.1.16.0/24 via 192.168.0.200 dev eth0
        by: flanneld
      - run: ip route add 10.1.16.0/24 via 192.168.0.200 dev eth0
        by: flanneld
        expect: fail
servers:
  - {netns: B, listen: tcp/80, process: nginx, reply: 612}
flows:
  - id: a-ping-b
    netns: A
    command: ping -c 1 192.168.0.200
    title: {en: "A pings B", zh: "A ping B"}
`;

function err(text: string, file = 'scenarios/sample.yaml'): string {
  try {
    loadScenario(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as Error).message;
  }
  throw new Error('expected a ScenarioError');
}

describe('loadScenario', () => {
  it('loads a valid scenario, keeping file order and YAML lines', () => {
    const s = loadScenario(GOOD, 'scenarios/sample.yaml');
    expect(s.id).toBe('sample');
    expect(s.machines.map((m) => m.name)).toEqual(['B', 'A']);
    const a = s.machines[1]!;
    expect(a.role).toBe('host');
    expect(a.nics[0]).toMatchObject({ name: 'eth0', segment: 'lan', mac: '02:00:00:00:00:0a', line: 16 });
    expect(a.setup).toEqual([
      { run: 'ip netns add ns1', expectFail: false, line: 18 },
      {
        run: 'ip route add 10.1.16.0/24 via 192.168.0.200 dev eth0',
        by: 'flanneld',
        expectFail: false,
        line: 19,
      },
      {
        run: 'ip route add 10.1.16.0/24 via 192.168.0.200 dev eth0',
        by: 'flanneld',
        expectFail: true,
        line: 21,
      },
    ]);
    expect(s.servers[0]).toEqual({
      netns: 'B',
      proto: 'tcp',
      port: 80,
      process: 'nginx',
      reply: 612,
      line: 25,
    });
    expect(s.flows[0]).toMatchObject({ id: 'a-ping-b', netns: 'A', line: 27 });
    expect(s.segments).toEqual([{ name: 'lan', title: '192.168.0.0/24', line: 8 }]);
  });

  it('keeps integer-like machine names in file order', () => {
    const s = loadScenario(HEAD + 'machines:\n  z: {}\n  "2": {}\n  "1": {}\n', 'x');
    expect(s.machines.map((m) => m.name)).toEqual(['z', '2', '1']);
  });

  it('names file, line and path of an unknown key', () => {
    const text = GOOD.replace('    role: host\n', '    role: host\n    nicz: []\n');
    expect(err(text)).toBe('scenarios/sample.yaml:12 machines.B.nicz: unknown key "nicz"');
  });

  it('names the line of a setup item of the wrong type', () => {
    const text = GOOD.replace('        expect: fail\n', '        expect: fail\n      - [ip, link]\n');
    expect(err(text)).toBe(
      'scenarios/sample.yaml:24 machines.A.setup[3]: expected a string or {run, by, expect}',
    );
    const num = GOOD.replace('      - ip netns add ns1\n', '      - 42\n');
    expect(err(num)).toBe(
      'scenarios/sample.yaml:18 machines.A.setup[0]: expected a string or {run, by, expect}',
    );
  });

  it('reports the inner error of a setup object', () => {
    const text = GOOD.replace('        expect: fail', '        expect: failure');
    expect(err(text)).toBe('scenarios/sample.yaml:23 machines.A.setup[2].expect: expected one of "fail"');
    const typo = GOOD.replace(
      '        by: flanneld\n        expect',
      '        bye: flanneld\n        expect',
    );
    expect(err(typo)).toBe('scenarios/sample.yaml:22 machines.A.setup[2].bye: unknown key "bye"');
  });

  it('reports a missing key on the line of its parent', () => {
    const text = GOOD.replace('    command: ping -c 1 192.168.0.200\n', '');
    expect(err(text)).toMatch(/^scenarios\/sample\.yaml:27 flows\[0\]\.command: missing required key/);
  });

  it('checks enums and addresses', () => {
    expect(err(GOOD.replace('group: Basics', 'group: basics'))).toMatch(
      /^scenarios\/sample\.yaml:3 group: expected one of/,
    );
    expect(err(GOOD.replace('192.168.0.200/24}', '192.168.0.300/24}'))).toMatch(
      /^scenarios\/sample\.yaml:13 machines\.B\.nics\[0\]\.addr: expected an IPv4 address/,
    );
    expect(err(GOOD.replace('listen: tcp/80', 'listen: sctp/80'))).toMatch(
      /^scenarios\/sample\.yaml:25 servers\[0\]\.listen: expected PROTO\/PORT/,
    );
  });

  it("takes kube-proxy's nodeIP as the Node's InternalIPs, one of each family", () => {
    const kp = (ip: string) =>
      GOOD.replace(
        '    setup:\n      - ip netns',
        `    controllers:\n      - kube-proxy: {nodeIP: "${ip}"}\n    setup:\n      - ip netns`,
      );
    const a = loadScenario(kp('192.168.0.100,2001:db8::1'), 'scenarios/sample.yaml').machines[1]!;
    expect(a.controllers?.[0]).toMatchObject({ kind: 'kube-proxy', nodeIP: '192.168.0.100,2001:db8::1' });
    expect(err(kp('2001:db8::1'))).toMatch(
      /^scenarios\/sample\.yaml:\d+ machines\.A\.controllers\[0\]\.kube-proxy\.nodeIP: expected an IPv4 address, or an IPv4 and an IPv6/,
    );
    expect(err(kp('192.168.0.100,192.168.0.101'))).toMatch(/kube-proxy\.nodeIP: expected an IPv4 address/);
  });

  it('reports YAML syntax errors as FILE:LINE:COL', () => {
    const text = GOOD.replace('  lan: {title: "192.168.0.0/24"}', '  lan: {title: "192.168.0.0/24"');
    expect(err(text)).toMatch(/^scenarios\/sample\.yaml:\d+:\d+: /);
    expect(err('a: b\n  c: d\n')).toBe(
      'scenarios/sample.yaml:1:4: Nested mappings are not allowed in compact mappings',
    );
    expect(err('x: [1, 2\n')).toMatch(/^scenarios\/sample\.yaml:2:1: Flow sequence/);
    expect(err('a: 1\na: 2\n')).toMatch(/^scenarios\/sample\.yaml:2:1: Map keys must be unique/);
  });

  it('rejects an alias bomb cleanly', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
      'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
      'h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]',
      'i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]',
    ].join('\n');
    expect(err(bomb)).toMatch(/^scenarios\/sample\.yaml:1: Excessive alias count/);
  });

  it('rejects input over 1 MB', () => {
    const big = GOOD + '#' + 'x'.repeat(1024 * 1024) + '\n';
    expect(err(big)).toBe('scenarios/sample.yaml: the file is larger than 1 MB');
    const wide = GOOD + '#' + '字'.repeat(400 * 1024) + '\n';
    expect(err(wide)).toBe('scenarios/sample.yaml: the file is larger than 1 MB');
  });

  it('checks the id against the file name', () => {
    expect(err(GOOD, 'scenarios/other.yaml')).toBe(
      'scenarios/other.yaml:2 id: the id "sample" must equal the file\'s base name "other"',
    );
    expect(loadScenario(GOOD, '<editor>').id).toBe('sample');
  });

  it('checks that a nic segment exists', () => {
    expect(err(GOOD.replace('segment: lan, mac', 'segment: wan, mac'))).toBe(
      'scenarios/sample.yaml:16 machines.A.nics[0].segment: no segment "wan"; segments: lan',
    );
  });

  it('rejects duplicate flow ids', () => {
    const flow = GOOD.slice(GOOD.indexOf('  - id: a-ping-b'));
    expect(err(GOOD + flow)).toBe(
      'scenarios/sample.yaml:31 flows[1].id: duplicate flow id "a-ping-b" (first at flows[0])',
    );
  });

  it('rejects a wrong version and an empty file', () => {
    expect(err(GOOD.replace('version: 1', 'version: 2'))).toMatch(/^scenarios\/sample\.yaml:1 version: /);
    expect(err('')).toMatch(/^scenarios\/sample\.yaml:1 version: missing required key/);
    expect(err('- 1\n')).toMatch(/^scenarios\/sample\.yaml:1: expected object, received array/);
  });
});
