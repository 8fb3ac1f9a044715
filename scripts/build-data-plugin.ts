/**
 * Data about the built-in scenarios, computed at build time (build only: the dev server and the
 * tests get empty modules, and the page computes the same in the worker):
 * - `virtual:prelaid`: their layouts (./prelaid.ts), one small chunk per scenario, fetched with the
 *   scenario; a topology that is not there is laid out by ELK in the page;
 * - `virtual:catalog`: the catalog (./catalog.ts), so the page need not wait for the worker to parse
 *   every scenario before it opens one;
 * - `virtual:pretraced`: where the Trace of every flow with no change made (./pretraced.ts) is, a
 *   JSON file per flow, so a built-in journey opens without waiting for the trace worker.
 *
 * ELK's results are cached on disk by a hash of ELK's input (the graph), so a build recomputes only
 * the layouts whose graph changed.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runnerImport, type Plugin, type Rollup } from 'vite';

const INDEX = 'virtual:prelaid';
const PREFIX = 'virtual:prelaid/';
const CATALOG = 'virtual:catalog';
const TRACES = 'virtual:pretraced';
/** Where the built flows' Traces are written (the service worker does not precache them: see sw-plugin.ts). */
export const TRACES_DIR = 'assets/traces/';

export function buildDataPlugin(root: string): Plugin {
  const dir = path.join(root, 'scenarios');
  const cacheDir = path.join(root, 'node_modules', '.cache', 'packet-journey-prelaid');
  let build = false;
  // Through Vite's module runner, not an import: the config would otherwise bundle the engine and
  // ELK into itself for every dev server, test run and preview. Once per build, for every scenario.
  const runner = <T>(file: string) =>
    runnerImport<T>(path.join(root, file), { configFile: false, logLevel: 'warn' }).then((r) => r.module);
  let data: Promise<typeof import('./build-data')> | null = null;
  const load = () => (data ??= runner<typeof import('./build-data')>('scripts/build-data.ts'));
  /**
   * `virtual:pretraced`: per scenario, per flow, where its Trace is: a JSON file of its own under
   * assets/traces/, named by a hash of its contents. Data fetched, not a module imported: a file that
   * does not arrive (offline, where they are not precached) is not a broken part of the page.
   */
  function loadTraces(this: Rollup.PluginContext, traced: typeof import('./build-data')): string {
    const entries = scenarioIds(dir).map((s) => {
      const file = path.join(dir, `${s}.yaml`);
      this.addWatchFile(file);
      const flows: string[] = [];
      for (const f of traced.pretracedFlows(file, `scenarios/${s}.yaml`)) {
        const trace = traced.pretracedTrace(file, `scenarios/${s}.yaml`, f);
        if (!trace) continue;
        const source = JSON.stringify(trace);
        const hash = createHash('sha256').update(source).digest('hex').slice(0, 12);
        const fileName = `${TRACES_DIR}${s}/${f}-${hash}.json`;
        this.emitFile({ type: 'asset', fileName, source });
        flows.push(`${JSON.stringify(f)}: ${JSON.stringify(fileName.slice('assets/'.length))}`);
      }
      return `${JSON.stringify(s)}: {${flows.join(',\n')}}`;
    });
    return `export const pretraced = {${entries.join(',\n')}};
export const pretracedUrl = (p) => new URL(p, import.meta.url).href;
`;
  }

  return {
    name: 'packet-journey-build-data',
    configResolved(config) {
      build = config.command === 'build';
    },
    resolveId(id) {
      return id === INDEX || id === CATALOG || id === TRACES || id.startsWith(PREFIX) ? `\0${id}` : null;
    },
    async load(id) {
      if (id === `\0${INDEX}`) {
        const ids = build
          ? readdirSync(dir)
              .filter((f) => f.endsWith('.yaml'))
              .map((f) => f.slice(0, -'.yaml'.length))
          : [];
        const entries = ids.map((s) => `${JSON.stringify(s)}: () => import(${JSON.stringify(PREFIX + s)})`);
        return `export const prelaid = {${entries.join(',\n')}};\n`;
      }
      if (id === `\0${CATALOG}`) {
        if (!build) return 'export const catalog = null;\n';
        for (const f of readdirSync(dir)) if (f.endsWith('.yaml')) this.addWatchFile(path.join(dir, f));
        const { builtinCatalog } = await load();
        // As a JSON string: V8 parses a large literal as JSON several times faster than as JavaScript
        // (https://v8.dev/blog/cost-of-javascript-2019#json), and this one is evaluated on the first screen.
        return `export const catalog = JSON.parse(${JSON.stringify(JSON.stringify(builtinCatalog(dir)))});\n`;
      }
      if (id === `\0${TRACES}`) {
        // The dev server and the tests have none: the worker traces every flow there.
        if (!build) return 'export const pretraced = {};\nexport const pretracedUrl = (p) => p;\n';
        return loadTraces.call(this, await load());
      }
      if (!id.startsWith(`\0${PREFIX}`)) return null;
      const scenario = id.slice(`\0${PREFIX}`.length);
      const file = path.join(dir, `${scenario}.yaml`);
      this.addWatchFile(file);
      const { prelaidLayouts } = await load();
      const layouts = await prelaidLayouts(file, `scenarios/${scenario}.yaml`, cached(cacheDir));
      return `export default ${JSON.stringify(layouts)};\n`;
    },
  };
}

/** The built-in scenarios' ids: the YAML files in `dir`. */
function scenarioIds(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length));
}

/** A disk cache of ELK's results by a hash of its input. */
function cached(cacheDir: string) {
  return async <T>(input: unknown, compute: () => Promise<T>): Promise<T> => {
    const hash = createHash('sha256').update(JSON.stringify(input)).digest('hex');
    const file = path.join(cacheDir, `${hash}.json`);
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as T;
    } catch {
      const out = await compute();
      mkdirSync(cacheDir, { recursive: true });
      writeFileSync(file, JSON.stringify(out));
      return out;
    }
  };
}
