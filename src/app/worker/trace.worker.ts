/// <reference lib="webworker" />
/** The engine, off the main thread: scenario catalog, traces and terminal commands. */
import { catalog, check, command, lab, pcapng, source, tables, trace } from './engine-service';
import type { WorkerMessage, WorkerReply, WorkerRequest } from './protocol';

function handle(req: WorkerRequest): Promise<unknown> {
  switch (req.type) {
    case 'catalog':
      return catalog();
    case 'trace':
      return trace(req.scenarioId, req.flowId, req.execs, req.yaml);
    case 'command':
      return command(req.scenarioId, req.execs, req.netns, req.line, req.yaml);
    case 'tables':
      return tables(req.scenarioId, req.flowId, req.execs, req.netns, req.yaml);
    case 'lab':
      return lab(req.scenarioId, req.flowId, req.execs, req.yaml);
    case 'source':
      return source(req.scenarioId);
    case 'check':
      return Promise.resolve(check(req.yaml));
    case 'pcapng':
      return Promise.resolve(pcapng(req.trace));
  }
}

self.onmessage = (e: MessageEvent<WorkerMessage>) => {
  const { id, request } = e.data;
  handle(request).then(
    (result) => self.postMessage({ id, ok: true, result } satisfies WorkerReply),
    (err: unknown) =>
      self.postMessage({
        id,
        ok: false,
        error: err instanceof Error ? err.message : String(err),
      } satisfies WorkerReply),
  );
};
