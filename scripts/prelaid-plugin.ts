/**
 * `virtual:prelaid`: the layouts of the built-in scenarios, computed at build time (./prelaid.ts) and
 * shipped as one small chunk per scenario, fetched with the scenario. Build only: the dev server
 * lays every topology out with ELK, as an edited scenario is.
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

export function prelaidPlugin(root: string): Plugin {
  const dir = path.join(root, 'scenarios');
  const cacheDir = path.join(root, 'node_modules', '.cache', 'packet-journey-prelaid');
  let build = false;
  // Through Vite's module runner, not an import: the config would otherwise bundle the engine and
  // ELK into itself for every dev server, test run and preview. Once per build, for every scenario.
  let loader: Promise<typeof import('./prelaid')> | null = null;
  const load = () =>
    (loader ??= runnerImport<typeof import('./prelaid')>(path.join(root, 'scripts/prelaid.ts'), {
      configFile: false,
      logLevel: 'warn',
    }).then((r) => r.module));
  return {
    name: 'packet-journey-prelaid',
    configResolved(config) {
      build = config.command === 'build';
    },
    resolveId(id) {
      return id === INDEX || id.startsWith(PREFIX) ? `\0${id}` : null;
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
