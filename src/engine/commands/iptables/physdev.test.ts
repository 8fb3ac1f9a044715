/**
 * -m physdev (libxt_physdev): parsing, `iptables -S` and `iptables -L -n` as iptables 1.8.9
 * (nf_tables) prints them, and the refusals. test/fixtures/iptables/physdev-{S,L}.txt were
 * captured from the real iptables in a scratch namespace after appending the RULES below to
 * FORWARD (`ip netns exec px iptables -A FORWARD -m physdev <rule> -j ACCEPT`, then
 * `iptables -S FORWARD` and `iptables -L FORWARD -n`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../../kernel/errors';
import { World } from '../../kernel/world';
import { runCommand } from '../index';

const FIX = join(__dirname, '../../../../test/fixtures/iptables');
const V = 'iptables v1.8.9 (nf_tables): ';
const TRY = "Try `iptables -h' or 'iptables --help' for more information.";

const RULES = [
  '--physdev-is-bridged',
  '! --physdev-is-bridged',
  '--physdev-in veth1',
  '! --physdev-in veth+',
  '--physdev-out eth0',
  '! --physdev-out eth0',
  '--physdev-is-in',
  '! --physdev-is-in',
  '--physdev-is-out',
  '! --physdev-is-out',
  '--physdev-in a0 --physdev-out b0 --physdev-is-bridged',
  '--physdev-is-out --physdev-is-in --physdev-out x --physdev-in y',
  '! --physdev-is-in ! --physdev-out x ! --physdev-is-bridged',
];

function host() {
  const world = new World('physdev-test');
  const machine = world.addMachine('h');
  const sh = (line: string): string =>
    runCommand({ world, machine, ns: machine.root, origin: 'test' }, line).output;
  return sh;
}

describe('iptables -m physdev', () => {
  const sh = host();
  for (const r of RULES) sh(`iptables -A FORWARD -m physdev ${r} -j ACCEPT`);

  it('-S prints the options in libxt_physdev order, each with its `!`', () => {
    expect(sh('iptables -S FORWARD')).toBe(readFileSync(join(FIX, 'physdev-S.txt'), 'utf8').trimEnd());
  });

  it('-L -n prints "PHYSDEV match" and the same options', () => {
    expect(sh('iptables -L FORWARD -n')).toBe(readFileSync(join(FIX, 'physdev-L.txt'), 'utf8').trimEnd());
  });

  it.each([
    ['', 'PHYSDEV: no physdev option specified'],
    ['--physdev-in a --physdev-in b', 'physdev: option "--physdev-in" can only be used once.\n'],
    ['--physdev-is-in --physdev-is-in', 'physdev: option "--physdev-is-in" can only be used once.\n'],
    [
      '--physdev-in aaaaaaaaaaaaaaaaaaaaa',
      "interface name `aaaaaaaaaaaaaaaaaaaaa' must be shorter than IFNAMSIZ (15)",
    ],
    ['--physdev-foo', 'unknown option "--physdev-foo"'],
  ])('refuses -m physdev %s as iptables 1.8.9 does', (opts, msg) => {
    const run = () => host()(`iptables -A FORWARD -m physdev ${opts} -j ACCEPT`.replace('  ', ' '));
    expect(run).toThrow(CommandError);
    try {
      run();
    } catch (e) {
      expect((e as CommandError).message).toBe(`${V}${msg}\n${TRY}`);
      expect((e as CommandError).status).toBe(2);
    }
  });
});

/**
 * physdev_mt_check (net/netfilter/xt_physdev.c) refuses --physdev-out and --physdev-is-out
 * where OUTPUT can run the rule, unless --physdev-is-bridged (not inverted) is given. Measured
 * in a scratch namespace (iptables 1.8.9, Linux 6.18): nf_tables refuses it in OUTPUT of
 * filter, nat, mangle and raw with exit 4, legacy with exit 1 and libiptc's errno line; in a
 * user chain nf_tables accepts it and the jump from OUTPUT too, legacy refuses the jump.
 */
describe('physdev --physdev-out in OUTPUT', () => {
  const refused = (line: string): CommandError => {
    try {
      host()(line);
    } catch (e) {
      return e as CommandError;
    }
    throw new Error(`accepted: ${line}`);
  };

  it.each([
    ['filter', '--physdev-out p0'],
    ['nat', '--physdev-out p0'],
    ['mangle', '--physdev-is-out'],
    ['raw', '--physdev-is-out'],
    ['filter', '--physdev-is-out ! --physdev-is-bridged'],
  ])('is refused in %s OUTPUT with %s', (table, opts) => {
    const e = refused(`iptables -t ${table} -A OUTPUT -m physdev ${opts}`);
    expect(e.message.split('\n')[0]).toBe(`${V} RULE_APPEND failed (Invalid argument): rule in chain OUTPUT`);
    expect(e.status).toBe(4);
  });

  it('is accepted with --physdev-is-bridged, and --physdev-in is accepted alone', () => {
    const sh = host();
    sh('iptables -A OUTPUT -m physdev --physdev-out p0 --physdev-is-bridged');
    sh('iptables -t nat -A OUTPUT -m physdev --physdev-in p0');
    sh('iptables -A OUTPUT -m physdev --physdev-is-bridged');
    expect(sh('iptables -S OUTPUT').split('\n')).toHaveLength(3);
  });

  it('iptables-legacy says it as libiptc does, exit 1', () => {
    const e = refused('iptables-legacy -A OUTPUT -m physdev --physdev-out p0');
    expect(e.message.split('\n')[0]).toBe("iptables: Invalid argument. Run `dmesg' for more information.");
    expect(e.status).toBe(1);
  });

  it('in a user chain: nf_tables takes the jump from OUTPUT, legacy refuses it', () => {
    const sh = host();
    for (const t of ['iptables', 'iptables-legacy']) {
      sh(`${t} -N UC`);
      sh(`${t} -A UC -m physdev --physdev-out p0`);
    }
    sh('iptables -A OUTPUT -j UC');
    expect(() => sh('iptables-legacy -A OUTPUT -j UC')).toThrow("iptables: Invalid argument. Run `dmesg'");
  });
});
