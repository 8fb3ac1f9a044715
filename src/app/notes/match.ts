/** The corrections that matter at a step: the flow matches, and the netns and interface when the correction names them. */
import type { CorrectionInfo, TraceEvent } from '../types';

export function correctionsAt(
  all: readonly CorrectionInfo[] | undefined,
  flowId: string | null,
  ev: Pick<TraceEvent, 'netns' | 'interface'> | undefined,
): CorrectionInfo[] {
  if (!all || !ev || !flowId) return [];
  return all.filter(
    (c) =>
      c.at !== undefined &&
      c.at.flow === flowId &&
      (c.at.netns === undefined || c.at.netns === ev.netns) &&
      (c.at.interface === undefined || c.at.interface === ev.interface),
  );
}
