/**
 * Data about the built-in scenarios, computed at build time (build only: the dev server and the
 * tests get empty modules, and the page computes the same in the worker):
 * - `virtual:prelaid`: their layouts (./prelaid.ts), one small chunk per scenario, fetched with the
 *   scenario; a topology that is not there is laid out by ELK in the page;
 * - `virtual:catalog`: the catalog (./catalog.ts), so the page need not wait for the worker to parse
 *   every scenario before it opens one.
 *
 * ELK's results are cached on disk by a hash of ELK's input (the graph), so a build recomputes only
 * the layouts whose graph changed.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runnerImport, type Plugin } from 'vite';

const INDEX = 'virtual:prelaid';
const PREFIX = 'virtual:prelaid/';
const CATALOG = 'virtual:catalog';

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
  return {
    name: 'packet-journey-build-data',
    configResolved(config) {
      build = config.command === 'build';
    },
    resolveId(id) {
      return id === INDEX || id === CATALOG || id.startsWith(PREFIX) ? `\0${id}` : null;
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
        return `export const catalog = ${JSON.stringify(builtinCatalog(dir))};\n`;
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
