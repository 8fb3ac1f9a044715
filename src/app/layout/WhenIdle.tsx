/**
 * Renders its children once the browser is first idle, as a transition. The first paint then holds
 * only what is on screen at load (header, canvas, controls); the tables below the fold arrive in a
 * task of their own, so no single task builds the whole page.
 */
import { startTransition, useEffect, useState, type ReactNode } from 'react';

const onIdle = (run: () => void): (() => void) => {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(run, { timeout: 500 });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(run, 1);
  return () => clearTimeout(id);
};

export function WhenIdle({ children }: { children: ReactNode }) {
  const [ready, setReady] = useState(false);
  useEffect(() => onIdle(() => startTransition(() => setReady(true))), []);
  return ready ? children : null;
}
