// The asynchronous face of the core for a UI shell (Electron main, the local HTTP
// bridge): validates every call at the boundary, runs queries in a session worker and
// imports in import workers, and pushes progress as typed events. Nothing here blocks
// the caller's event loop.
import { Worker } from 'node:worker_threads';
import { startWorker } from '../ingest/worker-spawn.js';
import {
  ApiError, validateArgs, type Api, type ApiArgs, type ApiName, type EventName, type Events, type Results,
} from './contract.js';
import type { SessionOptions } from './session.js';
import type { SessionReply, SessionRequest } from './session-worker.js';
import type { ImportJob, ImportMessage } from './import-worker.js';

type Listener = (payload: never) => void;

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

interface Job {
  id: number;
  paths: string[];
  worker: Worker | null;
  cancelled: boolean;
  progress: Events['import.progress'] | null;
}

export class CoreHost implements Api {
  private readonly session: Worker;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<EventName, Set<Listener>>();
  private readonly queue: Job[] = [];
  private running: Job | null = null;
  private nextId = 1;
  private nextJob = 1;
  private casePath: string | null = null;

  constructor(options: SessionOptions) {
    this.session = startWorker(new URL('./session-worker.js', import.meta.url), import.meta.url, { workerData: options });
    this.session.on('message', (reply: SessionReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if ('error' in reply) p.reject(new ApiError(reply.error.kind, reply.error.message));
      else p.resolve(reply.result);
    });
    this.session.on('error', (err) => {
      for (const p of this.pending.values()) p.reject(new ApiError('failed', `the core stopped: ${err.message}`));
      this.pending.clear();
    });
  }

  /** Validates, then runs a handler. Rejects with an ApiError. */
  async call<K extends ApiName>(name: K, args: ApiArgs<K>): Promise<Results[K]> {
    const valid = validateArgs<K>(name, args);
    if (valid.name === 'import.start') return this.startImport((valid.args as ApiArgs<'import.start'>).paths) as Results[K];
    if (valid.name === 'import.cancel') return this.cancelImport((valid.args as ApiArgs<'import.cancel'>).jobId) as Results[K];
    if (valid.name === 'import.status') return this.importStatus() as Results[K];
    if ((valid.name === 'case.open' || valid.name === 'case.create' || valid.name === 'case.close') && (this.running || this.queue.length)) {
      throw new ApiError('busy', 'an import is running into the open case: wait for it or cancel it first');
    }
    const result = (await this.post(valid.name, valid.args)) as Results[K];
    if (valid.name === 'case.open' || valid.name === 'case.create') this.casePath = (result as Results['case.open']).path;
    if (valid.name === 'case.close') this.casePath = null;
    return result;
  }

  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  }

  private emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const l of this.listeners.get(event) ?? []) (l as (p: Events[E]) => void)(payload);
  }

  private post(name: SessionRequest['name'], args: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.session.postMessage({ id, name, args } satisfies SessionRequest);
    });
  }

  private startImport(paths: string[]): Results['import.start'] {
    if (!this.casePath) throw new ApiError('no-case', 'no case is open: create or open one first');
    const job: Job = { id: this.nextJob++, paths, worker: null, cancelled: false, progress: null };
    this.queue.push(job);
    this.pump();
    return { jobId: job.id };
  }

  private cancelImport(jobId: number): null {
    const queued = this.queue.findIndex((j) => j.id === jobId);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.emit('import.done', { jobId, files: 0, failed: 0, cancelled: true, error: null });
      return null;
    }
    if (this.running?.id !== jobId) throw new ApiError('not-found', `no import job #${jobId} is running`);
    this.running.cancelled = true;
    void this.running.worker?.terminate();
    return null;
  }

  private importStatus(): Results['import.status'] {
    const r = this.running;
    return {
      running: r ? { jobId: r.id, paths: r.paths, progress: r.progress } : null,
      queued: this.queue.map((j) => ({ jobId: j.id, paths: j.paths })),
    };
  }

  private pump(): void {
    if (this.running || !this.casePath) return;
    const job = this.queue.shift();
    if (!job) return;
    this.running = job;
    const data: ImportJob = { casePath: this.casePath, paths: job.paths };
    const worker = startWorker(new URL('./import-worker.js', import.meta.url), import.meta.url, { workerData: data });
    job.worker = worker;
    let finished = false;
    const finish = (done: Omit<Events['import.done'], 'jobId' | 'cancelled'>) => {
      if (finished) return;
      finished = true;
      this.running = null;
      this.emit('import.done', { jobId: job.id, cancelled: job.cancelled, ...done });
      this.pump();
    };
    worker.on('message', (m: ImportMessage) => {
      if (m.type === 'progress') {
        job.progress = { ...m.progress, jobId: job.id };
        this.emit('import.progress', job.progress);
      }
      else if (m.type === 'file') this.emit('import.file', { ...m.file, jobId: job.id });
      else finish({ files: m.files, failed: m.failed, error: m.error });
    });
    worker.on('error', (err) => finish({ files: 0, failed: 0, error: err.message }));
    worker.on('exit', () => {
      // A cancelled (terminated) job leaves its current file 'importing'; reopening the
      // case in the session marks it incomplete, as after a crash.
      if (job.cancelled && this.casePath) void this.post('case.open', { path: this.casePath }).catch(() => undefined);
      finish({ files: 0, failed: 0, error: job.cancelled ? null : 'the import stopped unexpectedly' });
    });
  }

  /** Stops the workers (imports in progress are cut, as on a crash). */
  async close(): Promise<void> {
    for (const j of this.queue.splice(0)) j.cancelled = true;
    if (this.running) {
      this.running.cancelled = true;
      await this.running.worker?.terminate();
    }
    await this.post('__close', {}).catch(() => undefined);
    await this.session.terminate();
  }
}
