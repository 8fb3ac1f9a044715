/**
 * One rule line of a netfilter panel (iptables, ip6tables or nftables) with its state at this
 * step (evaluated, matched, decided), a table's list of them, and the legend that explains the marks.
 */
import type { ReactNode } from 'react';
import { useT } from '../i18n';
import { formatProbability, type RuleMark } from './netfilter-select';

export function RuleLine({
  row,
  origin,
  mark,
  decided,
  indent = 0,
}: {
  row: string;
  origin?: string;
  mark?: RuleMark;
  decided: boolean;
  /** Leading tab stops (nft's listing nests by tabs): drawn as a margin so wrapped text keeps it. */
  indent?: number;
}) {
  const { t } = useT();
  const state = decided ? 'decided' : mark?.matched ? 'matched' : mark ? 'evaluated' : null;
  const cls =
    state === 'decided'
      ? 'bg-amber-100 font-semibold text-amber-950 ring-1 ring-amber-500 dark:bg-amber-900/70 dark:text-amber-50'
      : state === 'matched'
        ? 'bg-sky-50 text-sky-950 dark:bg-sky-950 dark:text-sky-50'
        : 'text-slate-800 dark:text-slate-200';
  const dot =
    state === 'decided'
      ? 'bg-amber-500 border-amber-600'
      : state === 'matched'
        ? 'bg-sky-600 border-sky-700 dark:bg-sky-400 dark:border-sky-300'
        : state === 'evaluated'
          ? 'border-slate-400 bg-transparent dark:border-slate-500'
          : 'border-transparent';
  const label =
    state === 'decided'
      ? t('iptables.stateDecided')
      : state === 'matched'
        ? t('iptables.stateMatched')
        : state === 'evaluated'
          ? t('iptables.stateEvaluated')
          : null;
  return (
    <li
      data-rule-state={state ?? undefined}
      aria-current={decided ? 'true' : undefined}
      title={origin ? t('panel.from', { origin }) : undefined}
      className={`flex items-start gap-1.5 rounded py-px pr-1 pl-1 ${cls}`}
    >
      <span aria-hidden="true" className={`mt-1.5 size-2 shrink-0 rounded-full border ${dot}`} />
      <span
        className="min-w-0 flex-1 break-words whitespace-pre-wrap"
        style={indent ? { paddingLeft: `${indent * 2}ch` } : undefined}
      >
        {row}
        {label && <span className="sr-only"> ({label})</span>}
        {decided && origin ? (
          <span className="block font-sans text-[11px] font-normal text-amber-900 dark:text-amber-200">
            {t('panel.from', { origin })}
          </span>
        ) : null}
      </span>
      {mark?.probability !== undefined && (
        <span
          className="shrink-0 rounded bg-violet-100 px-1 font-sans text-[11px] font-semibold text-violet-900 dark:bg-violet-900 dark:text-violet-50"
          title={t('iptables.probability')}
        >
          {formatProbability(mark.probability)}
        </span>
      )}
      {mark && mark.order.length > 0 && (
        <span
          className="shrink-0 font-sans text-[11px] text-slate-600 tabular-nums dark:text-slate-300"
          title={t('iptables.order')}
        >
          #{mark.order.join(',')}
        </span>
      )}
    </li>
  );
}

export interface RuleItem {
  /** Index in the snapshot's rows (the React key). */
  index: number;
  row: string;
  indent?: number;
  origin?: string | undefined;
  mark?: RuleMark | undefined;
  decided: boolean;
}

/** One table's rules as the tool lists them, under its heading if it has one. */
export function RuleList({
  label,
  heading,
  items,
}: {
  label: string;
  heading?: ReactNode;
  items: RuleItem[];
}) {
  return (
    <div role="group" aria-label={label}>
      {heading}
      <ol data-raw="" className="font-mono text-xs leading-5">
        {items.map((r) => (
          <RuleLine
            key={r.index}
            row={r.row}
            {...(r.indent ? { indent: r.indent } : {})}
            {...(r.origin ? { origin: r.origin } : {})}
            {...(r.mark ? { mark: r.mark } : {})}
            decided={r.decided}
          />
        ))}
      </ol>
    </div>
  );
}

/** "This step: 3 rule(s) evaluated from …", then what each mark means. */
export function RuleLegend({ summary }: { summary: string }) {
  const { t } = useT();
  return (
    <p className="flex flex-wrap items-center gap-x-3 gap-y-0.5 text-xs text-slate-700 dark:text-slate-200">
      <span>{t('iptables.thisStep', { summary })}</span>
      <span className="flex items-center gap-1">
        <span aria-hidden="true" className="size-2 rounded-full border border-slate-400" />
        {t('iptables.evaluated')}
      </span>
      <span className="flex items-center gap-1">
        <span aria-hidden="true" className="size-2 rounded-full border border-sky-700 bg-sky-600" />
        {t('iptables.matched')}
      </span>
      <span className="flex items-center gap-1">
        <span aria-hidden="true" className="size-2 rounded-full border border-amber-600 bg-amber-500" />
        {t('iptables.decided')}
      </span>
    </p>
  );
}
