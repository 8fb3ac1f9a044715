/**
 * npm run -s lab -- <scenario.yaml> [--flow ID] [--exec "NETNS: CMD"]... [--keep]
 * Prints a bash script that builds the scenario in real network namespaces.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { loadScenario, ScenarioError, CommandError } from '../engine';
import { labScript } from '../engine/lab/script';
import { parseExec, UsageError } from './trace';

export const LAB_USAGE =
  'usage: npm run -s lab -- <scenario.yaml> [--flow ID] [--exec "NETNS: COMMAND"]... [--keep]';

export function main(
  argv: string[],
  io = { out: (s: string) => process.stdout.write(s), err: (s: string) => process.stderr.write(s) },
): number {
  let values: { flow?: string; exec?: string[]; keep?: boolean; prefix?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        flow: { type: 'string' },
        exec: { type: 'string', multiple: true },
        keep: { type: 'boolean' },
        prefix: { type: 'string' },
      },
    }));
  } catch (e) {
    io.err(`lab: ${(e as Error).message}\n${LAB_USAGE}\n`);
    return 2;
  }
  if (positionals.length !== 1) {
    io.err(`${LAB_USAGE}\n`);
    return 2;
  }
  const file = positionals[0]!;
  try {
    const text = readFileSync(file, 'utf8');
    const s = loadScenario(text, file);
    const exec = (values.exec ?? []).map(parseExec);
    if (values.prefix !== undefined && !/^[a-z][a-z0-9-]{0,7}$/.test(values.prefix)) {
      io.err('lab: --prefix must be 1-8 lower-case letters, digits or "-", starting with a letter\n');
      return 2;
    }
    io.out(labScript(s, { flow: values.flow, exec, keep: values.keep, prefix: values.prefix }));
    return 0;
  } catch (e) {
    if (
      e instanceof ScenarioError ||
      e instanceof CommandError ||
      (e as NodeJS.ErrnoException).code === 'ENOENT'
    ) {
      io.err(`lab: ${(e as Error).message}\n`);
      return 2;
    }
    if (e instanceof UsageError || (e instanceof Error && /^unknown flow/.test(e.message))) {
      io.err(`lab: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  process.exit(main(process.argv.slice(2)));
