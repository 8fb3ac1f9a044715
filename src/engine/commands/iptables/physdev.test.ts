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
