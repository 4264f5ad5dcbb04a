// Checks many files across cores: worker threads, each with its own Engine (tree-sitter's WASM
// instance is single-threaded), fed small batches so that one big file does not leave a core idle.
// Small runs stay in-process: a worker costs its start-up and its own query compilation.
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { ALL_RULES } from '../rules';
import { Engine } from '../server/engine/engine';
import type { LintOptions } from '../server/engine/options';
import { NODE_FILES } from '../server/project/fileProbe';
import { compileWasm, WASM_FILES, type CompiledPython } from '../server/syntax/parser';
import { LineIndex } from '../server/syntax/text';
import { checkFile, type CheckOptions, type FileKind, type FileReport } from './check';

export interface CheckJob {
  file: string;
  options: LintOptions;
  kind: FileKind;
  /** Named on the command line (not found by a folder walk): a file that cannot be checked is a usage error. */
  explicit: boolean;
}

/** Below this many files one thread is faster than starting workers. */
export const MIN_FILES_PER_WORKER = 24;
const BATCH = 8;

type ToWorker = { jobs: { index: number; job: CheckJob }[] } | { done: true };
type FromWorker = { ready: true } | { reports: { index: number; report: FileReport }[] } | { fatal: string };

interface WorkerInit {
  perflensWorker: true;
  check: CheckOptions;
  /** The `.wasm` files, compiled once by the main thread for every worker. */
  wasm: CompiledPython;
}

/**
 * V8's budget before a function is sent to its optimising compiler (TurboFan), twice V8 11's default. Each isolate (each
 * worker) optimises the engine's and rules' code on its own, on background threads: with two workers on the CPython
 * stdlib about 2.0-2.7 s of the run's CPU against 9-10 s of linting, much of it for functions that run a few thousand
 * times and are optimised again after each deoptimisation. With twice the budget only the hotter ones are, earlier
 * enough: that background time fell by about 0.5-0.7 s and the workers' own time barely moved. V8's flags are
 * per process: set here, for the batch run only (the language server keeps V8's default).
 */
const BATCH_INTERRUPT_BUDGET = 135_168;

/** How many threads to use for this many files (`requested` from --threads; 0 = automatic). */
export function threadCount(files: number, requested: number): number {
  const cores = Math.max(1, availableParallelism());
  if (requested > 0) return Math.min(requested, Math.max(1, files));
  return Math.max(1, Math.min(cores, 8, Math.floor(files / MIN_FILES_PER_WORKER)));
}

/**
 * Wall-clock budgets of a batch run. The engine's defaults keep the editor responsive; a CI run must instead give the same
 * findings on a busy machine, where a rule's checks on a large file can take ten times their usual time (a full-repository
 * lint at load 23 on 2 cores lost a rule's findings on one file this way). These still stop a rule or a parse that hangs.
 */
export const BATCH_BUDGETS = { rule: { base: 10_000, perChar: 0.01 }, parseMs: 60_000 } as const;

/**
 * An engine for checking files from disk in a batch: the file system for project lookups, and the batch budgets. It
 * compiles no rule set at start-up: the engine's default, the default rules, is not the set a batch runs (JSON output
 * leaves the rules in preview out, CheckOptions.hintsUnseen; a project's config selects its own), and compiling it cost
 * each check worker tens of ms before its first file (its base query is the largest, 111 rules' patterns), on every
 * worker's path to its first file. The first file compiles the set it needs.
 */
export async function batchEngine(wasm: CompiledPython | string = __dirname): Promise<Engine> {
  const engine = await Engine.create(ALL_RULES, wasm, null);
  engine.files = NODE_FILES;
  engine.ruleBudgetMs = { ...BATCH_BUDGETS.rule };
  engine.parseTimeoutMs = BATCH_BUDGETS.parseMs;
  return engine;
}

export async function checkFiles(
  jobs: readonly CheckJob[],
  check: CheckOptions,
  threads: number,
  entry: string,
  started: StartedWorkers | null = null,
): Promise<FileReport[]> {
  setFlagsFromString(`--interrupt-budget=${BATCH_INTERRUPT_BUDGET}`);
  const workers = started ?? (threads > 1 ? startWorkers(threads, check, entry) : null);
  if (threads <= 1 || !workers) {
    await workers?.stop();
    const engine = await batchEngine(workers?.wasm);
    try {
      return jobs.map((j) => checkFile(engine, j.file, j.options, check, j.kind, j.explicit));
    } finally {
      engine.dispose();
    }
  }
  return workers.run(jobs, threads);
}

/** Check workers started before their jobs are known (see startWorkers). */
export interface StartedWorkers {
  /** Checks the jobs on `threads` of the workers (the others are stopped), biggest file first. */
  run(jobs: readonly CheckJob[], threads: number): Promise<FileReport[]>;
  /** Stops every worker (none is needed: too few files). */
  stop(): Promise<void>;
  /** The `.wasm` modules compiled for the workers: a check in this thread uses them too. */
  wasm: CompiledPython;
}

/**
 * Starts `count` check workers now. A worker takes about as long to start (Node's start-up in the thread, the bundle
 * loaded again, its engine and base query) as the main thread takes to find and sort the files: started before the
 * folder walk, the two overlap instead of following each other. CPython's standard library, 2 workers, at load 13-19 on
 * 2 cores: the walk and sort took 0.4-0.9 s, a worker's start 1.7-2.3 s; the first batch went out 2.0-3.8 s after the
 * process started (2.5-4.0 s when the workers started after the walk, five alternating runs). Each worker says when it
 * is ready; the jobs go out once both that and the job list are known. A folder of too few files for workers pays
 * for starting and stopping them: about 0.05 s of CPU.
 */
export function startWorkers(count: number, check: CheckOptions, entry: string): StartedWorkers {
  setFlagsFromString(`--interrupt-budget=${BATCH_INTERRUPT_BUDGET}`);
  const wasm = compilePython(__dirname);
  let queue: { jobs: readonly CheckJob[]; order: number[]; reports: FileReport[]; wanted: number } | null = null;
  let next = 0;
  const take = () => {
    const batch: { index: number; job: CheckJob }[] = [];
    while (queue && batch.length < BATCH && next < queue.order.length) {
      const index = queue.order[next++];
      batch.push({ index, job: queue.jobs[index] });
    }
    return batch;
  };
  const pool = Array.from({ length: count }, (_, i) => {
    const init: WorkerInit = { perflensWorker: true, check, wasm };
    const worker = new Worker(entry, { workerData: init });
    const state = { worker, ready: false, doneSent: false, stopped: false, exited: null as Promise<void> | null };
    const feed = () => {
      if (state.doneSent || !queue) return;
      const batch = take();
      state.doneSent = batch.length === 0;
      // A worker handles its messages in order, so `done` arrives after every batch it was sent.
      worker.postMessage((batch.length ? { jobs: batch } : { done: true }) satisfies ToWorker);
    };
    state.exited = new Promise<void>((resolve, reject) => {
      worker.on('message', (msg: FromWorker) => {
        if ('fatal' in msg) reject(new Error(msg.fatal));
        else if ('ready' in msg) {
          state.ready = true;
          if (queue && i >= queue.wanted) return;
          // Two batches in flight: the worker starts the next one while its results travel back.
          feed();
          feed();
        } else {
          for (const { index, report } of msg.reports) queue!.reports[index] = revive(report);
          feed();
        }
      });
      worker.on('error', reject);
      worker.on('exit', (code) => (code === 0 || state.stopped ? resolve() : reject(new Error(`a check worker exited with code ${code}`))));
    });
    // Until run() waits for it, a failed start must not be an unhandled rejection: run() reports it.
    state.exited.catch(() => undefined);
    return { state, feed };
  });
  const stopFrom = async (first: number) => {
    for (const { state } of pool.slice(first)) {
      state.stopped = true;
      void state.worker.terminate();
    }
    // A worker not needed may have failed to start: that is no failure of the run.
    await Promise.all(pool.slice(first).map(({ state }) => state.exited!.catch(() => undefined)));
  };
  return {
    async run(jobs, threads) {
      const wanted = Math.min(threads, count);
      queue = { jobs, order: largestFirst(jobs), reports: new Array<FileReport>(jobs.length), wanted };
      const spare = stopFrom(wanted);
      for (const { state, feed } of pool.slice(0, wanted)) {
        if (!state.ready) continue;
        feed();
        feed();
      }
      await Promise.all([...pool.slice(0, wanted).map(({ state }) => state.exited), spare]);
      return queue.reports;
    },
    stop: () => stopFrom(0),
    wasm,
  };
}

/**
 * Job indices, biggest file first: the long files start early and small ones fill the gaps at the
 * end, so no thread is left with one big file while the others are idle.
 */
function largestFirst(jobs: readonly CheckJob[]): number[] {
  const sizes = jobs.map((j) => {
    try {
      return statSync(j.file).size;
    } catch {
      return 0; // unreadable: checkFile reports it
    }
  });
  return jobs.map((_, i) => i).sort((a, b) => sizes[b] - sizes[a] || a - b);
}

/** True in a worker started by checkFiles: the CLI entry point runs the worker loop instead of main(). */
export function isCheckWorker(): boolean {
  return !isMainThread && (workerData as WorkerInit | undefined)?.perflensWorker === true;
}

export async function runCheckWorker(): Promise<void> {
  const port = parentPort!;
  const { check, wasm } = workerData as WorkerInit;
  let engine: Engine;
  try {
    engine = await batchEngine(wasm);
  } catch (error) {
    port.postMessage({ fatal: String(error) } satisfies FromWorker);
    return;
  }
  port.on('message', (msg: ToWorker) => {
    if ('done' in msg) {
      engine.dispose();
      port.close();
      return;
    }
    const reports = msg.jobs.map(({ index, job }) => {
      const report = checkFile(engine, job.file, job.options, check, job.kind, job.explicit);
      // Row/column conversion needs the line index only where there is something to print.
      if (report.findings.length === 0) delete report.lines;
      return { index, report };
    });
    port.postMessage({ reports } satisfies FromWorker);
  });
  port.postMessage({ ready: true } satisfies FromWorker);
}

/** Both `.wasm` files beside the bundle, compiled (see CompiledPython). */
function compilePython(folder: string): CompiledPython {
  return {
    runtime: compileWasm(readFileSync(path.join(folder, WASM_FILES.runtime))),
    grammar: compileWasm(readFileSync(path.join(folder, WASM_FILES.grammar))),
  };
}

/** Structured clone keeps a LineIndex's fields but not its class. */
function revive(report: FileReport): FileReport {
  if (report.lines) Object.setPrototypeOf(report.lines, LineIndex.prototype);
  return report;
}
