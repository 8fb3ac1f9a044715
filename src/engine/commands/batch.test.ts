/**
 * The batch forms kube-proxy's IPVS writes use: `ipset restore`, `ipvsadm -R`, `ip -batch -`.
 * Messages as the real tools print them (ipset 7.17 and iproute2 checked on this machine:
 * "ipset v7.17: Error in line 3: ...", "Command failed -:N").
 */
import { describe, expect, it } from 'vitest';
import { CommandError } from '../kernel/errors';
import { World } from '../kernel/world';
import { runCommand } from './index';

function host() {
  const world = new World('batch-test');
  const machine = world.addMachine('h');
  const ns = machine.root;
  const sh = (line: string, stdin?: string): string =>
    runCommand({ world, machine, ns, origin: 'test', ...(stdin !== undefined ? { stdin } : {}) }, line)
      .output;
  const err = (line: string, stdin: string): string => {
    try {
      sh(line, stdin);
    } catch (e) {
      if (e instanceof CommandError) return e.message;
      throw e;
    }
    throw new Error(`expected "${line}" to fail`);
  };
  return { ns, sh, err };
}

describe('ipset restore', () => {
  it('runs one ipset command a line', () => {
    const { sh } = host();
    sh('ipset restore', 'create X hash:ip\nadd X 1.2.3.4\n\nadd X 1.2.3.5\n');
    expect(sh('ipset test X 1.2.3.5')).toBe('Warning: 1.2.3.5 is in set X.');
  });

  it('names the failing line, as ipset does; -exist applies to every line', () => {
    const { sh, err } = host();
    expect(err('ipset restore', 'create X hash:ip\nadd X 1.2.3.4\nadd X 1.2.3.4\n')).toBe(
      "ipset v7.17: Error in line 3: Element cannot be added to the set: it's already added",
    );
    // Lines before the failure stay applied: sets have no transaction.
    expect(sh('ipset test X 1.2.3.4')).toBe('Warning: 1.2.3.4 is in set X.');
    sh('ipset restore -exist', 'add X 1.2.3.4\n');
  });
});

describe('ipvsadm -R', () => {
  it('adds virtual and real servers from ipvsadm -S lines', () => {
    const { sh, ns } = host();
    sh('ipvsadm -R', '-A -t 10.96.0.1:80 -s rr\n-a -t 10.96.0.1:80 -r 10.244.1.2:8080 -m -w 1\n');
    expect(ns.ipvs?.services).toHaveLength(1);
    expect(sh('ipvsadm -Ln')).toContain('  -> 10.244.1.2:8080');
  });

  it('stops at the first failing line with its error', () => {
    const { err, ns } = host();
    expect(err('ipvsadm -R', '-A -t 10.96.0.1:80 -s rr\n-A -t 10.96.0.1:80 -s rr\n')).toBe(
      'Service already exists',
    );
    expect(ns.ipvs?.services).toHaveLength(1);
  });
});

describe('ip -batch -', () => {
  it('runs one ip command a line', () => {
    const { sh } = host();
    sh('ip -batch -', 'link add d0 type dummy\naddr add 10.0.0.1/32 dev d0\n');
    expect(sh('ip addr show dev d0')).toContain('inet 10.0.0.1/32');
  });

  it('names the failing line as iproute2 does', () => {
    const { err } = host();
    const msg = err('ip -batch -', 'link add d0 type dummy\naddr add 10.0.0.1/32 dev d9\n');
    expect(msg.split('\n').at(-1)).toBe('Command failed -:2');
  });

  it('reads only standard input', () => {
    const { err } = host();
    expect(err('ip -batch /tmp/x', '')).toBe('Cannot open file "/tmp/x" for batch.');
  });
});
