/** The reload offer after a failed on-demand load, and a boundary that shows it in place of the part that failed. */
import { Component, type ReactNode } from 'react';
import { fmt } from '../share/strings';
import { isChunkError, noteChunkFailure, useChunkFailed } from './chunkFailure';

function Offer() {
  return (
    <div
      role="alert"
      data-testid="reload-offer"
      className="flex flex-wrap items-center gap-2 rounded-lg border border-sky-300 bg-sky-50 px-3 py-2 text-sm text-sky-950 dark:border-sky-700 dark:bg-sky-950 dark:text-sky-50"
    >
      <p className="min-w-0 flex-1">{fmt('offline.chunkFailed')}</p>
      <button
        type="button"
        className="rounded-md border border-sky-700 bg-sky-700 px-3 py-1 text-white hover:bg-sky-800"
        onClick={() => window.location.reload()}
      >
        {fmt('offline.reload')}
      </button>
    </div>
  );
}

/** The offer, once a load has failed anywhere in the page. */
export function ReloadOffer() {
  return useChunkFailed() ? <Offer /> : null;
}

/** Around a lazy part: a failed load shows the page-wide offer (the rest of the page stays); other errors pass on. */
export class ChunkBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(error: unknown): { failed: boolean } {
    if (!isChunkError(error)) throw error;
    return { failed: true };
  }

  override componentDidCatch(): void {
    noteChunkFailure();
  }

  override render(): ReactNode {
    // Failed: the page-wide offer (ReloadOffer) says what happened and offers the reload.
    return this.state.failed ? null : this.props.children;
  }
}
