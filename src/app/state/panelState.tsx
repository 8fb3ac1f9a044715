/**
 * The panels read the app store one React transition behind the controls and the canvas. A new Trace
 * or a step re-renders every panel (tables, header stack, event log…); as a transition React renders
 * that in slices, so the page stays responsive (no long task when a Trace arrives) while the step
 * counter and the canvas answer the input at once. A panel that still shows an older state is
 * marked aria-busy (Panel.tsx).
 */
import { createContext, useContext, useEffect, useRef, useState, useTransition, type ReactNode } from 'react';
import { appStore, type AppStore } from './store';

const PanelStateContext = createContext<AppStore | null>(null);
const BehindContext = createContext(false);

export function PanelStateProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState(() => appStore.getState());
  const [behind, startTransition] = useTransition();
  const firstRendered = useRef(state);
  useEffect(() => {
    const follow = (s: AppStore) => startTransition(() => setState(s));
    // The store may have changed between the first render and this effect.
    if (appStore.getState() !== firstRendered.current) follow(appStore.getState());
    return appStore.subscribe(follow);
  }, []);
  // No useSyncExternalStore below this point for what changes often: a store read there that changed
  // during the transition would make React redo the whole render synchronously.
  return (
    <BehindContext value={behind}>
      <PanelStateContext value={state}>{children}</PanelStateContext>
    </BehindContext>
  );
}

function usePanelState(): AppStore {
  const state = useContext(PanelStateContext);
  if (!state) throw new Error('a panel is rendered outside <PanelStateProvider>');
  return state;
}

/** The panels' view of the store (see above): read through a selector, like useApp. */
export function usePanelApp<T>(selector: (s: AppStore) => T): T {
  return selector(usePanelState());
}

/** True while the panels show an older state than the store holds. */
export function usePanelsBehind(): boolean {
  return useContext(BehindContext);
}
