/** The journey before and after the changes, side by side: aligned events, where they part and why. */
import { CompareSummary, CompareTable } from './CompareParts';
import { fmt } from './strings';
import { shareUi } from './uiStore';
import { useComparison } from './useComparison';

export default function CompareView() {
  const result = useComparison();
  return (
    <section
      aria-label={fmt('compare.title')}
      data-testid="compare-view"
      className="flex min-h-0 flex-col rounded-lg border border-slate-200 bg-white shadow-sm dark:border-slate-700 dark:bg-slate-900"
    >
      <div className="flex items-center gap-2 border-b border-slate-200 px-3 py-1.5 dark:border-slate-700">
        <h2 className="text-sm font-semibold">{fmt('compare.title')}</h2>
        <button
          type="button"
          className="ml-auto rounded px-2 text-xs hover:bg-slate-100 dark:hover:bg-slate-800"
          onClick={() => shareUi.setState({ compareOpen: false })}
        >
          {fmt('share.close')}
        </button>
      </div>
      <div className="min-h-0 overflow-auto px-3 py-2 text-sm">
        {result === null ? (
          <p role="status">{fmt('compare.running')}</p>
        ) : 'error' in result ? (
          <p role="alert" className="text-red-800 dark:text-red-200">
            {fmt('compare.failed', { error: result.error })}
          </p>
        ) : (
          <>
            <CompareSummary result={result} />
            <CompareTable result={result} />
          </>
        )}
      </div>
    </section>
  );
}
