/** Promise-based client for the trace worker: the engine runs off the main thread. */
import type { WorkerMessage, WorkerReply, WorkerRequest, WorkerResult } from './protocol';

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

function getWorker(): Worker {
  if (worker) return worker;
  worker = new Worker(new URL('./trace.worker.ts', import.meta.url), { type: 'module', name: 'trace' });
  worker.onmessage = (e: MessageEvent<WorkerReply>) => {
    const p = pending.get(e.data.id);
    if (!p) return;
    pending.delete(e.data.id);
    if (e.data.ok) p.resolve(e.data.result);
    else p.reject(new Error(e.data.error));
  };
  worker.onerror = (e) => {
    for (const p of pending.values()) p.reject(new Error(e.message || 'the trace worker failed'));
    pending.clear();
  };
  return worker;
}

export function callWorker<R extends WorkerRequest>(request: R): Promise<WorkerResult<R>> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    const msg: WorkerMessage = { id, request };
    getWorker().postMessage(msg);
  });
}
