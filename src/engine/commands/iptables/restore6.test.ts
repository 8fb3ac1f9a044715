/**
 * ip6tables-restore: kube-proxy's IPv6 proxier feeds its nat rules this way. The fixture is
 * an IPv6 ClusterIP's chains in kube-proxy's argument order; kube-proxy-nat.save is what the
 * real ip6tables-restore 1.8.9 (nf_tables) then ip6tables-save printed in a scratch namespace.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { World } from '../../kernel/world';
import { runCommand } from '../index';

const FIX = join(__dirname, '../../../../test/fixtures/ip6tables');

function host() {
  const world = new World('restore6-test');
  world.ipv6 = true;
  const machine = world.addMachine('h');
  const ns = machine.root;
  const sh = (line: string, stdin?: string): string =>
    runCommand({ world, machine, ns, origin: 'test', ...(stdin !== undefined ? { stdin } : {}) }, line)
      .output;
  return { ns, sh };
}

describe('ip6tables-restore', () => {
  it('loads an IPv6 ClusterIP rule set that ip6tables-save prints as the real one does', () => {
    const { sh } = host();
    sh('ip6tables-restore --noflush --counters', readFileSync(join(FIX, 'kube-proxy-nat.restore'), 'utf8'));
    const rows = (text: string): string[] => text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(rows(sh('ip6tables-save -t nat'))).toEqual(
      rows(readFileSync(join(FIX, 'kube-proxy-nat.save'), 'utf8')),
    );
  });

  it('leaves the IPv4 tables alone', () => {
    const { sh, ns } = host();
    sh('ip6tables-restore', '*nat\n:KUBE-SERVICES - [0:0]\nCOMMIT\n');
    expect(ns.iptables?.tables.nat.chains.has('KUBE-SERVICES') ?? false).toBe(false);
    expect(ns.ip6tables?.tables.nat.chains.has('KUBE-SERVICES')).toBe(true);
  });

  it("refuses an IPv4 address in ip6tables-restore's own words", () => {
    const { sh } = host();
    let msg = '';
    try {
      sh('ip6tables-restore', '*nat\n:X - [0:0]\n-A X -d 10.96.0.1 -j ACCEPT\nCOMMIT\n');
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(
      /^ip6tables-restore v1\.8\.9 \(nf_tables\): host\/network `10\.96\.0\.1' not found\nError occurred at line: 3\n/,
    );
  });
});
