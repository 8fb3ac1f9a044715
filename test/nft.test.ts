/**
 * `nft`: rulesets printed as `nft list ruleset` prints them and errors in nft's words. Every
 * expected text in test/fixtures/nft/*.out was written by the real nft 1.0.6 in a scratch
 * network namespace (scripts/nft-fixtures.sh), never by the engine.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../src/engine/commands/index';
import { CommandError } from '../src/engine/kernel/errors';
import { World } from '../src/engine/kernel/world';

const FIX = join(__dirname, 'fixtures/nft');
const fixture = (name: string): string => readFileSync(join(FIX, name), 'utf8');

function host() {
  const world = new World('nft-test');
  const machine = world.addMachine('h');
  const ctx = { world, machine, ns: machine.root, origin: 'test' };
  const sh = (line: string, stdin?: string): string =>
    runCommand(stdin === undefined ? ctx : { ...ctx, stdin }, line).output;
  return { ns: machine.root, sh };
}

/** The command's error text and exit status, as the shell would show them. */
function fails(sh: (l: string) => string, line: string): string {
  try {
    sh(line);
  } catch (e) {
    if (e instanceof CommandError) return `${e.message}\nrc=${e.status}`;
    throw e;
  }
  return `(no error) ${line}`;
}

describe('nft list ruleset matches the real nft', () => {
  for (const name of [
    'inet-filter-ip-nat',
    'ip-rule-forms',
    'priorities',
    'fib',
    'ip6-forms',
    'nat6-forms',
    'kube-proxy-dualstack',
    'kube-proxy-ip6-lb',
  ]) {
    it(`nft -f ${name}.nft`, () => {
      const { sh } = host();
      sh('nft -f -', fixture(`${name}.nft`));
      expect(`${sh('nft list ruleset')}\n`).toBe(fixture(`${name}.out`));
    });
  }

  it('one command at a time: add, insert, sets, maps, elements, flush chain', () => {
    const { sh } = host();
    for (const line of fixture('commands.txt').trim().split('\n')) sh(`nft '${line}'`);
    expect(`${sh('nft list ruleset')}\n`).toBe(fixture('commands.out'));
  });

  it('a failing batch changes nothing (one transaction)', () => {
    const { sh } = host();
    sh('nft add table ip t');
    const before = sh('nft list ruleset');
    expect(() => sh('nft -f -', 'add chain ip t c\nadd rule ip t c tcp dport 99999 accept\n')).toThrow(
      /Service out of range/,
    );
    expect(sh('nft list ruleset')).toBe(before);
  });
});

describe("nft's error messages", () => {
  it('match the real nft, line, carets and exit status', () => {
    const { sh } = host();
    sh(
      'nft -f -',
      'table ip t {\n  chain d {\n  }\n  chain busy {\n    accept\n  }\n  chain o {\n    type filter hook output priority 0;\n  }\n}\ntable inet f {\n}\n',
    );
    const got = fixture('errors.txt')
      .trim()
      .split('\n')
      .map((line) => {
        const r = fails(sh, `nft ${line}`);
        return r.startsWith('(no error)') ? '' : `${r}\n`;
      })
      .join('');
    expect(got).toBe(fixture('errors.out'));
  });

  it('IPv6 forms: match the real nft against table ip6 t and table inet f', () => {
    const { sh } = host();
    sh('nft -f -', 'table ip6 t {\n  chain d {\n  }\n}\ntable inet f {\n  chain c {\n  }\n}\n');
    const got = fixture('errors6.txt')
      .trim()
      .split('\n')
      .map((line) => `${fails(sh, `nft ${line}`)}\n`)
      .join('');
    expect(got).toBe(fixture('errors6.out'));
  });

  it('a file error names the file, line and columns', () => {
    const { sh } = host();
    expect(() => sh('nft -f -', 'table ip t {\n  chain c {\n    tcp dport 99999 accept\n  }\n}\n')).toThrow(
      '/dev/stdin:3:15-19: Error: Service out of range\n    tcp dport 99999 accept\n              ^^^^^',
    );
  });
});
