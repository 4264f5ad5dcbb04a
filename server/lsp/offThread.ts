// Linting large documents off the main thread (issue 23, item 1). One thread serves every request,
// and a lint runs synchronously: the full lint of a 1.9 MB file (a couple of seconds of parsing,
// query passes and rule checks) held up every hover and pull of every other file, and each
// keystroke's re-lint held them up again. Parsing it also grew the WebAssembly memory for good
// (WASM memory never shrinks). So documents of LARGE_DOCUMENT_CHARS or more are mirrored into a
// worker (Node: lintWorkerHost.ts / lintWorker.ts) that keeps their tree and incremental linter and
// lints them there; this thread keeps only their text. The worker stops once it holds no document,
// and its memory goes with it. Platforms without workers (the browser build) lint everything here.
//
// This file is the contract between the two sides: what ParsedDocument asks of the worker, and the
// messages that carry it. It imports nothing from Node, so the browser bundle can include it.
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import type { ConstructMatch } from '../docs/constructDocs';
import type { LintOptions } from '../engine/options';
import type { LintResult } from '../../common/types';

/**
 * Documents at least this long are linted off the main thread. Below it a full lint takes well under
 * a second (about 0.3 s per 100k characters on a busy machine) and keystrokes re-lint in tens of ms;
 * above it the first lint and the idle-time check hold everything up for seconds.
 */
export const LARGE_DOCUMENT_CHARS = 500_000;

/**
 * A lint on the main thread longer than this (in its rule checks) is stopped and done in the worker
 * instead, and the document stays there: keystroke re-lints take tens of ms, a normal file's full lint
 * a fraction of a second, and a hover waits for its document's lint.
 */
export const MAIN_THREAD_LINT_MS = 1000;

/**
 * Documents this long get that limit: a shorter one that lints slowly was usually held up by the machine
 * (its load, a first query compilation), not by its text, and in the worker it would wait behind a large
 * document's lint of minutes (the protocol fuzzer's 3.8k-character pulls went unanswered for 20 s); a
 * 100k-character module took over a second under the test suite's load, and its hover then found the
 * worker still starting. The dense text that held the fuzzer's requests had 145k characters.
 */
export const TIMED_LINT_MIN_CHARS = 120_000;

/**
 * Shorter documents get this longer limit: no file that size should take it, but one that does (a rule
 * whose cost grows faster than the text, on a deeply nested expression: an 87k-character document held
 * every request of the protocol fuzzer for over 20 s) goes to the worker instead of starving the others.
 */
export const SHORT_TEXT_LINT_MS = 4000;

/** A document moves back to the main thread only well below the limit, so typing around it does not ping-pong. */
export const SMALL_AGAIN_CHARS = LARGE_DOCUMENT_CHARS / 2;

/**
 * How long a hover or code action waits for a document's first lint in the worker (the server's INTERACTIVE_WAIT_MS for
 * the others): the whole text of at least LARGE_DOCUMENT_CHARS, seconds on a busy machine, so a longer wait mostly delays
 * an answer without findings. The 1.9 MB file's hover during its first lint took the whole 1.5 s; 0.6 MB files' first
 * lints took 1.3-2.3 s at load 8-12.
 */
export const FIRST_WORKER_LINT_WAIT_MS = 300;

/** A lint as the worker reports it: plain data, and how long its parse took. */
export interface RemoteLint extends LintResult {
  parseMs: number;
}

/** One document mirrored in the worker: its text follows every change sent here, in order. */
export interface RemoteDocument {
  change(changes: readonly TextDocumentContentChangeEvent[], version: number): void;
  lint(options: LintOptions): Promise<RemoteLint>;
  /** The construct note at an offset (hover), from the worker's tree. */
  construct(offset: number): Promise<ConstructMatch | null>;
  /** A module its last lint read changed: the next lint there is a full one. */
  dependencyChanged(): void;
  close(): void;
}

/** What the platform offers: mirrors of documents in a worker thread. */
export interface OffThreadLinter {
  /** False once the worker could not start or died: documents are linted on the main thread again. */
  readonly available: boolean;
  open(text: string, version: number, languageId: string, uri: string, onCorrected: () => void): RemoteDocument;
}

/** The worker is gone (it failed to start or crashed): lint on the main thread instead. */
export class WorkerUnavailable extends Error {}

// ---- messages ------------------------------------------------------------------------------------

export type ToWorker =
  | { kind: 'open'; key: number; uri: string; languageId: string; version: number; text: string }
  | { kind: 'change'; key: number; changes: readonly TextDocumentContentChangeEvent[]; version: number }
  | { kind: 'close'; key: number }
  | { kind: 'dependencyChanged'; key: number }
  | { kind: 'lint'; id: number; key: number; options: LintOptions }
  | { kind: 'construct'; id: number; key: number; offset: number };

export type FromWorker =
  | { kind: 'lint'; id: number; result: RemoteLint }
  | { kind: 'construct'; id: number; result: ConstructMatch | null }
  | { kind: 'failed'; id: number; error: string }
  /** The idle-time full lint found the incremental result inexact: the main thread drops what it cached. */
  | { kind: 'corrected'; key: number }
  | { kind: 'log'; message: string };

/** What the worker is started with (workerData). */
export interface WorkerStart {
  perflensLintWorker: true;
  /** Where the tree-sitter .wasm files are. */
  wasm: string;
}
