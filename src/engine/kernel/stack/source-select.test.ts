/**
 * The source a route gives a local packet (fib_result_prefsrc: inet_select_addr with the
 * route's own scope). Expected lines are `ip route get` on the lab's kernel 6.18 for the
 * same commands.
 */
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../commands';
import { World } from '../world';

function host() {
  const world = new World('src-test');
  const machine = world.addMachine('h');
  const sh = (line: string): string =>
    runCommand({ world, machine, ns: machine.root, origin: 'test' }, line).output;
  for (const line of [
    'ip link set lo up',
    'ip link add eth0 type veth peer name x0',
    'ip addr add 10.11.0.10/24 dev eth0',
    'ip link set eth0 up',
    'ip link add vp type veth peer name vq',
    'ip link set vp up',
    'ip route add 10.101.0.3/32 dev vp',
  ])
    sh(line);
  return sh;
}

describe('inet_select_addr with the route scope', () => {
  it('gives a device route on an address-less veth another device address, never lo', () => {
    expect(host()('ip route get 10.101.0.3')).toBe('10.101.0.3 dev vp src 10.11.0.10 uid 0 \n    cache ');
  });

  it('lets a link-scope route use a link-scope address, and a gatewayed route not', () => {
    const sh = host();
    sh('ip addr add 169.254.5.5/16 dev vp scope link');
    expect(sh('ip route get 10.101.0.3')).toBe('10.101.0.3 dev vp src 169.254.5.5 uid 0 \n    cache ');
    sh('ip route add 10.102.0.0/24 via 169.254.5.6 dev vp');
    expect(sh('ip route get 10.102.0.1')).toBe(
      '10.102.0.1 via 169.254.5.6 dev vp src 10.11.0.10 uid 0 \n    cache ',
    );
  });
});
