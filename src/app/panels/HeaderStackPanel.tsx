/** The header stack at this step, outermost first, Wireshark-like; changes since the packet's previous event marked. */
import { useMemo, useState } from 'react';
import { usePanelApp } from '../state/panelState';
import { Empty, Panel } from './Panel';
import { PacketBytes } from './PacketBytes';
import { fieldName, fieldValue, LAYER_NAMES, layerFields, layerSummary } from './fields';
import { diffLayers, packetEventAt, previousOfPacket } from './trace-select';
import { useT } from '../i18n';
import type { UiKey } from '../i18n/ui-en';

export function HeaderStackPanel() {
  const { t } = useT();
  const trace = usePanelApp((s) => s.trace);
  // True when this step has no packet and the stack shown is the last one seen.
  const lastSeen = usePanelApp((s) => {
    const e = s.trace ? packetEventAt(s.trace, s.step) : undefined;
    return e !== undefined && e.step !== s.step;
  });
  const [showBytes, setShowBytes] = useState(false);
  const ev = usePanelApp((s) => (s.trace ? packetEventAt(s.trace, s.step) : undefined));
  const prev = useMemo(() => (trace && ev ? previousOfPacket(trace, ev) : undefined), [trace, ev]);
  const layers = ev?.packet ?? [];
  const diffs = diffLayers(prev?.packet, layers);
  const removed = prev?.packet && prev.packet.length > layers.length ? prev.packet.length - layers.length : 0;

  return (
    <Panel
      className="flex-1"
      id="headers"
      title={t('headers.title')}
      subtitle={
        ev
          ? `${t('headers.subtitle', { id: ev.packetId ?? '?', step: ev.step })}${lastSeen ? ` ${t('headers.lastSeen')}` : ''}`
          : undefined
      }
    >
      {!ev ? (
        <Empty>{t('headers.empty')}</Empty>
      ) : (
        <div className="space-y-1">
          {removed > 0 && (
            <p className="rounded bg-sky-50 px-2 py-1 text-xs text-sky-900 dark:bg-sky-950 dark:text-sky-100">
              {t('headers.removed', {
                count: removed,
                names: prev!
                  .packet!.slice(0, removed)
                  .map((l) => l.proto.toUpperCase())
                  .join(', '),
              })}
            </p>
          )}
          {layers.map((layer, i) => {
            const d = diffs[i]!;
            return (
              <details
                key={`${i}:${layer.proto}`}
                open
                className="rounded border border-slate-200 dark:border-slate-700"
              >
                <summary className="cursor-pointer px-2 py-1 text-xs">
                  <span data-raw="">
                    <span className="font-semibold">{LAYER_NAMES[layer.proto]}</span>
                    <span className="text-slate-600 dark:text-slate-300">, {layerSummary(layer)}</span>
                  </span>
                  {d.added && (
                    <span className="ml-2 rounded bg-emerald-100 px-1 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-50">
                      {t('headers.added')}
                    </span>
                  )}
                </summary>
                <dl className="grid grid-cols-[minmax(0,11rem)_minmax(0,1fr)] gap-x-3 px-3 pb-1 font-mono text-xs leading-5">
                  {layerFields(layer).map(([k, v]) => {
                    const changed = d.changed.has(k);
                    const cls = changed
                      ? 'bg-amber-100 text-amber-950 dark:bg-amber-900/60 dark:text-amber-50'
                      : 'text-slate-800 dark:text-slate-200';
                    return (
                      <div key={k} className="contents">
                        <dt className={`truncate font-sans ${cls}`}>{fieldLabel(t, k)}</dt>
                        <dd className={`break-all ${cls}`}>
                          <span data-raw="">
                            {typeof v === 'boolean'
                              ? t(v ? 'headers.set' : 'headers.notSet')
                              : fieldValue(layer, k, v)}
                          </span>
                          {changed && (
                            <span className="ml-1 font-sans text-[11px]">{t('headers.changed')}</span>
                          )}
                        </dd>
                      </div>
                    );
                  })}
                </dl>
              </details>
            );
          })}
          {ev.payload !== undefined && ev.payload > 0 && (
            <p className="text-xs text-slate-600 dark:text-slate-300">
              {t('headers.payload', { bytes: ev.payload })}
            </p>
          )}
          <button
            type="button"
            onClick={() => setShowBytes((b) => !b)}
            aria-expanded={showBytes}
            className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800"
          >
            {showBytes ? t('headers.hideBytes') : t('headers.showBytes')}
          </button>
          {showBytes && <PacketBytes layers={layers} payload={ev.payload ?? 0} />}
        </div>
      )}
    </Panel>
  );
}

/** The field's name in the current language (the Wireshark-like English name when there is no key). */
function fieldLabel(t: ReturnType<typeof useT>['t'], key: string): string {
  const id = `field.${key}` as UiKey;
  const s = t(id);
  return s === id ? fieldName(key) : s;
}
