import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildWorld } from '../scenario/build';
import { ScenarioError } from '../scenario/errors';
import { loadScenario } from '../scenario/load';
import { listFlows, traceAll, traceFlow } from './run';
import { renderSchema, SCHEMAS } from '../../../scripts/gen-schemas';
import { TraceSchema } from './trace-schema';

const LAN = readFileSync(new URL('../../../test/fixtures/lan.yaml', import.meta.url), 'utf8');

const lan = () => loadScenario(LAN, 'test/fixtures/lan.yaml');

/** 1-based line of the nth line of `text` that contains `needle`. */
function lineOf(text: string, needle: string, nth = 1): number {
  const lines = text.split('\n');
  let seen = 0;
  const i = lines.findIndex((l) => l.includes(needle) && ++seen === nth);
  if (i < 0) throw new Error(`no line with ${needle}`);
  return i + 1;
}

describe('buildWorld', () => {
  it('builds machines, NICs and runs setup, logging every command', () => {
    const { world, setup } = buildWorld(lan());
    expect([...world.netns.keys()]).toEqual(['A', 'B', 'ns1']);
    expect(setup[0]).toEqual({
      machine: 'A',
      netns: 'A',
      command: 'ip addr add 192.168.0.100/24 dev eth0',
      source: 'test/fixtures/lan.yaml:12 (nic eth0)',
      ok: true,
      output: '',
    });
    expect(setup[1]!.command).toBe('ip link set eth0 up');
    const failed = setup.find((e) => e.expectedFailure);
    expect(failed).toMatchObject({
      ok: false,
      by: 'flanneld',
      source: `test/fixtures/lan.yaml:${lineOf(LAN, '      - run: ip route add 10.9', 2)}`,
    });
    expect(failed!.output).not.toBe('');
    expect(world.netns.get('A')!.device('eth0')!.mac).toBe('02:00:00:00:00:0a');
  });

  it('names the setup line of a command that fails', () => {
    const bad = LAN.replace('      - ip link set veth0 up\n', '      - ip link set veth9 up\n');
    expect(() => buildWorld(loadScenario(bad, 'test/fixtures/lan.yaml'))).toThrow(
      `test/fixtures/lan.yaml:${lineOf(bad, 'veth9')} machines.A.setup[3]: `,
    );
  });

  it('rejects an expect: fail command that succeeds', () => {
    const bad = LAN.replace(
      '        expect: fail\n',
      '        expect: fail\n      - run: ip link set veth0 up\n        expect: fail\n',
    );
    expect(() => buildWorld(loadScenario(bad, 'test/fixtures/lan.yaml'))).toThrow(
      `test/fixtures/lan.yaml:${lineOf(bad, '- run: ip link set veth0 up')} machines.A.setup[8]: expected to fail but succeeded: ip link set veth0 up`,
    );
  });

  it('checks server and flow netns after the world is built', () => {
    const s = loadScenario(LAN.replace('{netns: B, listen', '{netns: nsX, listen'), 'test/fixtures/lan.yaml');
    expect(() => buildWorld(s)).toThrow(
      `test/fixtures/lan.yaml:${lineOf(LAN, '{netns: B, listen')} servers[0].netns: no netns "nsX"; netns: A, B, ns1`,
    );
    const f = loadScenario(LAN.replace('    netns: ns1\n', '    netns: ns2\n'), 'test/fixtures/lan.yaml');
    expect(() => buildWorld(f)).toThrow(
      `test/fixtures/lan.yaml:${lineOf(LAN, '- id: ns1-ping-a')} flows[1].netns: no netns "ns2"`,
    );
  });

  it('runs --exec commands last and names them in errors', () => {
    const { setup } = buildWorld(lan(), {
      exec: [{ netns: 'ns1', line: 'ip route add default via 10.0.0.1' }],
    });
    expect(setup.at(-1)).toMatchObject({ netns: 'ns1', machine: 'A', source: '--exec', ok: true });
    expect(() => buildWorld(lan(), { exec: [{ netns: 'x', line: 'ip link' }] })).toThrow(
      /^--exec "x: ip link": no netns "x"/,
    );
    expect(() => buildWorld(lan(), { exec: [{ netns: 'A', line: 'ip link set nope up' }] })).toThrow(
      /^--exec "A: ip link set nope up": /,
    );
  });
});

describe('traceFlow', () => {
  it('lists flows', () => {
    expect(listFlows(lan()).map((f) => `${f.id} ${f.netns}`)).toEqual([
      'a-ping-b A',
      'ns1-ping-a ns1',
      'a-ping-nowhere A',
      'a-ping-behind-b A',
    ]);
  });

  it('traces a ping across the segment: delivered, command first, ARP then echo', () => {
    const t = traceFlow(lan(), 'a-ping-b');
    expect(t.verdict).toBe('delivered');
    expect(t.reason).toBeUndefined();
    expect(t.events[0]).toMatchObject({
      step: 0,
      time: 0,
      netns: 'A',
      kind: 'command',
      explanation: 'A$ ping -c 1 192.168.0.200',
    });
    expect(t.output).toMatch(/^PING 192\.168\.0\.200/);
    const onWire = t.captures
      .filter((c) => c.netns === 'B' && c.interface === 'eth0')
      .map((c) => c.layers[1]!.proto);
    // B hears the ARP request and answers it, then the echo request comes in and the reply goes out.
    expect(onWire).toEqual(['arp', 'arp', 'ipv4', 'ipv4']);
    expect(t.topology.segments).toEqual([{ name: 'lan', title: '192.168.0.0/24' }]);
    const a = t.topology.netns.find((n) => n.name === 'A')!;
    expect(a.interfaces.find((i) => i.name === 'eth0')).toMatchObject({
      kind: 'ether',
      mac: '02:00:00:00:00:0a',
      up: true,
      addrs: ['192.168.0.100/24'],
      segment: 'lan',
    });
    expect(a.interfaces.find((i) => i.name === 'veth0')!.peer).toEqual({ netns: 'ns1', interface: 'eth0' });
    expect(t.tables.some((s) => s.netns === 'B' && s.table === 'sockets')).toBe(true);
  });

  it('reports unreachable with the tool text when there is no route', () => {
    const t = traceFlow(lan(), 'a-ping-nowhere');
    expect(t.verdict).toBe('unreachable');
    expect(t.reason).toMatch(/Network is unreachable/);
  });

  it('reports the first drop when nothing comes back', () => {
    const t = traceFlow(lan(), 'a-ping-behind-b');
    expect(t.verdict).toBe('dropped');
    expect(t.reason).toMatch(/^B eth0: /);
  });

  it('applies --exec before the flow', () => {
    const t = traceFlow(lan(), 'a-ping-b', { exec: [{ netns: 'A', line: 'ip link set eth0 down' }] });
    expect(t.verdict).toBe('unreachable');
  });

  it('rejects an unknown flow with the list of flows', () => {
    expect(() => traceFlow(lan(), 'nope')).toThrow(ScenarioError);
    expect(() => traceFlow(lan(), 'nope')).toThrow(
      'unknown flow "nope"; flows: a-ping-b, ns1-ping-a, a-ping-nowhere, a-ping-behind-b',
    );
  });

  it('gives byte-identical JSON for the same input', () => {
    const a = JSON.stringify(traceAll(lan()));
    const b = JSON.stringify(traceAll(lan()));
    expect(a).toBe(b);
  });

  it('produces traces valid against schema/trace.schema.json', () => {
    const json = JSON.parse(
      readFileSync(new URL('../../../schema/trace.schema.json', import.meta.url), 'utf8'),
    );
    const validator = z.fromJSONSchema(json);
    for (const t of traceAll(lan())) {
      const plain = JSON.parse(JSON.stringify(t));
      expect(TraceSchema.safeParse(plain).error).toBeUndefined();
      expect(validator.safeParse(plain).error).toBeUndefined();
    }
    // The validator is not vacuous.
    const broken = JSON.parse(JSON.stringify(traceFlow(lan(), 'a-ping-b')));
    broken.events[0].kind = 'teleport';
    expect(validator.safeParse(broken).success).toBe(false);
    delete broken.events[0].kind;
    expect(validator.safeParse(broken).success).toBe(false);
  });

  it('keeps schema/*.schema.json in step with the zod schemas (npm run schemas)', async () => {
    for (const rel of Object.keys(SCHEMAS)) {
      const onDisk = readFileSync(new URL(`../../../${rel}`, import.meta.url), 'utf8');
      expect(onDisk, `${rel} is stale: run npm run schemas`).toBe(await renderSchema(rel));
    }
  });
});
