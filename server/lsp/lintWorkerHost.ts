// The main-thread side of off-thread linting (see offThread.ts), for Node: starts the worker when the
// first large document is mirrored, answers each request from its reply, and stops the worker once
// it has held no document for a moment: its tree-sitter memory (which never shrinks while the worker
// lives) goes back to the system. If the worker cannot start or dies, `available` turns false and
// every pending request fails with WorkerUnavailable: the documents are linted on the main thread.
import { Worker } from 'node:worker_threads';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import type { ConstructMatch } from '../docs/constructDocs';
import type { LintOptions } from '../engine/options';
import { WorkerUnavailable, type FromWorker, type OffThreadLinter, type RemoteDocument, type RemoteLint, type ToWorker, type WorkerStart } from './offThread';

/** How long the worker stays after its last document closed (a reopened file need not wait for a new one). */
export const WORKER_LINGER_MS = 1000;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class LintWorkerHost implements OffThreadLinter {
  private worker: Worker | null = null;
  private broken = false;
  private nextKey = 0;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  /** Open mirrors: key → what to call when the worker corrects that document's result. */
  private readonly mirrors = new Map<number, () => void>();
  private lingerTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    /** The script the worker runs (dist/server.js: main.ts starts the worker side when it is not the main thread). */
    private readonly script: string,
    private readonly start: WorkerStart,
    private readonly log: (message: string) => void,
  ) {}

  get available(): boolean {
    return !this.broken;
  }

  open(text: string, version: number, languageId: string, uri: string, onCorrected: () => void): RemoteDocument {
    const key = ++this.nextKey;
    clearTimeout(this.lingerTimer);
    this.mirrors.set(key, onCorrected);
    this.send({ kind: 'open', key, uri, languageId, version, text });
    return {
      change: (changes: readonly TextDocumentContentChangeEvent[], v: number) => this.send({ kind: 'change', key, changes, version: v }),
      lint: (options: LintOptions) => this.request<RemoteLint>((id) => ({ kind: 'lint', id, key, options })),
      construct: (offset: number) => this.request<ConstructMatch | null>((id) => ({ kind: 'construct', id, key, offset })),
      dependencyChanged: () => this.send({ kind: 'dependencyChanged', key }),
      close: () => this.close(key),
    };
  }

  /** Stops the worker now (server shutdown). */
  dispose(): void {
    clearTimeout(this.lingerTimer);
    void this.worker?.terminate();
    this.worker = null;
  }

  private close(key: number): void {
    if (!this.mirrors.delete(key)) return;
    this.send({ kind: 'close', key });
    if (this.mirrors.size > 0) return;
    this.lingerTimer = setTimeout(() => {
      if (this.mirrors.size > 0 || this.pending.size > 0) return;
      const worker = this.worker;
      this.worker = null;
      void worker?.terminate();
    }, WORKER_LINGER_MS);
    this.lingerTimer.unref?.();
  }

  private request<T>(message: (id: number) => ToWorker): Promise<T> {
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.send(message(id));
    });
  }

  private send(message: ToWorker): void {
    if (this.broken) {
      if ('id' in message) this.settle(message.id, new WorkerUnavailable('the lint worker is not running'));
      return;
    }
    this.ensureWorker().postMessage(message);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script, { workerData: this.start });
    worker.on('message', (message: FromWorker) => this.receive(message));
    worker.on('error', (error) => this.fail(worker, `the lint worker failed: ${error.stack ?? error.message}`));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.fail(worker, `the lint worker exited (code ${code})`);
    });
    worker.unref(); // it must never keep the server alive on its own
    this.worker = worker;
    return worker;
  }

  private receive(message: FromWorker): void {
    switch (message.kind) {
      case 'lint':
      case 'construct':
        return this.settle(message.id, message.result);
      case 'failed':
        return this.settle(message.id, new Error(message.error));
      case 'corrected':
        return this.mirrors.get(message.key)?.();
      case 'log':
        return this.log(message.message);
    }
  }

  private settle(id: number, outcome: unknown): void {
    const pending = this.pending.get(id);
    this.pending.delete(id);
    if (outcome instanceof Error) pending?.reject(outcome);
    else pending?.resolve(outcome);
  }

  /** The worker is gone: from now on everything is linted on the main thread. */
  private fail(worker: Worker, reason: string): void {
    if (this.worker !== worker) return;
    this.worker = null;
    this.broken = true;
    this.log(`perflens: ${reason}; linting large files on the main thread from now on`);
    for (const id of [...this.pending.keys()]) this.settle(id, new WorkerUnavailable(reason));
  }
}
