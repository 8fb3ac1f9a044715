/**
 * The notice under Copy link, at the bottom of the page (a portal: a closed menu must not take it
 * along, and it must not move the page): the link copied (or to copy by hand), or why none was made.
 */
import { createPortal } from 'react-dom';
import { MAX_ENCODED } from './link';
import { downloadScenario } from './scenarioFile';
import { fmt } from './strings';
import { toolBtn } from './toolBtn';

/** What the notice says: copied (or copy it yourself), or why no link was made. */
export type Copied = { kind: 'copied' | 'manual'; url: string } | { kind: 'tooLong'; length: number };

export function tooLongText(length: number): string {
  return fmt('share.tooLong', { length, max: MAX_ENCODED });
}

export function ShareNotice({ notice, onDismiss }: { notice: Copied; onDismiss: () => void }) {
  return createPortal(
    <div
      className="fixed inset-x-2 bottom-2 z-40 mx-auto flex max-w-2xl items-center gap-2 rounded-lg border border-slate-300 bg-white px-3 py-2 text-xs shadow-lg dark:border-slate-600 dark:bg-slate-900"
      role={notice.kind === 'tooLong' ? 'alert' : 'status'}
    >
      {notice.kind === 'tooLong' ? (
        <>
          <span className="flex-1" data-testid="share-too-long">
            {tooLongText(notice.length)}
          </span>
          <button type="button" className={toolBtn} onClick={() => void downloadScenario()}>
            {fmt('draft.download')}
          </button>
        </>
      ) : (
        <>
          <span>{notice.kind === 'copied' ? fmt('share.copied') : fmt('share.copyFailed')}</span>
          <input
            readOnly
            value={notice.url}
            aria-label={fmt('share.linkLabel')}
            data-testid="share-link"
            onFocus={(e) => e.target.select()}
            className="min-w-0 flex-1 rounded border border-slate-300 bg-slate-50 px-1 font-mono dark:border-slate-600 dark:bg-slate-800"
          />
        </>
      )}
      <button type="button" className="underline" onClick={onDismiss}>
        {fmt('share.dismiss')}
      </button>
    </div>,
    document.body,
  );
}
