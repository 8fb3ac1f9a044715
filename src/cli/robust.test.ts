/**
 * The crashes and unclear messages of issue 15, through the CLI as a user meets them: every one is
 * a UserError (exit 2, one message naming where) or a trace, never a stack trace.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main, type Io } from './trace';

function run(argv: string[], files: Record<string, string> = {}): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const io: Io = {
    out: (s) => (out += s),
    err: (s) => (err += s),
    readFile: (p) => files[p] ?? readFileSync(p, 'utf8'),
  };
  return { code: main(argv, io), out, err };
}

const calico = readFileSync('scenarios/calico-bgp.yaml', 'utf8');
const withStore = (key: string, value: string) =>
  calico.replace(new RegExp(`^(\\s*/calico/resources/v3/projectcalico.org/${key}:).*$`, 'm'), `$1 ${value}`);

describe('no crash: the model does what the kernel and the daemons do', () => {
  it('flanneld keeps running when its interface is deleted: later leases fail to program, logged', () => {
    const r = run([
      'scenarios/flannel-subnet-lease.yaml',
      '--flow',
      'node-joins',
      '--exec',
      'node1: ip link del eth0',
      '--format',
      'json',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const t = JSON.parse(r.out) as { verdict: string; events: { netns: string; kind: string }[] };
    // node3 joins and its flanneld writes a lease; node1's watcher still sees it (no TypeError).
    expect(t.events.some((e) => e.netns === 'node1' && e.kind === 'control')).toBe(true);
  });

  it('a renamed lo still carries local traffic (ip_route_output uses net->loopback_dev, not a name)', () => {
    const r = run([
      'scenarios/pod-pause.yaml',
      '--flow',
      'sidecar-to-app-localhost',
      '--exec',
      'frontend: ip link set lo name foo',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/frontend\/foo\s+tx/);
    expect(r.out).toMatch(/verdict: delivered/);
  });

  it('lo cannot be deleted (RTNETLINK answers: Operation not supported, as the kernel says)', () => {
    const r = run([
      'scenarios/pod-pause.yaml',
      '--flow',
      'sidecar-to-app-localhost',
      '--exec',
      'frontend: ip link del lo',
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/Operation not supported\n$/);
  });

  it.each([
    ["'x'", /bgpconfigurations\/default: invalid JSON/],
    ["'null'", /bgpconfigurations\/default: expected a JSON object, got null/],
    [`'{"asNumber": "a"}'`, /bgpconfigurations\/default: asNumber must be a number, got "a"/],
  ])('calico-node refuses bgpconfigurations/default = %s, naming the key', (value, message) => {
    const file = 'scenarios/calico-bgp.yaml';
    const r = run([file, '--flow', 'bgp-advertise'], {
      [file]: withStore('bgpconfigurations/default', value),
    });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('calico-node refuses a broken bgppeers value, naming the key', () => {
    const file = 'scenarios/calico-bgp-rr.yaml';
    const text = readFileSync(file, 'utf8').replace(/(bgppeers\/peer-with-route-reflectors:).*$/m, "$1 '[1'");
    const r = run([file, '--list'], { [file]: text });
    expect(r.code).toBe(0);
    const flow = r.out.split('\t')[0]!;
    const t = run([file, '--flow', flow], { [file]: text });
    expect(t.code).toBe(2);
    expect(t.err).toMatch(/bgppeers\/peer-with-route-reflectors: invalid JSON/);
  });
});

describe('clear messages', () => {
  const host = (exec: string) =>
    run(['scenarios/flannel-host-gw.yaml', '--flow', 'pod1-ping-pod3', '--exec', `A: ${exec}`]);

  it('a VLAN device is refused as not modelled, not as "garbage"', () => {
    const r = host('ip link add link eth0 name v5 type vlan id 5');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/VLAN \(802\.1Q\) devices \(type vlan\) are not modelled/);
  });

  it('the lower device of `link` is looked up as iproute2 does', () => {
    expect(host('ip link add link em1 name v5 type vlan id 5').err).toMatch(/Cannot find device "em1"/);
  });

  it('ping -c past the model cap states the limit', () => {
    const r = host('ping -c 1000000 10.1.16.1');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/invalid argument: '1000000' for -c: Packet Journey allows 1 to 100/);
  });

  it("DNAT in the filter table: iptables' own words, then the kernel log's reason", () => {
    const r = host('iptables -A FORWARD -p tcp -j DNAT --to-destination 1.2.3.4');
    expect(r.code).toBe(2);
    // Both lines as the real iptables-nft 1.8.9 and the kernel print them (checked in a netns).
    expect(r.err).toContain(
      'iptables v1.8.9 (nf_tables):  RULE_APPEND failed (Invalid argument): rule in chain FORWARD\n' +
        'DNAT is only valid in the nat table (the kernel logs: "x_tables: ip_tables: DNAT target: only valid in nat table, not filter")',
    );
  });

  it('100,000-deep YAML nesting is refused with a message, not a stack overflow', () => {
    const file = 'deep.yaml';
    const text = `version: 1\nid: deep\nx: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
    const r = run([file, '--list'], { [file]: text });
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'trace: deep.yaml:3:67: the YAML nests more than 64 levels deep; a scenario needs far fewer\n',
    );
  });

  it('deep block nesting is refused too', () => {
    const file = 'deep.yaml';
    let text = 'version: 1\nid: deep\nx:\n';
    for (let i = 0; i < 100; i++) text += `${' '.repeat(i + 2)}a:\n`;
    const r = run([file, '--list'], { [file]: text });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/nests more than 64 levels deep/);
  });
});
