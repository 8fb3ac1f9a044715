/**
 * The search box of a big topology: type a machine, namespace or "namespace/interface", pick a
 * suggestion or press Enter, and the canvas opens that machine (when summarised) and frames it.
 * A native <datalist> gives the suggestions (keyboard and screen readers know it); it holds only
 * the first matches of what is typed, not the thousands of places of a big world.
 */
import { useId, useMemo, useState, type JSX } from 'react';
import type { Topology } from '../../engine/kernel/trace';
import { useT } from '../i18n';
import { findPlace, matchPlaces, placesOf, type Place } from './search';

export function CanvasSearch({
  topology,
  onJump,
}: {
  topology: Topology;
  onJump: (p: Place) => void;
}): JSX.Element {
  const { t } = useT();
  const places = useMemo(() => placesOf(topology), [topology]);
  const [query, setQuery] = useState('');
  const [missing, setMissing] = useState<string | null>(null);
  const listId = useId();
  const shown = useMemo(() => matchPlaces(places, query), [places, query]);
  const jump = (q: string): boolean => {
    const p = findPlace(places, q);
    setMissing(p ? null : q.trim());
    if (p) onJump(p);
    return p !== null;
  };
  return (
    <form
      role="search"
      className="flex flex-col gap-1"
      onSubmit={(e) => {
        e.preventDefault();
        jump(query);
      }}
    >
      <input
        type="search"
        className="h-8 w-72 max-w-[40vw] rounded-md border border-slate-300 bg-white/95 px-2 text-sm text-slate-900 shadow-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 dark:border-slate-600 dark:bg-slate-800/95 dark:text-slate-100"
        aria-label={t('canvas.search')}
        placeholder={t('canvas.search')}
        list={listId}
        value={query}
        onChange={(e) => {
          const v = e.target.value;
          setQuery(v);
          // A suggestion picked from the list is a jump; typing is not ("node-1" on the way to "node-17").
          const how = (e.nativeEvent as Partial<InputEvent>).inputType;
          if ((!how || how === 'insertReplacementText') && places.some((p) => p.label === v)) jump(v);
        }}
      />
      <datalist id={listId}>
        {shown.map((p) => (
          <option key={p.label} value={p.label} />
        ))}
      </datalist>
      <p aria-live="polite" className="text-xs text-red-700 dark:text-red-300">
        {missing ? t('canvas.search.none', { q: missing }) : ''}
      </p>
    </form>
  );
}
