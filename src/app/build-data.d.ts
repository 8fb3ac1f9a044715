/** Built by scripts/build-data-plugin.ts (empty in the dev server and the tests). */
declare module 'virtual:prelaid' {
  import type { ElkNode } from 'elkjs/lib/elk-api';
  /** Per built-in scenario: ELK's layouts of its topologies, by the canvas's topology key. */
  export const prelaid: Record<string, () => Promise<{ default: Record<string, ElkNode> }>>;
}

declare module 'virtual:catalog' {
  /** The built-in scenarios' catalog (ScenarioInfo[]), as the worker's `catalog` request answers it; null in dev. */
  export const catalog: unknown[] | null;
}

declare module 'virtual:pretraced' {
  /** Per built-in scenario, per flow: where its Trace with no change made is (pass it to pretracedUrl). */
  export const pretraced: Record<string, Record<string, string>>;
  export function pretracedUrl(path: string): string;
}
