/** The nftables panel as a chunk of its own: fetched when a world has an nftables ruleset. */
import { lazy, Suspense } from 'react';

const Nftables = lazy(() => import('./NftablesPanel'));

export function LazyNftablesPanel() {
  return (
    <Suspense fallback={null}>
      <Nftables />
    </Suspense>
  );
}
