/**
 * Writes the JSON Schemas editors and other tools use, generated from the engine's zod
 * schemas: schema/scenario.schema.json and schema/trace.schema.json (formatted with the
 * project's Prettier settings). Run with `npm run schemas`; a unit test fails when the
 * files are out of date.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as prettier from 'prettier';
import { scenarioJsonSchema } from '../src/engine/scenario/schema';
import { traceJsonSchema } from '../src/engine/sim/trace-schema';

export const SCHEMAS: Record<string, () => Record<string, unknown>> = {
  'schema/scenario.schema.json': scenarioJsonSchema,
  'schema/trace.schema.json': traceJsonSchema,
};

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export async function renderSchema(rel: string): Promise<string> {
  const path = join(root, rel);
  const options = (await prettier.resolveConfig(path)) ?? {};
  return prettier.format(JSON.stringify(SCHEMAS[rel]!()), { ...options, filepath: path });
}

async function main(): Promise<void> {
  for (const rel of Object.keys(SCHEMAS)) {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, await renderSchema(rel));
    console.log(`wrote ${rel}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
