/**
 * What iptables-save prints after kube-proxy ran on a node, model against the real tool.
 * The fixture test/fixtures/kube-proxy/overall.save is real iptables 1.8.9 (nf_tables):
 * kube-proxy's commands and restore batch for the Services of TestOverallIPTablesRules
 * (svc5's session affinity included: -m recent --rcheck/--set; nfacct counters off,
 * --random-fully on, as on a node without nfnetlink_acct) were run in a scratch network
 * namespace and iptables-save printed this (dates removed).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/engine/commands/index';
import { iptablesModeWrites } from '../../src/engine/controllers/kube-proxy-iptables';
import { World } from '../../src/engine/kernel/world';
import { applyRestore } from '../../src/engine/commands/iptables/restore';
import { saveTables } from '../../src/engine/commands/iptables/format';
import { fakeProxier, overallServices } from './overall';

describe('kube-proxy iptables mode, as iptables-save prints it', () => {
  it('reads rule for rule as the real iptables-save after the same commands', () => {
    const world = new World('kube-proxy-save');
    const machine = world.addMachine('node');
    const ns = machine.root;
    const w = iptablesModeWrites(overallServices, { ...fakeProxier, nfacct: false, randomFully: true });
    for (const c of w.commands) runCommand({ world, machine, ns, origin: 'kube-proxy' }, c);
    applyRestore(ns, w.restore!, 'kube-proxy', { noflush: true, counters: true });
    const want = readFileSync(new URL('../fixtures/kube-proxy/overall.save', import.meta.url), 'utf8');
    expect(saveTables(ns.iptables!, { counters: false }).split('\n')).toEqual(want.split('\n'));
  });
});
