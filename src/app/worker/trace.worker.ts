/// <reference lib="webworker" />
/** The engine, off the main thread: scenario catalog, traces and terminal commands. */
import { catalog, check, command, lab, pcapng, source, tables, trace } from './engine-service';
import { asEngineError, bugReport, InternalError } from '../../engine';
import type { WorkerMessage, WorkerReply, WorkerRequest } from './protocol';

function handle(req: WorkerRequest): Promise<unknown> {
  switch (req.type) {
    case 'catalog':
      return catalog();
    case 'trace':
      return trace(req.scenarioId, req.flowId, req.execs, req.yaml);
    case 'command':
      return command(req.scenarioId, req.flowId, req.execs, req.netns, req.line, req.yaml);
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

/** Every failure as a typed reply: a raw TypeError from a model bug becomes an internal error with a report. */
function failure(id: number, req: WorkerRequest, err: unknown): WorkerReply {
  const scenario = 'scenarioId' in req ? req.scenarioId : '';
  const e = asEngineError(err, { scenario, step: `worker request "${req.type}"` });
  return e instanceof InternalError
    ? { id, ok: false, error: e.message, category: 'internal', report: bugReport(e) }
    : { id, ok: false, error: e.message, category: 'user' };
}

self.onmessage = (e: MessageEvent<WorkerMessage>) => {
  const { id, request } = e.data;
  let work: Promise<unknown>;
  try {
    work = handle(request);
  } catch (err) {
    work = Promise.reject(err);
  }
  work.then(
    (result) => self.postMessage({ id, ok: true, result } satisfies WorkerReply),
    (err: unknown) => self.postMessage(failure(id, request, err)),
  );
};
