/**
 * The built-in flows' Traces computed at build time (virtual:pretraced, a JSON file of a few KB
 * per flow): a built-in flow with no change made opens from them, without waiting for the trace
 * worker to load the engine and build the world. Anything else (a change, an edited scenario, a
 * flow the build could not trace, a file that does not arrive) is the worker's, as before.
 */
import type { Trace } from '../types';

type Index = { pretraced: Record<string, Record<string, string>>; pretracedUrl(path: string): string };

let index: Promise<Index | null> | null = null;

/** Fetches the index of the built flows; the controller calls it at once, beside the catalog. */
export const loadPretraced = (): Promise<Index | null> =>
  (index ??= import('virtual:pretraced').then(
    (m) => m,
    () => null,
  ));

/** The Trace the build computed for (scenario, flow), or null (then ask the worker). */
export async function pretracedTrace(scenario: string, flow: string): Promise<Trace | null> {
  const m = await loadPretraced();
  const flows = m && Object.hasOwn(m.pretraced, scenario) ? m.pretraced[scenario]! : {};
  const file = Object.hasOwn(flows, flow) ? flows[flow] : undefined;
  if (!m || !file) return null;
  try {
    const res = await fetch(m.pretracedUrl(file));
    return res.ok ? ((await res.json()) as Trace) : null;
  } catch {
    return null;
  }
}
