/** The kernel-table panels printed as plain rows (iptables and Conntrack have their own). */
import { TablePanel } from './TablePanel';
import { useT } from '../i18n';

export function RoutesPanel() {
  const { t } = useT();
  return (
    <TablePanel
      id="routes"
      title={t('routes.title')}
      table="routes"
      tool="ip route"
      missing={(netns) => t('routes.missing', { netns })}
      empty={(netns) => t('routes.empty', { netns })}
      partial={(shown, total) => t('routes.partial', { shown, total })}
    />
  );
}

export function NeighborsPanel() {
  const { t } = useT();
  return (
    <TablePanel
      id="neigh"
      title={t('neigh.title')}
      table="neigh"
      tool="ip neigh"
      missing={(netns) => t('neigh.missing', { netns })}
      empty={(netns) => t('neigh.empty', { netns })}
    />
  );
}

export function FdbPanel() {
  const { t } = useT();
  return (
    <TablePanel
      id="fdb"
      title={t('fdb.title')}
      table="fdb"
      tool="bridge fdb show"
      missing={(netns) => t('fdb.none', { netns })}
      empty={(netns) => t('fdb.none', { netns })}
    />
  );
}
