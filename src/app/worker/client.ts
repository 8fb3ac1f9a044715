/**
 * Promise-based client for the trace worker: the engine runs off the main thread. A watchdog
 * stops a request that runs past its budget (an engine bug that loops would otherwise hang the
 * page for good): the worker is terminated, a fresh one takes the next request, and the caller
 * gets a WorkerError saying what happened.
 */
import type { WorkerMessage, WorkerReply, WorkerRequest, WorkerResult } from './protocol';

/** How long one request may run. The slowest catalog trace takes well under a second. */
export const WORKER_BUDGET_MS = 15_000;

export type WorkerErrorCategory = 'user' | 'internal' | 'timeout';

/** A failed request: the input was wrong (user), the engine broke (internal) or ran too long (timeout). */
export class WorkerError extends Error {
  constructor(
    message: string,
    readonly category: WorkerErrorCategory,
    /** For internal errors and timeouts: the text "copy a bug report" hands out. */
    readonly report?: string,
  ) {
    super(message);
    this.name = 'WorkerError';
  }
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, Pending>();
let budgetMs = WORKER_BUDGET_MS;

/** For tests: a shorter budget (e2e sets it through the page). */
export function setWorkerBudget(ms: number): void {
  budgetMs = ms;
}

function settle(id: number): Pending | undefined {
  const p = pending.get(id);
  if (!p) return undefined;
  pending.delete(id);
  clearTimeout(p.timer);
  return p;
}

/** Drop the worker and fail everything it was doing. */
function replaceWorker(error: (id: number) => WorkerError): void {
  worker?.terminate();
  worker = null;
  for (const id of [...pending.keys()]) settle(id)?.reject(error(id));
}

function getWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('./trace.worker.ts', import.meta.url), { type: 'module', name: 'trace' });
  w.onmessage = (e: MessageEvent<WorkerReply>) => {
    const p = settle(e.data.id);
    if (!p) return;
    if (e.data.ok) p.resolve(e.data.result);
    else p.reject(new WorkerError(e.data.error, e.data.category, e.data.report));
  };
  w.onerror = (e) => {
    const msg = e.message || 'the trace worker failed';
    replaceWorker(() => new WorkerError(msg, 'internal', `Packet Journey worker error\nmessage: ${msg}`));
  };
  worker = w;
  return w;
}

/** Starts the worker ahead of its first request, so that its code loads beside the page's own. */
export function startWorker(): void {
  getWorker();
}

export function callWorker<R extends WorkerRequest>(request: R): Promise<WorkerResult<R>> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      const what = 'scenarioId' in request ? ` (scenario ${request.scenarioId})` : '';
      const msg = `The engine ran for more than ${Math.round(budgetMs / 1000)} s on "${request.type}"${what} and was stopped; it has been restarted. This is a bug in Packet Journey.`;
      const report = `Packet Journey watchdog\nmessage: ${msg}\nrequest: ${JSON.stringify(request).slice(0, 4000)}`;
      replaceWorker((other) =>
        other === id
          ? new WorkerError(msg, 'timeout', report)
          : new WorkerError('The engine was restarted; try again.', 'timeout'),
      );
    }, budgetMs);
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
    const msg: WorkerMessage = { id, request };
    getWorker().postMessage(msg);
  });
}
