/**
 * The side column's panels (tables, captures, the event log, the terminal): a chunk of its own. The
 * column is drawn once the browser is first idle (WhenIdle), so the first paint never waits for it.
 */
import { CapturePanel } from '../panels/CapturePanel';
import { ConntrackPanel } from '../panels/ConntrackPanel';
import { EventLogPanel } from '../panels/EventLogPanel';
import { HeaderStackPanel } from '../panels/HeaderStackPanel';
import { IptablesPanel } from '../panels/IptablesPanel';
import { FdbPanel, NeighborsPanel, RoutesPanel } from '../panels/tablePanels';
import { ChangesPanel } from '../share/ChangesPanel';
import { Terminal } from '../terminal/Terminal';
import { useT } from '../i18n';
import { SideColumn } from './SideColumn';

export default function SidePanels() {
  // A language switch redraws the panels: some read their words (fmt) without subscribing.
  useT();
  return (
    <SideColumn
      panels={{
        headers: <HeaderStackPanel />,
        capture: <CapturePanel />,
        routes: <RoutesPanel />,
        neigh: <NeighborsPanel />,
        fdb: <FdbPanel />,
        iptables: <IptablesPanel />,
        conntrack: <ConntrackPanel />,
        events: <EventLogPanel />,
        terminal: <Terminal />,
        changes: <ChangesPanel />,
      }}
    />
  );
}
