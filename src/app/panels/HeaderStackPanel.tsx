/** The header stack at this step, outermost first, Wireshark-like; changes since the packet's previous event marked. */
import { useMemo, useState } from 'react';
import { useApp } from '../state/useApp';
import { Empty, Panel } from './Panel';
import { PacketBytes } from './PacketBytes';
import { fieldName, fieldValue, LAYER_NAMES, layerFields, layerSummary } from './fields';
import { diffLayers, packetEventAt, previousOfPacket } from './trace-select';

export function HeaderStackPanel() {
  const trace = useApp((s) => s.trace);
  // True when this step has no packet and the stack shown is the last one seen.
  const lastSeen = useApp((s) => {
    const e = s.trace ? packetEventAt(s.trace, s.step) : undefined;
    return e !== undefined && e.step !== s.step;
  });
  const [showBytes, setShowBytes] = useState(false);
  const ev = useApp((s) => (s.trace ? packetEventAt(s.trace, s.step) : undefined));
  const prev = useMemo(() => (trace && ev ? previousOfPacket(trace, ev) : undefined), [trace, ev]);
  const layers = ev?.packet ?? [];
  const diffs = diffLayers(prev?.packet, layers);
  const removed = prev?.packet && prev.packet.length > layers.length ? prev.packet.length - layers.length : 0;

  return (
    <Panel
      className="flex-1"
      id="headers"
      title="Header stack"
      subtitle={
        ev ? `packet ${ev.packetId ?? '?'} at step ${ev.step}${lastSeen ? ' (last seen)' : ''}` : undefined
      }
    >
      {!ev ? (
        <Empty>No packet at this step yet.</Empty>
      ) : (
        <div className="space-y-1">
          {removed > 0 && (
            <p className="rounded bg-sky-50 px-2 py-1 text-xs text-sky-900 dark:bg-sky-950 dark:text-sky-100">
              {removed} outer header{removed > 1 ? 's' : ''} removed since the previous hop (
              {prev!
                .packet!.slice(0, removed)
                .map((l) => l.proto.toUpperCase())
                .join(', ')}
              ).
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
                  <span className="font-semibold">{LAYER_NAMES[layer.proto]}</span>
                  <span className="text-slate-600 dark:text-slate-300">, {layerSummary(layer)}</span>
                  {d.added && (
                    <span className="ml-2 rounded bg-emerald-100 px-1 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-50">
                      added
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
                        <dt className={`truncate font-sans ${cls}`}>{fieldName(k)}</dt>
                        <dd className={`break-all ${cls}`}>
                          {fieldValue(layer, k, v)}
                          {changed && <span className="ml-1 font-sans text-[11px]">(changed)</span>}
                        </dd>
                      </div>
                    );
                  })}
                </dl>
              </details>
            );
          })}
          {ev.payload !== undefined && ev.payload > 0 && (
            <p className="text-xs text-slate-600 dark:text-slate-300">Payload: {ev.payload} bytes</p>
          )}
          <button
            type="button"
            onClick={() => setShowBytes((b) => !b)}
            aria-expanded={showBytes}
            className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800"
          >
            {showBytes ? 'Hide bytes' : 'Show bytes'}
          </button>
          {showBytes && <PacketBytes layers={layers} payload={ev.payload ?? 0} />}
        </div>
      )}
    </Panel>
  );
}
