/** The canvas's marks explained: a small folded legend beside the zoom buttons. */
import type { JSX } from 'react';
import type { UiKey } from '../i18n/ui-en';
import type { Wording } from './words';

/** Each mark drawn as on the canvas (same classes, so the same colours in light and dark). */
const MARKS: [UiKey, JSX.Element][] = [
  ['canvas.legend.packet', <circle key="p" cx="12" cy="10" r="6" style={{ fill: 'var(--pj-c0)' }} />],
  ['canvas.legend.arp', <path key="a" d="M12,3 L19,10 L12,17 L5,10 Z" style={{ fill: 'var(--pj-arp)' }} />],
  [
    'canvas.legend.envelope',
    <g key="e">
      <rect className="pj-ring" x="1" y="-1" width="22" height="22" rx="6" />
      <circle cx="12" cy="10" r="6" style={{ fill: 'var(--pj-c0)' }} />
    </g>,
  ],
  ['canvas.legend.travelled', <path key="t" className="pj-path pj-path--done" d="M2,10 H22" />],
  ['canvas.legend.ahead', <path key="h" className="pj-path" d="M2,10 H22" />],
  ['canvas.legend.reply', <path key="r" className="pj-path pj-path--done pj-path--reply" d="M2,10 H22" />],
  [
    'canvas.legend.ends',
    <g key="s">
      <circle className="pj-end pj-end--source" cx="7" cy="10" r="5" />
      <circle className="pj-end pj-end--destination" cx="18" cy="10" r="5" />
    </g>,
  ],
  ['canvas.legend.drop', <path key="d" className="pj-drop-x" d="M5,3 L19,17 M19,3 L5,17" />],
];

export function Legend({ words: w, className }: { words: Wording; className: string }): JSX.Element {
  return (
    <details className="relative">
      <summary className={`${className} cursor-pointer list-none`}>{w.t('canvas.legend')}</summary>
      <ul className="absolute right-0 z-10 mt-1 w-72 space-y-1 rounded-md border border-slate-300 bg-white p-2 text-sm shadow-lg dark:border-slate-600 dark:bg-slate-900">
        {MARKS.map(([key, mark]) => (
          <li key={key} className="flex items-center gap-2">
            <svg width="24" height="20" viewBox="0 -2 24 24" aria-hidden="true" className="shrink-0">
              {mark}
            </svg>
            <span>{w.t(key)}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}
