/**
 * iptables-legacy-restore commits each table with libiptc's TC_COMMIT: the kernel checks the
 * whole table (translate_table, with x_tables' hook masks: every hook a chain is reachable
 * from), and ios_main reports only the COMMIT line. Measured with iptables 1.8.9 (legacy and
 * nf_tables) on Linux 6.18 in a scratch namespace, each text below fed on stdin:
 * - a --physdev-out rule in a user chain that OUTPUT jumps to: legacy "iptables-restore: line 5
 *   failed", exit 1, nothing written; iptables-nft-restore takes it (nft_compat checks a rule
 *   against its own base chain's hook only);
 * - the same rule in OUTPUT itself: legacy "iptables-restore: line 3 failed", exit 1;
 *   iptables-nft-restore names the rule, "line 2: RULE_APPEND failed (Invalid argument): rule
 *   in chain OUTPUT", exit 4;
 * - DNAT in filter, a jump loop: legacy "line 3 failed" and "line 7 failed" (the COMMIT);
 * - ip6tables-legacy-restore says "ip6tables-restore: line 3 failed".
 */
import { describe, expect, it } from 'vitest';
import { CommandError } from '../../kernel/errors';
import { World } from '../../kernel/world';
import { runCommand } from '../index';

function host() {
  const world = new World('restore-legacy');
  const machine = world.addMachine('h');
  const ctx = { world, machine, ns: machine.root, origin: 'test' };
  return (line: string, stdin?: string): string =>
    runCommand(stdin === undefined ? ctx : { ...ctx, stdin }, line).output;
}

const refusal = (run: () => unknown): CommandError => {
  try {
    run();
  } catch (e) {
    if (e instanceof CommandError) return e;
    throw e;
  }
  throw new Error('accepted');
};

const VIA_USER_CHAIN =
  '*filter\n:UC - [0:0]\n-A UC -m physdev --physdev-out p0 -j ACCEPT\n-A OUTPUT -j UC\nCOMMIT\n';
const IN_OUTPUT = '*filter\n-A OUTPUT -m physdev --physdev-out p0 -j ACCEPT\nCOMMIT\n';

describe('iptables-legacy-restore: the kernel checks the committed table', () => {
  it('refuses --physdev-out in a chain OUTPUT reaches, naming the COMMIT line; nf_tables takes it', () => {
    const sh = host();
    const e = refusal(() => sh('iptables-legacy-restore', VIA_USER_CHAIN));
    expect([e.message, e.status]).toEqual(['iptables-restore: line 5 failed', 1]);
    expect(sh('iptables-legacy -S')).toBe('-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT');
    sh('iptables-nft-restore', VIA_USER_CHAIN);
    expect(sh('iptables-nft -S OUTPUT')).toBe('-P OUTPUT ACCEPT\n-A OUTPUT -j UC');
  });

  it('refuses it in OUTPUT itself: legacy at the COMMIT, nf_tables at the rule', () => {
    const sh = host();
    const e = refusal(() => sh('iptables-legacy-restore', IN_OUTPUT));
    expect([e.message, e.status]).toEqual(['iptables-restore: line 3 failed', 1]);
    const n = refusal(() => sh('iptables-nft-restore', IN_OUTPUT));
    expect(n.status).toBe(4);
    expect(n.message).toContain('line 2: RULE_APPEND failed (Invalid argument): rule in chain OUTPUT');
  });

  it('says the same for any table the kernel refuses, and ip6tables-legacy-restore its own name', () => {
    const sh = host();
    const dnat = '*filter\n-A INPUT -p tcp -j DNAT --to-destination 1.2.3.4\nCOMMIT\n';
    expect(refusal(() => sh('iptables-legacy-restore', dnat)).message).toBe(
      'iptables-restore: line 3 failed',
    );
    const loop = '*filter\n:A - [0:0]\n:B - [0:0]\n-A A -j B\n-A B -j A\n-A INPUT -j A\nCOMMIT\n';
    expect(refusal(() => sh('iptables-legacy-restore', loop)).message).toBe(
      'iptables-restore: line 7 failed',
    );
    expect(refusal(() => sh('ip6tables-legacy-restore', IN_OUTPUT)).message).toBe(
      'ip6tables-restore: line 3 failed',
    );
  });

  it('takes --physdev-out in a user chain nothing jumps to', () => {
    const sh = host();
    sh(
      'iptables-legacy-restore',
      '*filter\n:UC - [0:0]\n-A UC -m physdev --physdev-out p0 -j ACCEPT\nCOMMIT\n',
    );
    expect(sh('iptables-legacy -S UC')).toBe('-N UC\n-A UC -m physdev --physdev-out p0 -j ACCEPT');
  });
});
