/**
 * Writes the JSON Schemas editors and other tools use, generated from the engine's zod
 * schemas: schema/scenario.schema.json and schema/trace.schema.json.
 * Run with `npm run schemas`; a unit test fails when the files are out of date.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scenarioJsonSchema } from '../src/engine/scenario/schema';
import { traceJsonSchema } from '../src/engine/sim/trace-schema';

export const SCHEMAS: Record<string, () => Record<string, unknown>> = {
  'schema/scenario.schema.json': scenarioJsonSchema,
  'schema/trace.schema.json': traceJsonSchema,
};

export function renderSchema(make: () => Record<string, unknown>): string {
  return JSON.stringify(make(), null, 2) + '\n';
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [rel, make] of Object.entries(SCHEMAS)) {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, renderSchema(make));
    console.log(`wrote ${rel}`);
  }
}
