// An open document: its text (LSP's TextDocument) and its tree-sitter tree, kept in step by
// applying each incremental change to both. The tree is re-parsed lazily, once per batch of edits.
// A text over max-file-size is never parsed; a large one is linted off the main thread when the
// platform can (offThread.ts): then a worker keeps the tree, and this thread only the text.
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Range, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { LintOverBudget, ParseSkipped, ParseTimeout, skippedResult, type Engine, type LintDetails } from '../engine/engine';
import { IncrementalLinter, type TextChange } from '../engine/incremental';
import type { LintOptions } from '../engine/options';
import { Edit, type Node, type Tree } from '../syntax/parser';
import type { ConstructMatch } from '../docs/constructDocs';
import type { LintResult } from '../../common/types';
import { constructNoteAt } from './hover';
import { setTimeoutReported } from './scheduling';
import {
  LARGE_DOCUMENT_CHARS,
  MAIN_THREAD_LINT_MS,
  SHORT_TEXT_LINT_MS,
  SMALL_AGAIN_CHARS,
  TIMED_LINT_MIN_CHARS,
  WorkerUnavailable,
  type OffThreadLinter,
  type RemoteDocument,
  type RemoteLint,
} from './offThread';

/** How long the editor must be idle before an incremental result is checked against a full lint. */
export const VERIFY_AFTER_MS = 400;
/** How long after a full lint the queries for the next keystroke's incremental lint are compiled. */
export const PREPARE_AFTER_MS = 50;

/** The text changed while its lint ran off the main thread: the result is for text the document no longer has. */
export class StaleLint extends Error {
  constructor() {
    super('the document changed while it was linted');
  }
}

/** The last revision handed out: one counter for every document, so no two texts ever share a revision. */
let lastRevision = 0;

/**
 * Engines that have run a lint on this thread. The first one is also V8's first run of the lint's code and the first
 * compiles of its queries: the 3.5k-line bench module (120k characters) took 1.3-1.8 s for its first full lint at load
 * 11 on 2 cores, 0.2-0.4 s for its third. Held to MAIN_THREAD_LINT_MS, the first long file of a session went to the
 * worker for good (slowHereAt) because V8 was cold, not because of its text (a fresh server did so with the bench
 * module in most runs at load 10-21), and every keystroke then paid the worker's round trip. So that first lint gets
 * the short texts' limit.
 */
const warmEngines = new WeakSet<Engine>();

export class ParsedDocument {
  /**
   * Identifies this text: new on every didOpen and every didChange. Clients may send a version number
   * twice (a didChange that reuses it, a second didOpen without a close), so results are cached by
   * revision, never by version (issue 23).
   */
  revision = ++lastRevision;
  private tree: Tree | null = null;
  /** The tree has edits that were not re-parsed yet. */
  private stale = true;
  /** Edits since the last lint (offsets), or null when they are unknown (full-text change). */
  private changes: TextChange[] | null = null;
  /**
   * What the range edits since the last successful parse changed: nothing yet (undefined), one edit's new text (a
   * keystroke: only there can the text have become too deeply indented to parse), or null for several edits, when
   * the whole text is checked.
   */
  private editedSinceParse: { start: number; end: number } | null | undefined = undefined;
  /** tree-sitter's changed ranges between the last linted tree and the current one. */
  private changedRanges: { startIndex: number; endIndex: number }[] = [];
  /** The text (revision, never the version: a client may reuse one) whose parse ran out of time or was refused (not retried until the next edit). */
  private parseFailed: { revision: number; error: ParseSkipped } | null = null;
  private readonly linter: IncrementalLinter;
  private verifyTimer: ReturnType<typeof setTimeout> | undefined;
  private prepareTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * Called when the idle-time full lint found that an incremental result was not exact (the text then
   * has a new revision): the caller should drop what it cached and publish (or let the client pull) again.
   */
  onCorrected: (() => void) | undefined;
  /** Hears a failure of this document's idle-time work (the check, the query preparation): the server logs it. */
  onError: (error: unknown) => void = (error) => console.error(`perflens: idle-time work failed: ${String(error)}`);
  /** Resolves when background work may run (the server's Scheduler): the check is a full lint. */
  backgroundTurn: (() => Promise<void>) | undefined;
  /** Lints large texts in a worker, when the platform has one (set by the server). */
  offThread: OffThreadLinter | undefined;
  /** This document's mirror in the worker, while its text is large. */
  private remote: RemoteDocument | null = null;
  /**
   * The length of the text when a lint here ran past MAIN_THREAD_LINT_MS (a dense text: thousands of
   * findings, or matches that cost much each): the document is linted in the worker from then on,
   * until its text shrinks to half that.
   */
  private slowHereAt: number | undefined;
  /** The time limit of a lint here of a text under TIMED_LINT_MIN_CHARS, and of the engine's first lint (tests lower it). */
  shortTextLintMs = SHORT_TEXT_LINT_MS;
  /** The time limit of a lint here of a longer text on a warm engine (tests lower it). */
  longTextLintMs = MAIN_THREAD_LINT_MS;
  /** The worker's lint of a revision, shared by the requests that want it (a pull and a hover). */
  private remoteLint: { revision: number; optionsKey: string; result: Promise<RemoteLint> } | null = null;
  /** Whether the worker's mirror of this document (remote) has answered a lint. */
  private remoteLinted = false;

  constructor(
    private text: TextDocument,
    private readonly engine: Engine,
  ) {
    this.linter = new IncrementalLinter(engine);
  }

  get uri(): string {
    return this.text.uri;
  }
  get version(): number {
    return this.text.version;
  }
  get languageId(): string {
    return this.text.languageId;
  }
  get document(): TextDocument {
    return this.text;
  }
  getText(): string {
    return this.text.getText();
  }

  /** The current tree, parsing incrementally from the previous one when there were edits. */
  getTree(): Tree {
    if (this.stale || !this.tree) {
      if (this.parseFailed?.revision === this.revision) throw this.parseFailed.error;
      const old = this.tree;
      let tree: Tree;
      try {
        tree = this.engine.parse(this.text.getText(), old, old && this.editedSinceParse ? this.editedSinceParse : undefined);
      } catch (error) {
        // Keep the old (edited) tree: the next edit re-tries from it.
        if (error instanceof ParseSkipped) this.parseFailed = { revision: this.revision, error };
        throw error;
      }
      // The old tree is needed until its changed ranges are known; then WASM memory is freed.
      // web-tree-sitter's contract: called on the old (edited) tree, given the new one.
      if (old && this.changes && this.changes.some((c) => inDeeplyNestedStatement(tree, c.start, c.newEnd))) this.changes = null;
      if (old && this.changes) this.changedRanges.push(...old.getChangedRanges(tree));
      old?.delete();
      this.tree = tree;
      this.stale = false;
      this.editedSinceParse = undefined;
    }
    return this.tree;
  }

  /** The tree for a quick look (completion), or null where getting one costs too much: a large text linted in the worker, a parse over budget. */
  quickTree(): Tree | null {
    if (this.remote || this.engine.tooLarge(this.getText(), {})) return null;
    try {
      return this.getTree();
    } catch (error) {
      if (error instanceof ParseTimeout) return null;
      throw error;
    }
  }

  /**
   * Lints the current version, re-linting only what the edits since the last lint can have
   * changed (see engine/incremental.ts). An incremental result is checked against a full lint once
   * the editor has been idle for VERIFY_AFTER_MS; onCorrected hears about any difference.
   */
  lint(options: LintOptions): LintDetails {
    // Over max-file-size: say so without parsing (a 5 MB file costs seconds and hundreds of MB to
    // parse), and keep no tree: the next lint under the limit parses afresh.
    const tooLarge = this.engine.tooLarge(this.text.getText(), options);
    if (tooLarge) {
      this.dropTree();
      this.lastParseMs = 0;
      return tooLarge;
    }
    let tree: Tree;
    const parseStarted = performance.now();
    try {
      tree = this.getTree();
      this.lastParseMs = performance.now() - parseStarted;
    } catch (error) {
      this.lastParseMs = performance.now() - parseStarted;
      if (!(error instanceof ParseSkipped)) throw error;
      this.linter.reset();
      // A timeout depends on the machine's load (the next version may parse); a refusal is the text's own.
      const note = error instanceof ParseTimeout ? `${error.message}; perflens skipped this version of the file` : error.message;
      return skippedResult(this.getText(), note);
    }
    const partialsBefore = this.linter.stats.partial;
    const fullsBefore = this.linter.stats.full;
    const details = this.linter.lint(tree, this.getText(), options, this.changes, this.changedRanges);
    if (this.linter.stats.full > fullsBefore) this.prepareNextEdit();
    this.changes = [];
    this.changedRanges = [];
    clearTimeout(this.verifyTimer);
    if (this.linter.stats.partial > partialsBefore) {
      const version = this.version;
      this.verifyTimer = setTimeoutReported(
        async () => {
          await this.backgroundTurn?.();
          if (this.version !== version || !this.tree || this.stale) return;
          if (!this.verifyWithinLimit(options, details)) this.corrected();
        },
        VERIFY_AFTER_MS,
        (error) => this.onError(error),
      );
      this.verifyTimer.unref?.();
    }
    return details;
  }

  /**
   * Lints the current text where it costs the editor least: over max-file-size nowhere (the notice
   * only), a large text in the worker, any other here. Throws StaleLint when the text changed while
   * the worker linted it.
   */
  async lintSomewhere(options: LintOptions): Promise<LintResult> {
    const length = this.text.getText().length;
    if (this.engine.tooLarge(this.text.getText(), options)) {
      this.leaveWorker();
      return this.lint(options);
    }
    if (this.belongsInWorker(length)) {
      try {
        return await this.lintInWorker(options);
      } catch (error) {
        if (!(error instanceof WorkerUnavailable)) throw error;
      }
    }
    this.leaveWorker();
    if (!this.offThread?.available) return this.lint(options);
    // Where a worker can take over, a lint here has a time limit: size alone does not tell what a text
    // costs (145k characters of dense code held every other request for over 20 s on a loaded machine).
    const started = performance.now();
    const limitMs = this.mainThreadLimitMs(length);
    const result = this.underTimeLimit(length, limitMs, () => this.lint(options));
    if (result) {
      // Over the limit with no rule check left to stop it (the parse, the query passes): the next lint goes to the worker.
      if (performance.now() - started > limitMs) this.slowHereAt = length;
      return result;
    }
    try {
      return await this.lintInWorker(options);
    } catch (error) {
      if (!(error instanceof WorkerUnavailable)) throw error;
    }
    this.leaveWorker();
    return this.lint(options);
  }

  /**
   * The idle-time full lint that checks an incremental one; false when it differs. It runs on this thread
   * with the same time limit as a lint here: a text whose edits re-lint quickly can still cost seconds in
   * full (a 200k-character chain of additions), and every other document's requests would wait. Over the
   * limit, the document moves to the worker, whose lint then replaces these findings.
   */
  private verifyWithinLimit(options: LintOptions, details: LintDetails): boolean {
    const check = () => this.linter.verify(this.tree!, this.getText(), options, details).same;
    if (!this.offThread?.available) return check();
    const length = this.text.getText().length;
    return this.underTimeLimit(length, this.mainThreadLimitMs(length), check) ?? false;
  }

  /** How long a lint may run on this thread before the document is handed to the worker. */
  private mainThreadLimitMs(length: number): number {
    return length >= TIMED_LINT_MIN_CHARS && warmEngines.has(this.engine) ? this.longTextLintMs : this.shortTextLintMs;
  }

  /**
   * Runs a lint (or the idle check) here under the thread's time limit; undefined when it was stopped at
   * the limit, and then the document's next lints go to the worker.
   */
  private underTimeLimit<T>(length: number, limitMs: number, work: () => T): T | undefined {
    this.engine.lintDeadline = performance.now() + limitMs;
    try {
      return work();
    } catch (error) {
      if (!(error instanceof LintOverBudget)) throw error;
      this.linter.reset();
      this.slowHereAt = length;
      return undefined;
    } finally {
      this.engine.lintDeadline = undefined;
      warmEngines.add(this.engine);
    }
  }

  /** The construct note at an offset (hover): from the worker's tree for a large text, else from this one. */
  async constructNote(offset: number): Promise<ConstructMatch | null> {
    if (!this.remote) {
      let tree: Tree;
      try {
        tree = this.getTree();
      } catch (error) {
        if (error instanceof ParseSkipped) return null; // a skipped version has no notes, as it has no findings
        throw error;
      }
      return constructNoteAt(tree, this.getText(), offset);
    }
    try {
      return await this.remote.construct(offset);
    } catch (error) {
      if (error instanceof WorkerUnavailable) return null;
      throw error;
    }
  }

  /**
   * Whether its next lint is its first in the worker: the whole text there (seconds for a large one, and the worker's
   * start), where later lints re-lint an edit's region. A hover or code action waits less for it (FIRST_WORKER_LINT_WAIT_MS).
   */
  get awaitsFirstWorkerLint(): boolean {
    return this.remote === null ? this.belongsInWorker(this.text.getText().length) : !this.remoteLinted;
  }

  private belongsInWorker(length: number): boolean {
    if (!this.offThread?.available) return false;
    if (this.slowHereAt !== undefined && length >= this.slowHereAt / 2) return true;
    return length >= (this.remote ? SMALL_AGAIN_CHARS : LARGE_DOCUMENT_CHARS);
  }

  private async lintInWorker(options: LintOptions): Promise<RemoteLint> {
    if (!this.remote) {
      this.dropTree(); // the worker keeps the tree now: free this thread's
      this.remote = this.offThread!.open(this.getText(), this.version, this.languageId, this.uri, () => this.corrected());
      this.remoteLinted = false;
    }
    const revision = this.revision;
    const optionsKey = JSON.stringify(options);
    const running = this.remoteLint;
    if (running && running.revision === revision && running.optionsKey === optionsKey) return running.result;
    const remote = this.remote;
    const result = (async () => {
      // One lint at a time per document: a newer text waits for the one running, then (if it is
      // still the current text) is linted; typing never queues a lint per keystroke in the worker.
      await running?.result.catch(() => undefined);
      if (this.revision !== revision || this.remote !== remote) throw new StaleLint();
      const lint = await remote.lint(options);
      if (this.remote === remote) this.remoteLinted = true;
      this.lastParseMs = lint.parseMs;
      return lint;
    })();
    this.remoteLint = { revision, optionsKey, result };
    return result;
  }

  /** Back to this thread (the text shrank, went over max-file-size, or the worker is gone). */
  private leaveWorker(): void {
    this.remote?.close();
    this.remote = null;
    this.remoteLint = null;
  }

  /** After a full lint, when idle: ready the queries the next edit's incremental lint runs. */
  private prepareNextEdit(): void {
    clearTimeout(this.prepareTimer);
    this.prepareTimer = setTimeoutReported(
      async () => {
        await this.backgroundTurn?.();
        if (this.tree) this.linter.prepareRegions();
      },
      PREPARE_AFTER_MS,
      (error) => this.onError(error),
    );
    this.prepareTimer.unref?.();
  }

  /** The incremental re-parse's share of the last lint, in ms (0 when the tree was already current). */
  lastParseMs = 0;

  /** How many full and incremental lints this document had (tests, bench). */
  get lintStats(): IncrementalLinter['stats'] {
    return this.linter.stats;
  }

  /** Applies LSP content changes in order, telling the old tree about each edit. */
  update(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    // The worker's mirror applies the same changes to the same text, in the same order.
    this.remote?.change(changes, version);
    for (const raw of changes) {
      if ('range' in raw) {
        const change = clampedChange(this.text, raw);
        if (this.tree) {
          const start = this.text.offsetAt(change.range.start);
          const oldEnd = this.text.offsetAt(change.range.end);
          const newEnd = start + change.text.length;
          this.changes?.push({ start, oldEnd, newEnd });
          // Changed ranges of an earlier parse are in that tree's offsets: with edits after it, lint in full.
          if (!this.stale && this.changedRanges.length > 0) this.changes = null;
          // The parser reads a lone "\r" as "\n" (textForLexer), so an edit just after a "\r" can turn it
          // into half of a "\r\n" or back: tell the tree the "\r" changed too. The points are LSP lines,
          // which is how tree-sitter counts rows once lone "\r"s read as "\n".
          const from = this.text.getText().charCodeAt(start - 1) === 13 ? start - 1 : start;
          const startPosition = toPoint(this.text.positionAt(from));
          const oldEndPosition = toPoint(change.range.end);
          const newEndPosition = endPoint(toPoint(change.range.start), change.text);
          this.tree.edit(new Edit({ startIndex: from, oldEndIndex: oldEnd, newEndIndex: newEnd, startPosition, oldEndPosition, newEndPosition }));
          this.editedSinceParse = this.editedSinceParse === undefined ? { start, end: newEnd } : null;
        }
        this.text = TextDocument.update(this.text, [change], version);
      } else {
        const change = raw;
        // A full-text change: nothing to reuse.
        this.tree?.delete();
        this.tree = null;
        this.changes = null;
        this.changedRanges = [];
        this.text = TextDocument.update(this.text, [change], version);
      }
    }
    this.text = TextDocument.update(this.text, [], version);
    this.stale = true;
    this.revision = ++lastRevision;
  }

  /**
   * The idle-time full lint (here or in the worker) found the last result inexact. The text gets a new
   * revision, as after an edit: every result cached for the old one (the server's, a worker lint shared
   * by revision) is out, and a pull's result id changes, so the client takes the corrected diagnostics
   * instead of an 'unchanged' answer that would keep the stale ones in the editor.
   */
  private corrected(): void {
    this.revision = ++lastRevision;
    this.onCorrected?.();
  }

  /**
   * A file that this document's last lint read (an imported module) changed: the next lint is a full one,
   * here or in the worker. An incremental lint would keep findings that rest on the module's old text.
   */
  dependencyChanged(): void {
    // A new revision: a lint still running on the old module text is stale, and a pull's result id changes
    // (an 'unchanged' answer would keep the old diagnostics in the editor).
    this.revision = ++lastRevision;
    clearTimeout(this.verifyTimer);
    this.linter.reset();
    this.remoteLint = null;
    this.remote?.dependencyChanged();
  }

  /** Whether a tree is kept (tests: a skipped document keeps none). */
  get hasTree(): boolean {
    return this.tree !== null;
  }

  /** Frees the tree and what the incremental linter learned from it; the next lint is a full one. */
  private dropTree(): void {
    clearTimeout(this.verifyTimer);
    clearTimeout(this.prepareTimer);
    this.tree?.delete();
    this.tree = null;
    this.changes = null;
    this.changedRanges = [];
    this.editedSinceParse = undefined;
    this.linter.reset();
  }

  dispose(): void {
    this.dropTree();
    this.leaveWorker();
  }
}

/**
 * The change with its range inside the text and in order. TextDocument.update takes the text apart
 * by offsets (which it clamps) but updates its line index by the range's line numbers (which it
 * does not): a range past the last line left a corrupt line index, and every later position, edit
 * and diagnostic was wrong, later edits even changed the wrong text (found by the protocol fuzzer).
 * Clamped, both agree, and the text is what the unclamped change made of it.
 */
export function clampedChange(doc: TextDocument, change: { range: Range; text: string }): { range: Range; text: string } {
  const a = doc.offsetAt(change.range.start);
  const b = doc.offsetAt(change.range.end);
  return { range: { start: doc.positionAt(Math.min(a, b)), end: doc.positionAt(Math.max(a, b)) }, text: change.text };
}

/** TextDocument.update with each ranged change clamped first (for documents this file does not hold: notebook cells). */
export function updateClamped(doc: TextDocument, changes: readonly TextDocumentContentChangeEvent[], version: number): TextDocument {
  for (const change of changes) doc = TextDocument.update(doc, ['range' in change ? clampedChange(doc, change) : change], version);
  return TextDocument.update(doc, [], version);
}

function toPoint(position: { line: number; character: number }): { row: number; column: number } {
  return { row: position.line, column: position.character };
}

function endPoint(start: { row: number; column: number }, inserted: string): { row: number; column: number } {
  const lines = inserted.split(/\r\n|\r|\n/);
  if (lines.length === 1) return { row: start.row, column: start.column + inserted.length };
  return { row: start.row + lines.length - 1, column: lines[lines.length - 1].length };
}

/**
 * Nesting this deep in a top-level statement around an edit makes the edit a full lint, without asking
 * tree-sitter for the changed ranges: its comparison of the old and new trees grows with the square of
 * the nesting when the edit changes the structure (a `"` typed into the protocol fuzzer's 200k-character
 * `x = "…" + 1 + 1 + …` took 20–48 s in `getChangedRanges`; 3,000 nested calls in 9k characters, 0.3 s),
 * against 0.3 s for a full lint. Ordinary code nests a few dozen nodes deep.
 */
export const DEEP_NESTING = 400;

/** Statements shorter than this are not probed: nesting too deep to matter needs more text. */
const PROBED_STATEMENT_CHARS = 4_000;

/**
 * The edited span [start, end] lies in a long top-level statement nested DEEP_NESTING nodes deep along
 * the path that deep nesting takes: down the child holding the most text (a chain of `+`, `.` or calls
 * grows its left operand; nested brackets, their middle), or towards the edit where a node has a block or
 * too many children to compare. A few hundred node reads at most; a walk of the whole statement would
 * cost milliseconds per keystroke in a long class.
 */
function inDeeplyNestedStatement(tree: Tree, start: number, end: number): boolean {
  for (const offset of [start, end]) {
    const statement = tree.rootNode.firstChildForIndex(offset);
    if (!statement || statement.startIndex > offset || statement.endIndex - statement.startIndex < PROBED_STATEMENT_CHARS) continue;
    if (depthAlong(statement, (node) => largestChild(node) ?? node.firstChildForIndex(offset)) >= DEEP_NESTING) return true;
  }
  return false;
}

/** The child spanning the most text; null for a block (its statements nest by indentation) or a node with many children. */
function largestChild(node: Node): Node | null {
  if (node.type === 'block' || node.childCount > 16) return null;
  let largest: Node | null = null;
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (!largest || child.endIndex - child.startIndex > largest.endIndex - largest.startIndex) largest = child;
  }
  return largest;
}

/** How many steps `next` takes down from the node, stopping at DEEP_NESTING. */
function depthAlong(node: Node, next: (node: Node) => Node | null): number {
  let depth = 0;
  for (let n: Node | null = next(node); n && depth < DEEP_NESTING; n = next(n)) depth++;
  return depth;
}
