/** The scenario loader on untrusted text: a ScenarioError or a scenario, quickly, never anything else. */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';

// Property runs and tshark take seconds each; on a busy 2-core machine, several times the 5 s default.
vi.setConfig({ testTimeout: 60_000 });
import { loadScenario, ScenarioError, traceFlow } from '../../engine';
import { parseErrorPlace } from '../editor/diagnostics';

function loads(text: string): 'ok' | string {
  try {
    loadScenario(text, 'edited');
    return 'ok';
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    return e.message;
  }
}

describe('the scenario loader on untrusted text', () => {
  it('any text gives a scenario or a ScenarioError', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => {
        expect(typeof loads(s)).toBe('string');
      }),
      { numRuns: 300 },
    );
  });

  it('any YAML-ish text gives a scenario or a ScenarioError with a line', () => {
    const token = fc.constantFrom(
      'version: 1',
      'id: x',
      'machines:',
      '  a:',
      '    setup:',
      '      - ip link',
      '&a',
      '*a',
      '[',
      '{',
      '- ',
      ':',
      '"',
      '\n',
      '  ',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), (parts) => {
        const r = loads(parts.join(''));
        if (r !== 'ok') expect(parseErrorPlace(r)?.line ?? 1).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses an alias bomb quickly', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) {
      const p = String.fromCharCode(96 + i);
      const n = String.fromCharCode(97 + i);
      lines.push(`${n}: &${n} [${Array(9).fill(`*${p}`).join(',')}]`);
    }
    const t0 = Date.now();
    expect(loads(lines.join('\n'))).toMatch(/^edited:1: .*alias/i);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('refuses 50 MB before parsing', () => {
    const t0 = Date.now();
    expect(loads('x'.repeat(50 * 1024 * 1024))).toMatch(/larger than 1 MB/);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('names a machine with markup as text in the error', () => {
    const evil = '<img src=x onerror=alert(1)>';
    const yaml = `version: 1\nid: evil\ngroup: Basics\nconcept: {en: x, zh: x}\ntitle: {en: x, zh: x}\ndescription: {en: x, zh: x}\nmachines:\n  "${evil}":\n    setup: []\n`;
    expect(loads(yaml)).toContain(evil);
  });

  it('a routing loop ends in an explained drop', () => {
    const yaml = [
      'version: 1',
      'id: routing-loop',
      'group: Troubleshooting',
      'concept: {en: a loop, zh: 环路}',
      'title: {en: loop, zh: 环路}',
      'description: {en: loop, zh: 环路}',
      'segments: {lan: {}}',
      'machines:',
      '  r1:',
      '    nics: [{name: eth0, segment: lan, addr: 10.0.0.1/24}]',
      '    setup: [sysctl -w net.ipv4.ip_forward=1, ip route add 10.99.0.0/16 via 10.0.0.2]',
      '  r2:',
      '    nics: [{name: eth0, segment: lan, addr: 10.0.0.2/24}]',
      '    setup: [sysctl -w net.ipv4.ip_forward=1, ip route add 10.99.0.0/16 via 10.0.0.1]',
      'flows:',
      '  - {id: loop, netns: r1, command: ping -c 1 10.99.1.1, title: {en: loop, zh: 环路}}',
    ].join('\n');
    const t = traceFlow(loadScenario(yaml, 'edited'), 'loop');
    expect(t.verdict).toBe('dropped');
    expect(t.reason).toMatch(/TTL/);
  });
});
