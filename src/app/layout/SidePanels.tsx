/**
 * The side column's panels (tables, captures, the event log, the terminal): a chunk of its own. The
 * column is drawn once the browser is first idle (WhenIdle), so the first paint never waits for it.
 */
import { CapturePanel } from '../panels/CapturePanel';
import { ConntrackPanel } from '../panels/ConntrackPanel';
import { EventLogPanel } from '../panels/EventLogPanel';
import { HeaderStackPanel } from '../panels/HeaderStackPanel';
import { IptablesPanel } from '../panels/IptablesPanel';
import { LazyNftablesPanel } from '../panels/LazyNftablesPanel';
import { hasNftables } from '../panels/trace-select';
import { FdbPanel, NeighborsPanel, RoutesPanel } from '../panels/tablePanels';
import { ChangesPanel } from '../share/ChangesPanel';
import { Terminal } from '../terminal/Terminal';
import { useT } from '../i18n';
import { useApp } from '../state/useApp';
import { SideColumn } from './SideColumn';

export default function SidePanels() {
  // A language switch redraws the panels: some read their words (fmt) without subscribing.
  useT();
  // The nftables panel joins when the journey's world has an nftables ruleset.
  const nft = useApp((s) => hasNftables(s.trace, s.netnsTables));
  return (
    <SideColumn
      panels={{
        headers: <HeaderStackPanel />,
        capture: <CapturePanel />,
        routes: <RoutesPanel />,
        neigh: <NeighborsPanel />,
        fdb: <FdbPanel />,
        iptables: <IptablesPanel />,
        ...(nft ? { nftables: <LazyNftablesPanel /> } : {}),
        conntrack: <ConntrackPanel />,
        events: <EventLogPanel />,
        terminal: <Terminal />,
        changes: <ChangesPanel />,
      }}
    />
  );
}
