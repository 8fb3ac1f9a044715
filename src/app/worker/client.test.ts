/**
 * The worker watchdog: a request that runs past its budget is stopped, the worker terminated and
 * replaced, and the caller told what happened (a timeout with a bug report); the next request
 * goes to a fresh worker.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { callWorker, setWorkerBudget, WorkerError } from './client';
import type { WorkerMessage } from './protocol';

/** A worker that answers only when told to (hung: never). */
class FakeWorker {
  static made: FakeWorker[] = [];
  /** Whether new and existing workers never answer. */
  static hang = true;
  onmessage: ((e: MessageEvent) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  terminated = false;
  constructor() {
    FakeWorker.made.push(this);
  }
  postMessage(msg: WorkerMessage) {
    if (FakeWorker.hang) return;
    setTimeout(() => this.onmessage?.({ data: { id: msg.id, ok: true, result: [] } } as MessageEvent), 0);
  }
  terminate() {
    this.terminated = true;
  }
}

const g = globalThis as { Worker?: unknown };
const saved = g.Worker;
g.Worker = FakeWorker;
afterAll(() => {
  g.Worker = saved;
});

describe('worker watchdog', () => {
  it('stops a hung request, replaces the worker, and the next request is answered', async () => {
    setWorkerBudget(50);
    const hung = callWorker({ type: 'trace', scenarioId: 'loop', flowId: 'f', execs: [] });
    const err = await hung.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerError);
    expect((err as WorkerError).category).toBe('timeout');
    expect((err as WorkerError).message).toMatch(
      /ran for more than 0 s on "trace" \(scenario loop\) and was stopped/,
    );
    expect((err as WorkerError).report).toContain('"scenarioId":"loop"');
    expect(FakeWorker.made).toHaveLength(1);
    expect(FakeWorker.made[0]!.terminated).toBe(true);

    // A fresh worker takes the next request.
    FakeWorker.hang = false;
    const next = FakeWorker.made.length;
    await expect(callWorker({ type: 'catalog' })).resolves.toEqual([]);
    expect(FakeWorker.made).toHaveLength(next + 1);
  });
});
