/**
 * addrconf's link readiness: measured on this kernel (6.18) in a namespace, a veth that
 * comes up while its peer is down has no IPv6 address; it gets its link-local address when
 * the peer comes up, and keeps it when the peer goes down again.
 */
import { describe, expect, it } from 'vitest';
import { buildWorld, loadScenario, runCommand } from '../src/engine';

const YAML = `version: 1
id: t
group: Basics
ipv6: true
concept: { en: t, zh: t }
title: { en: t, zh: t }
description: { en: t, zh: t }
machines:
  h:
    setup:
      - ip link add va type veth peer name vb
      - ip link set va address 02:00:00:00:00:0a
`;

describe('addrconf: the link-local address waits for the carrier', () => {
  const { world: w } = buildWorld(loadScenario(YAML, 't.yaml'));
  const run = (line: string): string =>
    runCommand(
      { world: w, machine: w.machines.get('h')!, ns: w.machines.get('h')!.root, origin: 'test' },
      line,
    ).output;

  it('gives none to a veth whose peer is down, then one when the peer comes up, and keeps it', () => {
    run('ip link set va up');
    expect(run('ip -6 addr show dev va')).toBe('');
    expect(run('ip -6 route')).not.toContain('dev va');
    run('ip link set vb up');
    expect(run('ip -6 addr show dev va')).toContain('inet6 fe80::ff:fe00:a/64 scope link');
    expect(run('ip -6 route')).toContain('fe80::/64 dev va proto kernel metric 256 pref medium');
    run('ip link set vb down');
    expect(run('ip -6 addr show dev va')).toContain('inet6 fe80::ff:fe00:a/64 scope link');
  });
});
