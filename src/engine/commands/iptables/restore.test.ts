/**
 * iptables-restore then iptables-save: real dumps come back byte for byte. The fixtures in
 * test/fixtures/iptables were checked against the real iptables 1.8.9 (nf_tables): restored
 * into a scratch network namespace, its iptables-save printed them unchanged.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../../kernel/errors';
import { World } from '../../kernel/world';
import { runCommand } from '../index';
import { saveTables, tableRows } from './format';
import { applyRestore, splitRestoreLine } from './restore';
import { IptablesState } from '../../kernel/netfilter/state';

const FIX = join(__dirname, '../../../../test/fixtures/iptables');
const fixture = (name: string): string => readFileSync(join(FIX, name), 'utf8');
const RTRY = "Try `iptables-restore -h' or 'iptables-restore --help' for more information.";
const RV = 'iptables-restore v1.8.9 (nf_tables): ';

function host() {
  const world = new World('restore-test');
  const machine = world.addMachine('h');
  const ns = machine.root;
  const sh = (line: string): string => runCommand({ world, machine, ns, origin: 'test' }, line).output;
  const save = (counters = false): string => saveTables(ns.iptables ?? new IptablesState(), { counters });
  const restore = (text: string, opts?: { noflush?: boolean; counters?: boolean }): void =>
    applyRestore(ns, text, 'restore', opts);
  const err = (text: string, opts?: { noflush?: boolean }): [string, number] => {
    const before = save(true);
    try {
      restore(text, opts);
    } catch (e) {
      if (!(e instanceof CommandError)) throw e;
      expect(save(true)).toBe(before);
      return [e.message, e.status];
    }
    throw new Error('expected the restore to fail');
  };
  return { ns, sh, save, restore, err };
}

describe('iptables-restore | iptables-save round trip', () => {
  it('a Docker host (DOCKER, DOCKER-USER, isolation chains, MASQUERADE, DNAT for -p 8080:80)', () => {
    const { restore, save, sh } = host();
    const dump = fixture('docker-host.save');
    restore(dump);
    expect(save()).toBe(dump);
    expect(sh('iptables-save')).toBe(dump.replace(/\n$/, ''));
    expect(sh('iptables -t nat -S DOCKER').split('\n')).toEqual([
      '-N DOCKER',
      '-A DOCKER -i docker0 -j RETURN',
      '-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80',
    ]);
    expect(sh('iptables -S FORWARD').split('\n')[0]).toBe('-P FORWARD DROP');
  });

  it('a kube-proxy (iptables mode) node with hundreds of rules', () => {
    const { restore, save, ns } = host();
    const dump = fixture('kube-node.save');
    expect(dump.split('\n').filter((l) => l.startsWith('-A')).length).toBeGreaterThan(400);
    restore(dump);
    expect(save()).toBe(dump);
    const nat = ns.iptables!.tables.nat;
    expect(nat.chains.get('KUBE-MARK-MASQ')!.rules[0]!.target).toEqual({
      kind: 'MARK',
      value: 0x4000,
      mask: 0x4000,
      op: 'set-xmark',
    });
    const svc = [...nat.chains.keys()].find((c) => c.startsWith('KUBE-SVC-'))!;
    expect(svc).toMatch(/^KUBE-SVC-[A-Z2-7]{16}$/);
    // Restoring the same dump again (flushing) gives the same text.
    restore(dump);
    expect(save()).toBe(dump);
  });

  it('tableRows: "*table" then the -S lines of each table, rules as formatRule prints them', () => {
    const { restore, ns } = host();
    restore(fixture('docker-host.save'));
    const rows = tableRows(ns.iptables!);
    expect(rows.slice(0, 8)).toEqual([
      '*filter',
      '-P INPUT ACCEPT',
      '-P FORWARD DROP',
      '-P OUTPUT ACCEPT',
      '-N DOCKER',
      '-N DOCKER-ISOLATION-STAGE-1',
      '-N DOCKER-ISOLATION-STAGE-2',
      '-N DOCKER-USER',
    ]);
    expect(rows).toContain('*nat');
    expect(rows).toContain('-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE');
    expect(rows).toContain(
      '-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80',
    );
  });

  it('counters: -c loads [p:b] of chains and rules; iptables -L shows them as the real one does', () => {
    const { restore, save, sh } = host();
    restore(fixture('counters.save'), { counters: true });
    expect(save(true)).toBe(fixture('counters.save-c.txt'));
    expect(sh('iptables -L -v -n')).toBe(fixture('counters.L-v-n.txt').replace(/\n$/, ''));
    expect(sh('iptables -L -v -n -x')).toBe(fixture('counters.L-v-n-x.txt').replace(/\n$/, ''));
    // Without -c the counters start at zero.
    restore(fixture('counters.save'));
    expect(save(true)).toContain(':INPUT DROP [0:0]\n');
    expect(save(true)).toContain('\n[0:0] -A INPUT -i eth0 ');
  });

  it('without --noflush replaces the table; with --noflush adds to it', () => {
    const { restore, sh } = host();
    sh('iptables -N OLD');
    sh('iptables -A INPUT -s 7.7.7.7 -j DROP');
    restore('*filter\n:X - [0:0]\n-A INPUT -s 8.8.8.8 -j X\nCOMMIT\n', { noflush: true });
    expect(sh('iptables -S').split('\n').slice(3)).toEqual([
      '-N OLD',
      '-N X',
      '-A INPUT -s 7.7.7.7/32 -j DROP',
      '-A INPUT -s 8.8.8.8/32 -j X',
    ]);
    restore('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\nCOMMIT\n');
    expect(sh('iptables -S')).toBe(
      '-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n-A INPUT -j ACCEPT',
    );
    // An empty block leaves the table as if never written.
    restore('*filter\nCOMMIT\n');
    expect(sh('iptables-save')).toBe('');
  });

  it('splits lines like iptables-restore: quotes, escapes inside quotes, empty strings', () => {
    expect(splitRestoreLine('-A X -m comment --comment "say \\"hi\\" a\\\\b a\\\'b" -j RETURN')).toEqual([
      '-A',
      'X',
      '-m',
      'comment',
      '--comment',
      `say "hi" a\\b a'b`,
      '-j',
      'RETURN',
    ]);
    expect(splitRestoreLine('-m comment --comment ""  -j  ACCEPT')).toEqual([
      '-m',
      'comment',
      '--comment',
      '',
      '-j',
      'ACCEPT',
    ]);
    // add_param_to_argv: a closing quote ends the word, with what stood before the opening one;
    // a backslash outside quotes is an ordinary character.
    expect(splitRestoreLine('\t-A  X --comment pre"a b"post a\\b')).toEqual([
      '-A',
      'X',
      '--comment',
      'prea b',
      'post',
      'a\\b',
    ]);
  });
});

describe('iptables-restore errors (atomic: nothing applied)', () => {
  const cases: [string, string, [string, number]][] = [
    [
      'a jump to a missing chain (reported at COMMIT)',
      '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j NOPE\n-A INPUT -j ACCEPT\nCOMMIT\n',
      [`${RV}Chain 'NOPE' does not exist\nError occurred at line: 5\n${RTRY}`, 2],
    ],
    [
      'a bad port',
      '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 99999 -j DROP\nCOMMIT\n',
      [`${RV}invalid port/service \`99999' specified\nError occurred at line: 3\n${RTRY}`, 2],
    ],
    [
      'DNAT in the filter table',
      '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j DNAT --to-destination 1.1.1.1\nCOMMIT\n',
      [
        `${RV}\nline 3: RULE_APPEND failed (Invalid argument): rule in chain INPUT\nDNAT is only valid in the nat table (the kernel logs: "x_tables: ip_tables: DNAT target: only valid in nat table, not filter")`,
        4,
      ],
    ],
    [
      'no COMMIT',
      '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\n',
      ['iptables-restore: COMMIT expected at line 4', 1],
    ],
    [
      'an unknown table',
      '*bogus\n:INPUT ACCEPT [0:0]\nCOMMIT\n',
      [`${RV}iptables-restore: line 1 table name 'bogus' invalid\nError occurred at line: 1\n${RTRY}`, 2],
    ],
    [
      'a bad policy',
      '*filter\n:INPUT FOO [0:0]\nCOMMIT\n',
      ['iptables-restore: line 2 failed: Bad policy name.', 1],
    ],
    [
      'a stray word',
      '*filter\n:NEW - [0:0]\n-A NEW -j ACCEPT\nfoo\nCOMMIT\n',
      [`Bad argument \`foo'\nError occurred at line: 4\n${RTRY}`, 2],
    ],
    [
      'DROP in nat',
      '*filter\n-A INPUT -j ACCEPT\nCOMMIT\n*nat\n-A PREROUTING -j DROP\nCOMMIT\n',
      [
        `${RV}\nThe "nat" table is not intended for filtering, the use of DROP is therefore inhibited.\n\n\nError occurred at line: 5\n${RTRY}`,
        2,
      ],
    ],
    ['a rule before any table', '-A INPUT -j ACCEPT\n', ['iptables-restore: line 1 failed', 1]],
    [
      '-t inside the input',
      '*filter\n:INPUT ACCEPT [0:0]\n-t nat -A INPUT -j ACCEPT\nCOMMIT\n',
      [`${RV}The -t option cannot be used in iptables-restore.\n\nError occurred at line: 3\n${RTRY}`, 2],
    ],
    [
      'a rule in an undeclared chain',
      '*filter\n:INPUT ACCEPT [0:0]\n-A NOPE -j ACCEPT\n-A INPUT -j ACCEPT\nCOMMIT\n',
      ['iptables-restore: line 3 failed: No chain/target/match by that name.', 1],
    ],
  ];
  it.each(cases)('%s', (_name, text, want) => {
    const { sh, err } = host();
    sh('iptables -A INPUT -s 7.7.7.7 -j DROP');
    sh('iptables -t nat -A POSTROUTING -j MASQUERADE');
    expect(err(text)).toEqual(want);
  });

  it('a failure in a later table leaves the earlier tables untouched too', () => {
    const { sh, err } = host();
    sh('iptables -A INPUT -s 7.7.7.7 -j DROP');
    const [msg] = err(
      '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\nCOMMIT\n*nat\n-A POSTROUTING -j DNAT --to-destination 1.1.1.1\nCOMMIT\n',
    );
    expect(msg).toBe(
      `${RV}\nline 6: RULE_APPEND failed (Invalid argument): rule in chain POSTROUTING\n` +
        'DNAT only runs from PREROUTING or OUTPUT (the kernel logs: "x_tables: ip_tables: DNAT target: used from hooks POSTROUTING, but only usable from PREROUTING/OUTPUT")',
    );
    expect(sh('iptables -S INPUT')).toBe('-P INPUT ACCEPT\n-A INPUT -s 7.7.7.7/32 -j DROP');
  });

  it('the iptables-restore command points at the scenario block', () => {
    const { sh } = host();
    expect(() => sh('iptables-restore')).toThrow(/iptables-restore:/);
  });
});
