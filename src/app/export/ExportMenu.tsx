/** Downloads: the canvas at this step (PNG, SVG), the Trace (JSON), its captures (pcapng), the scenario (YAML). */
import { useState } from 'react';
import { download } from '../share/download';
import { fmt } from '../share/strings';
import { appStore } from '../state/store';
import { useApp } from '../state/useApp';
import { callWorker } from '../worker/client';

const item =
  'block w-full rounded px-2 py-1 text-left text-sm hover:bg-slate-100 disabled:opacity-40 dark:hover:bg-slate-800';

export type ExportKind = 'png' | 'svg' | 'json' | 'pcapng' | 'yaml';

export function exportName(kind: ExportKind, scenario: string, flow: string, step: number): string {
  if (kind === 'yaml') return `${scenario}.yaml`;
  if (kind === 'json') return `${scenario}-${flow}.trace.json`;
  if (kind === 'pcapng') return `${scenario}-${flow}.pcapng`;
  return `${scenario}-${flow}-step${step}.${kind}`;
}

function canvasSvg(): SVGSVGElement | null {
  return document.querySelector<SVGSVGElement>('.pj-canvas svg[data-ready="true"]');
}

export async function runExport(kind: ExportKind): Promise<void> {
  const s = appStore.getState();
  const scenario = s.scenarioId ?? 'scenario';
  const flow = s.flowId ?? 'flow';
  const name = exportName(kind, scenario, flow, s.step);
  if (kind === 'png' || kind === 'svg') {
    const svg = canvasSvg();
    if (!svg) throw new Error(fmt('export.noCanvas'));
    const { exportSvg } = await import('../canvas/exportSvg');
    // The packet strip under the drawing is part of the step: it comes along.
    const strip = svg.closest('.pj-canvas')?.querySelector<HTMLElement>('[data-testid="packet-strip"]');
    const text = exportSvg(svg, strip);
    if (kind === 'svg') return download(name, text, 'image/svg+xml');
    const { svgToPng } = await import('./png');
    return download(name, await svgToPng(text), 'image/png');
  }
  if (kind === 'yaml') {
    const text = s.scenarioText ?? (await callWorker({ type: 'source', scenarioId: scenario }));
    return download(name, text, 'text/yaml');
  }
  if (!s.trace) throw new Error(fmt('export.noCanvas'));
  if (kind === 'json') return download(name, JSON.stringify(s.trace, null, 2), 'application/json');
  const bytes = await callWorker({ type: 'pcapng', trace: s.trace });
  return download(name, bytes as Uint8Array<ArrayBuffer>, 'application/vnd.tcpdump.pcap');
}

export function ExportMenu() {
  const hasTrace = useApp((s) => s.trace !== null);
  const [error, setError] = useState<string | null>(null);
  const run = (kind: ExportKind) => {
    setError(null);
    runExport(kind).catch((e: unknown) =>
      setError(fmt('export.failed', { error: e instanceof Error ? e.message : String(e) })),
    );
  };
  const entries: [ExportKind, string][] = [
    ['png', fmt('export.png')],
    ['svg', fmt('export.svg')],
    ['json', fmt('export.json')],
    ['pcapng', fmt('export.pcapng')],
    ['yaml', fmt('export.yaml')],
  ];
  return (
    <details className="relative">
      <summary className="inline-flex h-8 cursor-pointer list-none items-center rounded-md border border-slate-300 bg-white px-2.5 text-sm text-slate-800 hover:bg-slate-100 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100 dark:hover:bg-slate-700">
        {fmt('export.button')}
      </summary>
      <div className="absolute right-0 z-20 mt-1 w-52 rounded-md border border-slate-300 bg-white p-1 shadow-lg dark:border-slate-600 dark:bg-slate-900">
        {entries.map(([kind, label]) => (
          <button
            key={kind}
            type="button"
            className={item}
            disabled={kind !== 'yaml' && !hasTrace}
            onClick={() => run(kind)}
          >
            {label}
          </button>
        ))}
        {error && (
          <p role="alert" className="px-2 py-1 text-xs text-red-800 dark:text-red-200">
            {error}
          </p>
        )}
      </div>
    </details>
  );
}
