/**
 * The lab script must stay inside namespaces it creates: every command that touches the
 * network runs in a prefixed namespace, and every namespace it names carries the prefix.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { labScript } from '../src/engine/lab/script';
import { rewriteArgv } from '../src/engine/lab/rewrite';
import { scenario } from './helpers';

const ids = readdirSync('scenarios')
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''));

/** Lines that run a networking tool, with the namespace they act in. */
function networkLines(script: string): string[] {
  return script
    .split('\n')
    .filter(
      (l) =>
        !l.startsWith('#') &&
        /(^|[;&|]\s*)(ip|tcpdump|ping|sysctl|socat|route|brctl|bridge|ifconfig)\b/.test(l),
    );
}

describe('lab script', () => {
  for (const id of ids) {
    const s = scenario(id);
    const flow = s.flows[0]?.id;
    const script = labScript(s, { flow, capture: { dir: '/tmp/x', points: [] } });

    it(`${id}: runs every network command inside a pj- namespace`, () => {
      for (const line of networkLines(script)) {
        for (const part of line.replace(/"[^"]*;[^"]*"|'[^']*;[^']*'/g, '"…"').split(/;\s*|&&\s*|\|\|\s*/)) {
          const p = part.trim();
          if (
            !p ||
            /^(for|do|done|if|then|fi|need|quiet_ns|echo|sleep|set|trap|\[|MISSING|PIDS|LAB_NETNS|cleanup|kill|wait|grep|mkdir|apt-get|true|printf 'netns del %s)/.test(
              p,
            )
          )
            continue;
          if (p.startsWith('ip ')) {
            // `ip -batch -` reads its lines from a here-document (checked below) or, in the
            // teardown, `netns del` of the script's own namespaces.
            expect(p, line).toMatch(
              /^ip (netns (exec|add|del) (pj-|"\$n")|-n (pj-|"\$n")|netns pids "\$n"|-batch - <<'LAB_NETNS_ADD'$|-force -batch - 2>\/dev\/null$)/,
            );
          } else {
            throw new Error(`network command outside a namespace: ${line}`);
          }
        }
      }
    });

    it(`${id}: feeds \`ip -batch\` only namespaces of its own`, () => {
      const batch = /^ip -batch - <<'LAB_NETNS_ADD'\n([^]*?)\nLAB_NETNS_ADD$/m.exec(script);
      expect(batch).not.toBeNull();
      for (const l of batch![1]!.split('\n')) expect(l).toMatch(/^netns add pj-[\w.-]+$/);
      expect(script).toContain(`printf 'netns del %s\\n' "\${LAB_NETNS[@]}" | ip -force -batch -`);
    });

    it(`${id}: names only prefixed namespaces`, () => {
      for (const m of script.matchAll(/(?:netns (?:add|del|exec)|-n|netns) ([^\s;]+)/g)) {
        const name = m[1]!;
        if (name.startsWith('"$') || name === 'pids' || name === "%s\\n'") continue;
        expect(name, m[0]).toMatch(/^pj-/);
      }
    });
  }

  it('prefixes the namespace names inside ip commands, exec included', () => {
    const p = (n: string) => `pj-${n}`;
    expect(rewriteArgv(['ip', 'netns', 'exec', 'ns1', 'ip', 'link', 'set', 'x', 'netns', 'ns2'], p)).toEqual([
      'ip',
      'netns',
      'exec',
      'pj-ns1',
      'ip',
      'link',
      'set',
      'x',
      'netns',
      'pj-ns2',
    ]);
    expect(rewriteArgv(['ip', '-n', 'pod', 'route'], p)).toEqual(['ip', '-n', 'pj-pod', 'route']);
    expect(
      rewriteArgv(['ip', 'link', 'add', 'v', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', 'pod1'], p),
    ).toEqual(['ip', 'link', 'add', 'v', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', 'pj-pod1']);
  });

  it('quotes words so a hostile argument cannot break out of the command', () => {
    const s = scenario('veth-pair');
    const script = labScript(s, { prefix: 'pj-' });
    expect(script).not.toMatch(/\$\(rm|`/);
  });
});

describe('a chain of flows in one build', () => {
  const s = scenario('veth-pair');
  const [a, b] = s.flows.map((f) => f.id);

  it('clears what a flow left before the next one and marks each window', () => {
    const script = labScript(s, { flow: a!, then: [b ?? a!], capture: { dir: '/tmp/x', points: [] } });
    const lines = script.split('\n');
    const start = (id: string): number => lines.findIndex((l) => l.startsWith(`echo "start ${id} `));
    const second = lines.findIndex((l, i) => i > start(a!) && l.startsWith('echo "start '));
    const flush = lines.findIndex((l) => l === 'neigh flush all');
    expect(start(a!)).toBeGreaterThan(0);
    // The reset sits between the first flow's end mark and the second flow's start.
    expect(flush).toBeGreaterThan(lines.findIndex((l) => l.startsWith(`echo "end ${a!} `)));
    expect(flush).toBeLessThan(second);
    expect(script).toContain('route flush cache');
    expect(script).toContain(`>/tmp/x/flow-${a!}.out`);
  });

  it('leaves a single flow as it was: no reset; its window marked', () => {
    const script = labScript(s, { flow: a!, capture: { dir: '/tmp/x', points: [] } });
    expect(script).not.toContain('neigh flush all');
    // The captures start during the settle: the window keeps earlier frames out of the flow's.
    expect(script).toMatch(new RegExp(`echo "start ${a!} .*>>/tmp/x/marks`));
    expect(script).toMatch(new RegExp(`echo "end ${a!} .*>>/tmp/x/marks`));
    expect(script).toContain('>/tmp/x/flow.out');
  });
});
