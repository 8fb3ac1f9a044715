/**
 * The embed view (`?embed=1&panel=<id>`): canvas, playback controls and one panel, for an iframe in
 * slides or a blog post. The state comes from the same link parameters as the full page.
 */
import type { ReactNode } from 'react';
import { CanvasSlot } from '../layout/CanvasSlot';
import { Controls } from '../controls/Controls';
import { CapturePanel } from '../panels/CapturePanel';
import { ConntrackPanel } from '../panels/ConntrackPanel';
import { EventLogPanel } from '../panels/EventLogPanel';
import { ExplanationPanel } from '../panels/ExplanationPanel';
import { HeaderStackPanel } from '../panels/HeaderStackPanel';
import { IptablesPanel } from '../panels/IptablesPanel';
import { LazyNftablesPanel } from '../panels/LazyNftablesPanel';
import { FdbPanel, NeighborsPanel, RoutesPanel } from '../panels/tablePanels';
import { parseQuery } from '../share/link';
import { PanelStateProvider } from '../state/panelState';
import { fmt } from '../share/strings';
import type { PanelId } from '../state/store';

const PANELS: Partial<Record<PanelId, () => ReactNode>> = {
  routes: () => <RoutesPanel />,
  neigh: () => <NeighborsPanel />,
  fdb: () => <FdbPanel />,
  iptables: () => <IptablesPanel />,
  nftables: () => <LazyNftablesPanel />,
  conntrack: () => <ConntrackPanel />,
  headers: () => <HeaderStackPanel />,
  capture: () => <CapturePanel />,
  events: () => <EventLogPanel />,
  explanation: () => <ExplanationPanel />,
};

export default function EmbedApp() {
  const panel = parseQuery(window.location.search).panel ?? 'headers';
  const render = PANELS[panel];
  // The full page at the same state: the same link without embed.
  const full = new URL(window.location.href);
  full.searchParams.delete('embed');
  full.searchParams.delete('panel');
  return (
    <div
      data-testid="embed-view"
      className="flex h-screen flex-col gap-2 bg-slate-100 p-2 text-slate-900 dark:bg-slate-950 dark:text-slate-100"
    >
      <div className="grid min-h-0 flex-1 grid-cols-1 gap-2 md:grid-cols-[minmax(0,1fr)_minmax(0,22rem)]">
        <div className="min-h-56">
          <CanvasSlot />
        </div>
        <div className="flex min-h-0 flex-col">
          <PanelStateProvider>{render ? render() : <p>{fmt('embed.noPanel')}</p>}</PanelStateProvider>
        </div>
      </div>
      <div className="flex items-center gap-2">
        <div className="min-w-0 flex-1">
          <Controls />
        </div>
        <a
          href={full.toString()}
          target="_blank"
          rel="noopener noreferrer"
          className="text-xs whitespace-nowrap text-sky-800 underline dark:text-sky-300"
        >
          {fmt('embed.open')}
        </a>
      </div>
    </div>
  );
}
