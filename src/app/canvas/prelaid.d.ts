/** Built by scripts/prelaid-plugin.ts: per built-in scenario, ELK's layouts by topology key (empty in dev). */
declare module 'virtual:prelaid' {
  import type { ElkNode } from 'elkjs/lib/elk-api';
  export const prelaid: Record<string, () => Promise<{ default: Record<string, ElkNode> }>>;
}
