/**
 * Property tests: random topologies (namespaces on machines, veths, bridges, segments,
 * addresses in a few subnets, routes including loops, random ip_forward) and random command
 * sequences, malformed ones included. Whatever the input: only CommandError/ScenarioError
 * escape, every trace terminates (the loop guard), and the same input gives byte-identical
 * Trace JSON.
 */
import { appendFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../commands';
import { CommandError } from '../kernel/errors';
import { formatIp } from '../net/ipv4';
import { buildWorld } from '../scenario/build';
import { ScenarioError } from '../scenario/errors';
import type { Scenario, ScenarioMachine } from '../scenario/load';
import { traceFlow } from './run';

const X = { en: 'x', zh: 'x' };
const SUBNETS = ['10.0.1', '10.0.2', '10.0.3'];

interface Spec {
  machines: { nics: number[]; cmds: string[] }[];
  segments: number;
  flows: { machine: number; ns: number; cmd: string; dst: number }[];
}

/** One random command for machine `m` (namespaces m{m}n0..n3, devices v0..v5 / p0..p5, bridges br0/br1). */
function command(m: number): fc.Arbitrary<string> {
  const ns = fc.integer({ min: 0, max: 3 }).map((i) => `m${m}n${i}`);
  const nsOrRoot = fc.oneof(ns, fc.constant(`M${m}`));
  const k = fc.integer({ min: 0, max: 5 });
  const dev = fc.oneof(
    k.map((i) => `v${i}`),
    k.map((i) => `p${i}`),
    fc.constantFrom('br0', 'br1', 'eth0', 'lo'),
  );
  const host = fc.integer({ min: 1, max: 6 });
  const subnet = fc.constantFrom(...SUBNETS);
  const addr = fc.tuple(subnet, host).map(([s, h]) => `${s}.${h}`);
  const prefix = fc.oneof(
    subnet.map((s) => `${s}.0/24`),
    fc.constant('default'),
    fc.constant('10.9.0.0/16'),
  );
  const junk = fc
    .string({ maxLength: 30 })
    .filter((s) => !/^\s*(sudo\s+)?(ping|curl|nc|ncat|netcat)\b/.test(s) && !/netns\s+exec/.test(s));
  return fc.oneof(
    fc.constant(`ip netns add m${m}n0`),
    ns.map((n) => `ip netns add ${n}`),
    k.map((i) => `ip link add v${i} type veth peer name p${i}`),
    fc.tuple(fc.constantFrom('v', 'p'), k, nsOrRoot).map(([p, i, n]) => `ip link set ${p}${i} netns ${n}`),
    fc.tuple(nsOrRoot, fc.constantFrom('br0', 'br1')).map(([n, b]) => `ip -n ${n} link add ${b} type bridge`),
    fc
      .tuple(nsOrRoot, dev, fc.constantFrom('br0', 'br1'))
      .map(([n, d, b]) => `ip -n ${n} link set ${d} master ${b}`),
    fc.tuple(nsOrRoot, dev).map(([n, d]) => `ip -n ${n} link set ${d} up`),
    fc.tuple(nsOrRoot, dev).map(([n, d]) => `ip -n ${n} link set ${d} down`),
    fc.tuple(nsOrRoot, addr, dev).map(([n, a, d]) => `ip -n ${n} addr add ${a}/24 dev ${d}`),
    fc.tuple(nsOrRoot, prefix, addr).map(([n, p, a]) => `ip -n ${n} route add ${p} via ${a}`),
    fc.tuple(nsOrRoot, prefix, dev).map(([n, p, d]) => `ip -n ${n} route add ${p} dev ${d}`),
    fc
      .tuple(nsOrRoot, prefix, addr, dev)
      .map(([n, p, a, d]) => `ip -n ${n} route replace ${p} via ${a} dev ${d} onlink`),
    fc
      .tuple(nsOrRoot, fc.constantFrom(0, 1))
      .map(([n, v]) => `ip netns exec ${n} sysctl -w net.ipv4.ip_forward=${v}`),
    fc.tuple(nsOrRoot, dev).map(([n, d]) => `ip netns exec ${n} sysctl -w net.ipv4.conf.${d}.proxy_arp=1`),
    fc
      .tuple(nsOrRoot, addr, dev)
      .map(([n, a, d]) => `ip -n ${n} neigh add ${a} lladdr 02:00:00:00:00:01 dev ${d}`),
    fc.tuple(nsOrRoot, dev).map(([n, d]) => `ip -n ${n} link del ${d}`),
    fc.tuple(nsOrRoot, dev).map(([n, d]) => `ip -n ${n} link set ${d} mtu 1200`),
    fc.constantFrom(
      'ip route add',
      'ip link set',
      'ip -n',
      'ip addr add 10.0.1.1/99 dev v0',
      'route add -net 10.9.0.0 netmask 255.255.0.0 gw 10.0.1.1',
      'brctl addif br0 v0',
      'bridge fdb add 02:00:00:00:00:09 dev v0 master static',
      "ip link add 'x y' type dummy",
      'echo 1 > /proc/sys/net/ipv4/ip_forward',
      'sysctl -w net.ipv4.ip_forward',
      'ip neigh add 10.0.1.1 dev v0 nud bogus',
      'true',
    ),
    junk,
  );
}

/** A flow command; `@` stands for an address of the world (or a stray one), chosen later. */
function flowCommand(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constant('ping -c 1 -W 2 @'),
    fc.integer({ min: 1, max: 64 }).map((t) => `ping -c 2 -i 0.2 -W 2 -t ${t} @`),
    fc.constant('ping -c 1 -M do -s 1400 -W 2 @'),
    fc.constant('curl -m 2 http://@/'),
    fc.constant('nc -u -w 2 @ 53'),
    fc.constant('nc -z -w 2 @ 80'),
    fc.constantFrom('ping', 'ip link', 'curl', 'nc -l 80', 'ping -c 0 10.0.1.1', 'frobnicate'),
  );
}

/** A veth between two namespaces of machine m (-1: the root), each end addressed or bridged. */
function link(m: number, i: number): fc.Arbitrary<string[]> {
  const end = fc.integer({ min: -1, max: 3 }).map((n) => (n < 0 ? `M${m}` : `m${m}n${n}`));
  const host = fc.integer({ min: 1, max: 6 });
  return fc
    .record({
      a: end,
      b: end,
      subnet: fc.constantFrom(...SUBNETS),
      ha: host,
      hb: host,
      bridged: fc.boolean(),
    })
    .map(({ a, b, subnet, ha, hb, bridged }) => [
      `ip link add v${i} type veth peer name p${i}`,
      `ip link set v${i} netns ${a}`,
      `ip link set p${i} netns ${b}`,
      `ip -n ${a} addr add ${subnet}.${ha}/24 dev v${i}`,
      `ip -n ${a} link set v${i} up`,
      ...(bridged
        ? [
            `ip -n ${b} link add br0 type bridge`,
            `ip -n ${b} link set br0 up`,
            `ip -n ${b} link set p${i} master br0`,
          ]
        : [`ip -n ${b} addr add ${subnet}.${hb}/24 dev p${i}`]),
      `ip -n ${b} link set p${i} up`,
    ]);
}

function machineCmds(m: number): fc.Arbitrary<string[]> {
  return fc
    .tuple(
      fc.integer({ min: 0, max: 4 }),
      fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
      fc.array(command(m), { minLength: 0, maxLength: 25 }),
    )
    .chain(([nns, keep, extra]) =>
      fc
        .tuple(...keep.map((_, i) => link(m, i)))
        .map((links) => [
          ...Array.from({ length: nns }, (_, n) => `ip netns add m${m}n${n}`),
          ...Array.from({ length: nns }, (_, n) => `ip -n m${m}n${n} link set lo up`),
          ...links.filter((_, i) => keep[i]).flat(),
          ...extra,
        ]),
    );
}

const specArb: fc.Arbitrary<Spec> = fc.integer({ min: 1, max: 3 }).chain((nm) =>
  fc.record({
    segments: fc.integer({ min: 1, max: 2 }),
    machines: fc.tuple(
      ...Array.from({ length: nm }, (_, m) =>
        fc.record({
          nics: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 0, maxLength: 1 }),
          cmds: machineCmds(m),
        }),
      ),
    ),
    flows: fc.array(
      fc.record({
        machine: fc.integer({ min: 0, max: nm - 1 }),
        ns: fc.integer({ min: 0, max: 20 }),
        cmd: flowCommand(),
        dst: fc.integer({ min: 0, max: 40 }),
      }),
      { minLength: 1, maxLength: 2 },
    ),
  }),
);

function isExpected(e: unknown): boolean {
  return e instanceof CommandError || e instanceof ScenarioError;
}

/** The scenario for a spec; setup lines that fail are marked `expect: fail` (found by a dry run). */
function toScenario(spec: Spec): Scenario {
  let line = 1;
  const machines: ScenarioMachine[] = spec.machines.map((m, i) => ({
    name: `M${i}`,
    role: 'host',
    nics: m.nics.map((h) => ({
      name: 'eth0',
      segment: `s${(i + h) % spec.segments}`,
      addr: `192.168.0.${h + i * 10}/24`,
      line: line++,
    })),
    setup: [],
    line: line++,
  }));
  const base: Scenario = {
    file: 'prop.yaml',
    version: 1,
    id: 'prop',
    group: 'Basics',
    concept: X,
    title: X,
    description: X,
    segments: Array.from({ length: spec.segments }, (_, i) => ({ name: `s${i}`, line: line++ })),
    machines,
    servers: [{ netns: 'M0', proto: 'tcp', port: 80, process: 'nginx', reply: 100, line: line++ }],
    flows: [],
  };
  // Dry run: the same world, then each machine's commands in order.
  const { world } = buildWorld(base);
  spec.machines.forEach((m, i) => {
    const machine = world.machines.get(`M${i}`)!;
    machines[i]!.setup = m.cmds.map((run) => {
      let ok = true;
      try {
        const r = runCommand({ world, machine, ns: machine.root, origin: 'prop' }, run);
        expect(r.process).toBeUndefined();
      } catch (e) {
        if (!isExpected(e)) throw e;
        ok = false;
      }
      return { run, expectFail: !ok, line: line++ };
    });
  });
  // Flows start in namespaces that exist (a flow naming a missing one is a ScenarioError for all).
  const names = [...world.netns.keys()];
  const addrs = [
    ...new Set([...world.netns.values()].flatMap((ns) => ns.allAddrs().map(({ a }) => formatIp(a.addr)))),
    '10.9.0.1',
    '192.168.0.77',
  ];
  base.flows = spec.flows.map((f, i) => ({
    id: `f${i}`,
    netns: names[f.ns % names.length]!,
    command: f.cmd.replace('@', addrs[f.dst % addrs.length]!),
    title: X,
    line: line++,
  }));
  return base;
}

describe('random worlds', () => {
  it('only CommandError/ScenarioError escape, traces terminate and repeat byte for byte', () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const s = toScenario(spec);
        for (const f of s.flows) {
          let a: string | undefined;
          let b: string | undefined;
          try {
            a = JSON.stringify(traceFlow(s, f.id));
          } catch (e) {
            if (process.env.PROP_STATS)
              appendFileSync(process.env.PROP_STATS, `ERR ${(e as Error).message}\n`);
            if (!isExpected(e)) throw e;
          }
          try {
            b = JSON.stringify(traceFlow(s, f.id));
          } catch (e) {
            if (!isExpected(e)) throw e;
          }
          expect(b).toBe(a);
          if (a) {
            const t = JSON.parse(a) as { verdict: string; events: unknown[] };
            expect(['delivered', 'dropped', 'unreachable', 'timeout', 'refused', 'error']).toContain(
              t.verdict,
            );
            if (process.env.PROP_STATS)
              appendFileSync(process.env.PROP_STATS, `${t.verdict} ${t.events.length} ${f.command}\n`);
          }
        }
      }),
      { numRuns: 150, seed: 20240601 },
    );
  }, 60_000);

  it('a bridge loop (a broadcast storm) and a routing loop end by the loop guard or TTL', () => {
    const s: Scenario = {
      file: 'loop.yaml',
      version: 1,
      id: 'loop',
      group: 'Basics',
      concept: X,
      title: X,
      description: X,
      segments: [],
      machines: [
        {
          name: 'h',
          role: 'host',
          nics: [],
          line: 1,
          setup: [
            'ip netns add c',
            'ip link add br0 type bridge',
            'ip link add v0 type veth peer name p0',
            'ip link add v1 type veth peer name p1',
            'ip link add cv type veth peer name cp',
            'ip link set cp netns c',
            'ip link set v0 master br0',
            'ip link set p0 master br0',
            'ip link set v1 master br0',
            'ip link set p1 master br0',
            'ip link set cv master br0',
            'ip link set br0 up',
            'ip link set v0 up',
            'ip link set p0 up',
            'ip link set v1 up',
            'ip link set p1 up',
            'ip link set cv up',
            'ip -n c addr add 10.0.1.2/24 dev cp',
            'ip -n c link set cp up',
          ].map((run, i) => ({ run, expectFail: false, line: i + 2 })),
        },
      ],
      servers: [],
      flows: [{ id: 'storm', netns: 'c', command: 'ping -c 1 10.0.1.9', title: X, line: 99 }],
    };
    // One run only: a storm trace is large (every flooded copy is an event), and determinism is
    // covered by the random worlds above.
    const t = traceFlow(s, 'storm');
    expect(t.verdict).toBe('error');
    expect(t.reason).toMatch(/forwarding loop or a broadcast storm/);
  }, 30_000);
});
