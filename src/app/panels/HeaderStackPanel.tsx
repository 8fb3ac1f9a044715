/** The header stack at this step, outermost first, Wireshark-like; changes since the packet's previous event marked. */
import { useLayoutEffect, useMemo, useRef, useState, type JSX } from 'react';
import { usePanelApp } from '../state/panelState';
import { Empty, Panel } from './Panel';
import { PacketBytes } from './PacketBytes';
import { fieldKey, fieldValue, LAYER_NAMES, layerFieldName, layerFields, layerSummary } from './fields';
import { diffLayers, packetEventAt, previousOfPacket, type LayerDiff } from './trace-select';
import { nestLayers } from '../canvas/stack';
import type { Layer } from '../types';
import { useT } from '../i18n';
import type { UiKey } from '../i18n/ui-en';

/** What the panel shows at this step: the packet's layers, and how they differ from its previous event. */
function useHeaderStack() {
  const trace = usePanelApp((s) => s.trace);
  // True when this step has no packet and the stack shown is the last one seen.
  const lastSeen = usePanelApp((s) => {
    const e = s.trace ? packetEventAt(s.trace, s.step) : undefined;
    return e !== undefined && e.step !== s.step;
  });
  const ev = usePanelApp((s) => (s.trace ? packetEventAt(s.trace, s.step) : undefined));
  const prev = useMemo(() => (trace && ev ? previousOfPacket(trace, ev) : undefined), [trace, ev]);
  const layers = ev?.packet ?? [];
  const diffs = diffLayers(prev?.packet, layers);
  const removed = prev?.packet && prev.packet.length > layers.length ? prev.packet.length - layers.length : 0;
  return { ev, prev, lastSeen, layers, diffs, removed };
}

type T = ReturnType<typeof useT>['t'];

export function HeaderStackPanel() {
  const { t } = useT();
  const [showBytes, setShowBytes] = useState(false);
  const { ev, prev, lastSeen, layers, diffs, removed } = useHeaderStack();
  const levels = nestLayers(layers);
  const changes = changedFields(prev?.packet, layers, diffs);
  const view = { layers, diffs, compared: prev !== undefined, step: ev?.step ?? -1, t };

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
          {changes.length > 0 && <ChangesHere changes={changes} layers={layers} t={t} />}
          <LevelBox levels={levels} k={0} view={view} />
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

/** The fields changed at this step, each with its old value struck through and the new one. */
function ChangesHere({ changes, layers, t }: { changes: Change[]; layers: Layer[]; t: T }) {
  return (
    <div className="rounded border border-amber-300 bg-amber-50 px-2 py-1 text-xs dark:border-amber-700 dark:bg-amber-950">
      <p className="font-semibold">{t('headers.changedHere')}</p>
      <ul className="font-mono">
        {changes.map((c) => (
          <li key={`${c.index}:${c.key}`}>
            <span className="font-sans">
              {LAYER_SHORT[layers[c.index]!.proto]} {fieldLabel(t, c.key, layers[c.index]!)}:
            </span>{' '}
            <del className="text-slate-600 dark:text-slate-300">{c.before}</del> →{' '}
            <ins className="font-bold no-underline">{c.after}</ins>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** What every layer's view needs: the layers, their diffs, whether there was a previous event, the step. */
interface StackView {
  layers: Layer[];
  diffs: LayerDiff[];
  compared: boolean;
  step: number;
  t: T;
}

/** Level `k` (outermost 0) as a box holding its layers and, nested inside, the packet it carries. */
function LevelBox({
  levels,
  k,
  view,
}: {
  levels: number[][];
  k: number;
  view: StackView;
}): JSX.Element | null {
  const level = levels[k];
  if (!level) return null;
  const { t } = view;
  const envelope = k < levels.length - 1;
  return (
    <div
      data-level={k}
      aria-label={envelope ? t('headers.envelope') : levels.length > 1 ? t('headers.inner') : undefined}
      role={levels.length > 1 ? 'group' : undefined}
      className={
        levels.length === 1
          ? 'space-y-1'
          : `space-y-1 rounded-md border-2 p-1 ${envelope ? 'border-violet-600 dark:border-violet-400' : 'border-slate-400 dark:border-slate-500'}`
      }
    >
      {levels.length > 1 && (
        <p className={`px-1 text-xs font-semibold ${envelope ? 'text-violet-800 dark:text-violet-200' : ''}`}>
          {envelope ? t('headers.envelope') : t('headers.inner')}
        </p>
      )}
      {level.map((i) => (
        <LayerView key={`${i}:${view.layers[i]!.proto}`} i={i} view={view} />
      ))}
      <LevelBox levels={levels} k={k + 1} view={view} />
    </div>
  );
}

/**
 * One layer: open when something in it changed (or there is nothing to compare with), else folded.
 * Kept from step to step (not remounted): a fold the reader opened or closed is set back to that
 * rule when the step changes, before the paint.
 */
function LayerView({ i, view }: { i: number; view: StackView }): JSX.Element {
  const { layers, diffs, compared, step, t } = view;
  const layer = layers[i]!;
  const d = diffs[i]!;
  const open = !compared || d.added || d.changed.size > 0;
  const ref = useRef<HTMLDetailsElement>(null);
  useLayoutEffect(() => {
    if (ref.current) ref.current.open = open;
  }, [open, step]);
  const fields = layerFields(layer);
  // The fields that changed at this step come first.
  fields.sort(([a], [b]) => Number(d.changed.has(b)) - Number(d.changed.has(a)));
  return (
    <details
      ref={ref}
      open={open}
      className="rounded border border-slate-200 bg-white dark:border-slate-700 dark:bg-slate-900"
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
        {!d.added && d.changed.size === 0 && compared && (
          <span className="ml-2 text-slate-600 dark:text-slate-300">{t('headers.unchanged')}</span>
        )}
      </summary>
      <dl className="grid grid-cols-[minmax(0,11rem)_minmax(0,1fr)] gap-x-3 px-3 pb-1 font-mono text-xs leading-5">
        {fields.map(([k, v]) => (
          <FieldRow key={k} k={k} v={v} layer={layer} changed={d.changed.has(k)} t={t} />
        ))}
      </dl>
    </details>
  );
}

interface FieldRowProps {
  k: string;
  v: unknown;
  layer: Layer;
  changed: boolean;
  t: T;
}

/** One field: its name and value, marked when it changed at this step. */
function FieldRow({ k, v, layer, changed, t }: FieldRowProps): JSX.Element {
  const cls = changed
    ? 'bg-amber-100 text-amber-950 dark:bg-amber-900/60 dark:text-amber-50'
    : 'text-slate-800 dark:text-slate-200';
  return (
    <div className="contents">
      <dt className={`truncate font-sans ${cls}`}>{fieldLabel(t, k, layer)}</dt>
      <dd className={`break-all ${cls}`}>
        <span data-raw="">
          {typeof v === 'boolean' ? t(v ? 'headers.set' : 'headers.notSet') : fieldValue(layer, k, v)}
        </span>
        {changed && <span className="ml-1 font-sans text-[11px]">{t('headers.changed')}</span>}
      </dd>
    </div>
  );
}

/** The field's name in the current language (the Wireshark-like English name when there is no key). */
function fieldLabel(t: ReturnType<typeof useT>['t'], key: string, layer: Layer): string {
  const id = fieldKey(layer, key) as UiKey;
  const s = t(id);
  return s === id ? layerFieldName(layer, key) : s;
}

const LAYER_SHORT: Record<Layer['proto'], string> = {
  eth: 'Ethernet',
  arp: 'ARP',
  ipv4: 'IPv4',
  ipv6: 'IPv6',
  icmp: 'ICMP',
  icmpv6: 'ICMPv6',
  udp: 'UDP',
  tcp: 'TCP',
  vxlan: 'VXLAN',
  gre: 'GRE',
  dns: 'DNS',
};

interface Change {
  index: number;
  key: string;
  before: string;
  after: string;
}

/** The fields changed since the packet's previous event, with both values (layers matched inside out). */
function changedFields(prev: Layer[] | undefined, cur: Layer[], diffs: LayerDiff[]): Change[] {
  if (!prev) return [];
  const out: Change[] = [];
  cur.forEach((layer, i) => {
    const d = diffs[i];
    if (!d || d.added) return;
    const before = prev[prev.length - (cur.length - i)] as unknown as Record<string, unknown>;
    const now = layer as unknown as Record<string, unknown>;
    for (const k of d.changed) {
      out.push({
        index: i,
        key: k,
        before: fieldValue(layer, k, before[k]),
        after: fieldValue(layer, k, now[k]),
      });
    }
  });
  return out;
}
