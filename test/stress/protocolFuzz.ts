// The protocol fuzzer (issue 23, "keep it broken-proof"): seeded random but valid-shaped LSP traffic
// against the real server over stdio. Documents are opened (again, without a close), changed with
// reused and out-of-order versions and out-of-range ranges, closed (also when unknown); huge texts,
// syntax errors, NUL, astral characters and CRLF; hovers, code actions, unknown commands and pulls
// interleaved and cancelled in flight; every returned WorkspaceEdit is applied to the client's copy.
// Invariants: the server never exits and answers every request within a bound, without an internal
// error; an edit names the version it was computed for; a fix never breaks a parse that was clean;
// and the diagnostics once settled equal a fresh full lint of the client's text.
// Used by test/stress/protocolFuzz.test.ts (a short run in npm test) and stress.ts (npm run stress).
import { writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancellationTokenSource, ResponseError } from 'vscode-jsonrpc/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ParseSkipped, type Engine } from '../../server/engine/engine';
import type { Tree } from '../../server/syntax/parser';
import { DEFAULT_MAX_FILE_SIZE, layerOptions } from '../../server/engine/options';
import { LARGE_DOCUMENT_CHARS } from '../../server/lsp/offThread';
import { DEFAULT_SETTINGS } from '../../common/protocol';
import { TestClient, type Diag } from '../lsp/lspClient';
import { fixtureSources, hostileInputs, mutate, rng } from './corpus';

export interface FuzzOptions {
  seed: number;
  durationMs: number;
  /** The engine the settled diagnostics are compared with (a fresh full lint). */
  engine: Engine;
  /** A request unanswered this long is a violation (but see BACKGROUND_LINT_BOUND_MS). */
  responseBoundMs?: number;
  /** Roughly one operation in this many opens a huge document (0.6–3 MB); 0: never. */
  hugeEvery?: number;
  /** Another build's server.js (PERFLENS_TEST_SERVER as in lspClient.ts). */
  server?: string;
  /** Stop after this many operations (a replay of a run's start: the same seed gives the same operations); default: none. */
  maxSteps?: number;
  /** Hears every answered request: its step, what it was and how long it took (a replay's timeline). */
  onAnswer?: (step: number, label: string, ms: number) => void;
}

export interface FuzzReport {
  seed: number;
  elapsedMs: number;
  counts: Record<string, number>;
  violations: string[];
  /** Where the trace of the first violation's document was written (JSON), if there was one. */
  traceFile?: string;
  /** The machine's 1-minute load average at the start and at the end (response times depend on it). */
  load: [number, number];
}

/** What the client knows of one document. */
interface ClientDoc {
  uri: string;
  text: string;
  version: number;
  open: boolean;
  /** Bumped on every text the client sends: a response computed before it is stale. */
  sent: number;
  /** The last diagnostics pulled for it (used as a code action's context, possibly stale). */
  lastDiagnostics: Diag[];
  /** What was done to it since it was last opened: the repro of a violation. */
  trace: unknown[];
}

/**
 * The bound of a pull of a document the server lints in its worker (LARGE_DOCUMENT_CHARS or more, up to
 * max-file-size). Such a pull waits for that document's own lint, which is background work off the thread
 * that answers requests: a dense 1–2 MB text takes minutes on a loaded machine (every rule has thousands
 * of matches). So only a hang counts for it. Everything else keeps responseBoundMs: hovers and code actions
 * of these documents (they never wait for the worker long), and every request of every other document.
 */
const BACKGROUND_LINT_BOUND_MS = 300_000;
const ALLOWED_ERRORS = new Set([-32800 /* cancelled */, -32801 /* content modified */, -32802 /* server cancelled */]);
const METHOD_NOT_FOUND = -32601;
const FIX_ALL = 'source.fixAll.perflens';
// The server's own default impact ranking (`auto`), so a low-impact finding it leaves out is not "missing".
const OPTIONS = { ...layerOptions({}, { select: ['ALL'], extendSelect: [], ignore: [], severity: {} }), impact: DEFAULT_SETTINGS.impact };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function fuzzProtocol(options: FuzzOptions): Promise<FuzzReport> {
  const fuzz = new ProtocolFuzzer(options);
  try {
    return await fuzz.run();
  } finally {
    await fuzz.client.shutdown();
  }
}

/**
 * How long this process's own event loop was held (its fresh full lints and parses for the checks take
 * seconds for a large text on a loaded machine): an answer that arrived meanwhile could not be read, and
 * a timer set for the bound fired as soon as the loop was free, before the answer was read. So a request's
 * bound counts only time this process was listening; the server's own stalls all count.
 */
class OwnStalls {
  private static readonly TICK_MS = 50;
  private last = performance.now();
  private held = 0;
  private readonly timer = setInterval(() => {
    this.held = this.ms;
    this.last = performance.now();
  }, OwnStalls.TICK_MS);

  constructor() {
    this.timer.unref();
  }

  /** Held so far (ms), a hold under way included: time between ticks beyond two tick periods. */
  get ms(): number {
    return this.held + Math.max(0, performance.now() - this.last - 2 * OwnStalls.TICK_MS);
  }

  dispose(): void {
    clearInterval(this.timer);
  }
}

class ProtocolFuzzer {
  readonly client: TestClient;
  private readonly stalls = new OwnStalls();
  private readonly next: () => number;
  private readonly docs: ClientDoc[] = [];
  private readonly counts: Record<string, number> = {};
  private readonly violations: string[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly sources: { name: string; text: string }[];
  private traceFile: string | undefined;
  private exited: string | null = null;
  private step = 0;
  private lastChanged: ClientDoc | undefined;
  private logsSeen = 0;

  constructor(private readonly options: FuzzOptions) {
    this.client = new TestClient(options.server);
    this.client.process.on('exit', (code, signal) => (this.exited = `the server exited (code ${code}, signal ${signal})`));
    this.next = rng(options.seed);
    this.sources = [...fixtureSources(), ...hostileInputs()];
  }

  private bump(key: string, n = 1): void {
    this.counts[key] = (this.counts[key] ?? 0) + n;
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)];
  }

  private chance(p: number): boolean {
    return this.next() < p;
  }

  async run(): Promise<FuzzReport> {
    const started = performance.now();
    const loadBefore = os.loadavg()[0];
    await this.client.initialize({ pull: true, initializationOptions: { settings: { select: ['ALL'] } } });
    const deadline = started + this.options.durationMs;
    const maxSteps = this.options.maxSteps ?? Infinity;
    while (performance.now() < deadline && this.step < maxSteps && !this.exited && this.violations.length < 20) {
      this.step++;
      await this.operation();
      this.checkLogs();
      // Settle now and then: the document edited last (where a wrong update shows), or any open one.
      if (this.step % 20 === 0) {
        const candidates = this.docs.filter((d) => d.open && d.text.length < 300_000);
        const last = this.lastChanged;
        await this.settleAndCompare(last?.open && last.text.length < 300_000 && this.chance(0.7) ? last : this.pick(candidates));
      }
    }
    await this.drain();
    // The last ones touched, settled (all of them would take minutes after a long run).
    for (const doc of this.docs.filter((d) => d.open && d.text.length < 300_000).slice(-20)) await this.settleAndCompare(doc);
    this.checkLogs();
    if (this.exited) this.violations.push(this.exited);
    const load: [number, number] = [loadBefore, os.loadavg()[0]];
    this.counts["the fuzzer's own checks held its event loop, ms"] = Math.round(this.stalls.ms);
    this.stalls.dispose();
    return {
      seed: this.options.seed,
      elapsedMs: performance.now() - started,
      counts: this.counts,
      violations: this.violations,
      traceFile: this.traceFile,
      load,
    };
  }

  /** One random operation; requests are left in flight (at most 6) so that they interleave with edits. */
  private async operation(): Promise<void> {
    const open = this.docs.filter((d) => d.open);
    const r = this.next();
    if (open.length === 0 || r < 0.08) return this.openDocument();
    const doc = this.pick(open);
    if (r < 0.45) return this.changeDocument(doc);
    if (r < 0.5) return this.closeDocument(this.chance(0.3) ? null : doc);
    if (this.pending.size >= 6) await Promise.race(this.pending);
    if (r < 0.62) this.track(this.hover(doc));
    else if (r < 0.8) {
      // Half the code actions are awaited, as a user waits for the light bulb; the others interleave.
      if (this.chance(0.5)) await this.codeAction(doc);
      else this.track(this.codeAction(doc));
    } else if (r < 0.83) this.track(this.executeCommand());
    else this.track(this.pull(doc));
    if (this.chance(0.3)) await sleep(Math.floor(this.next() * 15));
  }

  private track(request: Promise<void>): void {
    const p = request.finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  private async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** A Python-ish text: a fixture (with fixes), mutated, CRLF, hostile input; rarely a huge one. */
  private randomText(): string {
    const hugeEvery = this.options.hugeEvery ?? 0;
    if (hugeEvery > 0 && this.chance(1 / hugeEvery)) {
      const size = 600_000 + Math.floor(this.next() * 2_400_000);
      let text = '';
      while (text.length < size) text += this.pick(this.sources).text + '\n';
      this.bump('huge documents opened');
      return text;
    }
    let text = this.pick(this.sources).text;
    if (this.chance(0.3)) text += '\n' + this.pick(this.sources).text;
    if (this.chance(0.4)) text = mutate(text, 1 + Math.floor(this.next() * 6), this.next);
    if (this.chance(0.15)) text = text.replace(/\n/g, '\r\n');
    if (this.chance(0.1)) text = text.replace(/= /, '= "😀\0𝔘" + ');
    return text;
  }

  private async openDocument(): Promise<void> {
    // A new document, or a second didOpen of one already open (no close), or of a closed one.
    const reuse = this.docs.length > 0 && this.chance(0.4) ? this.pick(this.docs) : null;
    const doc: ClientDoc = reuse ?? { uri: `untitled:fuzz-${this.docs.length}.py`, text: '', version: 0, open: false, sent: 0, lastDiagnostics: [], trace: [] };
    if (!reuse) this.docs.push(doc);
    this.bump(reuse?.open ? 'reopened without a close' : 'opened');
    doc.text = this.randomText();
    doc.version = this.chance(0.3) ? doc.version : Math.floor(this.next() * 5);
    doc.open = true;
    doc.sent++;
    doc.lastDiagnostics = [];
    doc.trace = [{ open: doc.text, version: doc.version }];
    await this.client.open(doc.uri, doc.text, doc.version);
  }

  private async closeDocument(doc: ClientDoc | null): Promise<void> {
    const uri = doc?.uri ?? `untitled:never-opened-${this.step}.py`;
    this.bump(doc ? 'closed' : 'closed unknown');
    if (doc) {
      doc.open = false;
      doc.sent++;
    }
    await this.client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** A position in the text, or (rarely) past the end of its line or past the last line. */
  private position(doc: ClientDoc): { line: number; character: number } {
    const td = TextDocument.create(doc.uri, 'python', 0, doc.text);
    if (this.chance(0.05)) return { line: td.lineCount + Math.floor(this.next() * 5), character: Math.floor(this.next() * 200) };
    const p = td.positionAt(Math.floor(this.next() * (doc.text.length + 1)));
    if (this.chance(0.05)) return { line: p.line, character: p.character + 1 + Math.floor(this.next() * 500) };
    return p;
  }

  private range(doc: ClientDoc) {
    if (this.chance(0.04)) {
      // Lines past the end of the text, as a client whose copy is ahead of the server's might send.
      const from = { line: doc.text.split('\n').length + Math.floor(this.next() * 4), character: Math.floor(this.next() * 300) };
      return { start: from, end: { line: from.line + 1 + Math.floor(this.next() * 3), character: Math.floor(this.next() * 300) } };
    }
    const a = this.position(doc);
    if (this.chance(0.5)) return { start: a, end: a };
    const b = this.position(doc);
    return this.chance(0.1) ? { start: b, end: a } : before(a, b) ? { start: a, end: b } : { start: b, end: a };
  }

  private async changeDocument(doc: ClientDoc): Promise<void> {
    const changes: { range?: { start: Pos; end: Pos }; text: string }[] = [];
    const count = 1 + Math.floor(this.next() * 3);
    let text = doc.text;
    for (let i = 0; i < count; i++) {
      if (this.chance(0.03)) {
        const full = this.randomText();
        changes.push({ text: full });
        text = full;
        continue;
      }
      const range = this.range({ ...doc, text });
      const inserted = this.chance(0.5)
        ? this.pick(['x', ' ', '\n', '(', ')', ':', '"', '\r\n', '\t', '😀', '\0', 'import numpy as np\n', 'for i in range(3):\n    '])
        : '';
      changes.push({ range, text: inserted });
      // The model of the change: positions clamped to the text, a reversed range taken in order.
      text = TextDocument.applyEdits(TextDocument.create(doc.uri, 'python', 0, text), [{ range, newText: inserted }]);
    }
    const v = this.next();
    const version = v < 0.85 ? doc.version + 1 : v < 0.93 ? doc.version : Math.max(0, doc.version - 1 - Math.floor(this.next() * 3));
    if (version <= doc.version) this.bump(version === doc.version ? 'changes reusing the version' : 'changes with an older version');
    this.bump('changes');
    // Where a server goes wrong (a version seen before, a range out of the text), look at once half the time:
    // diagnostics of the text before the change, then the settled ones after it.
    const suspicious = (version <= doc.version || outOfText(doc.text, changes)) && doc.text.length < 300_000 && this.chance(0.5);
    const sent = doc.sent;
    if (suspicious) await this.pull(doc);
    // The change was modelled on the text before the pull: if another operation sent a text meanwhile (a quick
    // fix applied), the model would drop that edit while the server keeps it. An editor builds a change from
    // the text it has, so this one is not sent (as a code action's edit is not applied in the same case).
    if (doc.sent !== sent || !doc.open) {
      this.bump('changes dropped (the text changed while they were prepared)');
      return;
    }
    doc.text = text;
    doc.version = version;
    doc.sent++;
    doc.trace.push({ change: changes, version });
    this.lastChanged = doc;
    await this.client.change(doc.uri, version, changes);
    if (suspicious) await this.settleAndCompare(doc);
  }

  /** Sends a request (cancelled in flight now and then) and checks that it is answered in time, without an internal error. */
  private async request<T>(
    method: string,
    params: unknown,
    label: string,
    allowed = ALLOWED_ERRORS,
    backgroundLint = false,
    doc?: ClientDoc,
  ): Promise<T | undefined> {
    this.bump('requests');
    // Never cancelled when no error is allowed (the settled pulls).
    const source = allowed.size > 0 && this.chance(0.15) ? new CancellationTokenSource() : undefined;
    if (source) {
      this.bump('requests cancelled in flight');
      setTimeout(() => source.cancel(), Math.floor(this.next() * 30));
    }
    const bound = backgroundLint ? BACKGROUND_LINT_BOUND_MS : (this.options.responseBoundMs ?? 20_000);
    let timer: NodeJS.Timeout | undefined;
    const started = performance.now();
    const heldBefore = this.stalls.ms;
    // Unanswered for `bound` ms while this process listened (see OwnStalls); the timer is set again for what is left.
    const timeout = new Promise<'timeout'>((resolve) => {
      const wait = (ms: number) => {
        timer = setTimeout(() => {
          const listened = performance.now() - started - (this.stalls.ms - heldBefore);
          if (listened >= bound) resolve('timeout');
          else wait(bound - listened);
        }, ms);
      };
      wait(bound);
    });
    try {
      const answer = await Promise.race([this.client.request<T>(method, params, source?.token), timeout]);
      if (answer === 'timeout') {
        const what = `${label}: no answer within ${bound} ms (seed ${this.options.seed}, step ${this.step})`;
        // The text asked about, for a replay (the document held up may be another: see the trace's step).
        if (doc) this.writeTrace(doc, what, { text: doc.text });
        this.violations.push(what);
        return undefined;
      }
      return answer;
    } catch (error) {
      if (error instanceof ResponseError && allowed.has(error.code)) {
        this.bump(`answered with error ${error.code}`);
        return undefined;
      }
      if (!this.exited) this.violations.push(`${label}: failed: ${String(error)} (seed ${this.options.seed}, step ${this.step})`);
      return undefined;
    } finally {
      clearTimeout(timer);
      const ms = performance.now() - started;
      const slowest = backgroundLint ? 'slowest pull of a document linted in the worker, ms' : 'slowest response, ms';
      if (ms > (this.counts[slowest] ?? 0)) this.counts[slowest] = Math.round(ms);
      this.options.onAnswer?.(this.step, label, ms);
    }
  }

  private async hover(doc: ClientDoc): Promise<void> {
    const position = this.position(doc);
    await this.request(
      'textDocument/hover',
      { textDocument: { uri: doc.uri }, position },
      `hover ${doc.uri} ${JSON.stringify(position)} (${sizeOf(doc)})`,
      ALLOWED_ERRORS,
      false,
      doc,
    );
  }

  private async pull(doc: ClientDoc): Promise<void> {
    const sent = doc.sent;
    const inWorker = doc.text.length >= LARGE_DOCUMENT_CHARS && doc.text.length <= DEFAULT_MAX_FILE_SIZE;
    const label = `pull ${doc.uri} (${sizeOf(doc)})`;
    const report = await this.request<{ items: Diag[] }>('textDocument/diagnostic', { textDocument: { uri: doc.uri } }, label, ALLOWED_ERRORS, inWorker, doc);
    if (report && doc.sent === sent) doc.lastDiagnostics = report.items;
  }

  private async executeCommand(): Promise<void> {
    const command = this.pick(['perflens.showSnippet', 'perflens.openGuide', 'perflens.fuzz', 'editor.action.triggerSuggest']);
    this.bump('commands');
    const args = this.chance(0.5) ? [] : [{ uri: 'untitled:x.py' }, 42, null];
    await this.request('workspace/executeCommand', { command, arguments: args }, `executeCommand ${command}`, new Set([...ALLOWED_ERRORS, METHOD_NOT_FOUND]));
  }

  /** A quick-fix or fix-all request; the returned edits are applied when the client's text is still the one asked about. */
  private async codeAction(doc: ClientDoc): Promise<void> {
    const fixAll = this.chance(0.35);
    if (!fixAll && this.chance(0.6)) await this.pull(doc);
    // A quick fix is asked for where a diagnostic is (now and then with stale or no diagnostics).
    const at = !fixAll && doc.lastDiagnostics.length > 0 && this.chance(0.8) ? this.pick(doc.lastDiagnostics) : undefined;
    const range = at?.range ?? this.range(doc);
    const diagnostics = fixAll ? [] : at ? [at, ...doc.lastDiagnostics.filter(() => this.chance(0.1))] : doc.lastDiagnostics.filter(() => this.chance(0.3));
    const sent = doc.sent;
    const version = doc.version;
    const textAsked = doc.text;
    const actions = await this.request<{ title: string; edit?: { documentChanges?: { textDocument: { uri: string; version: number }; edits: Edit[] }[] } }[]>(
      'textDocument/codeAction',
      { textDocument: { uri: doc.uri }, range, context: { diagnostics, only: fixAll ? [FIX_ALL] : undefined } },
      `codeAction ${doc.uri} (${sizeOf(doc)}, ${diagnostics.length} diagnostics${fixAll ? ', fix-all' : ''})`,
      ALLOWED_ERRORS,
      false,
      doc,
    );
    this.bump(fixAll ? 'fix-all requests' : 'quick-fix requests');
    const withEdits = (actions ?? []).filter((a) => a.edit);
    if (withEdits.length === 0) return;
    const action = this.pick(withEdits);
    for (const change of action.edit!.documentChanges ?? []) {
      if (change.textDocument.uri !== doc.uri) {
        this.violation(doc, `${action.title}: an edit to another document (${change.textDocument.uri})`);
        return;
      }
    }
    if (doc.sent !== sent || !doc.open) {
      this.bump('edits refused (the text changed since the request)');
      return;
    }
    const change = action.edit!.documentChanges![0];
    // The client's text is the one asked about: the edit must name its version (a stale one is refused).
    if (change.textDocument.version !== version) {
      this.violation(doc, `${action.title}: the edit names version ${change.textDocument.version}, the text asked about is version ${version}`);
      return;
    }
    this.applyEdits(doc, action.title, change.edits, textAsked);
  }

  private applyEdits(doc: ClientDoc, title: string, edits: Edit[], original: string): void {
    const td = TextDocument.create(doc.uri, 'python', doc.version, original);
    const offsets = edits.map((e) => ({ start: td.offsetAt(e.range.start), end: td.offsetAt(e.range.end), e })).sort((a, b) => a.start - b.start);
    for (const [i, o] of offsets.entries()) {
      if (!inText(td, o.e.range.start) || !inText(td, o.e.range.end) || o.end < o.start)
        return this.violation(doc, `${title}: edit range ${JSON.stringify(o.e.range)} is not in the text`);
      if (i > 0 && o.start < offsets[i - 1].end) return this.violation(doc, `${title}: overlapping edits`);
    }
    const fixed = TextDocument.applyEdits(td, edits);
    this.bump(title.startsWith('Fix all') ? 'fix-all edits applied' : 'quick-fix edits applied');
    if (original.length < 300_000 && !hasError(this.options.engine, original) && hasError(this.options.engine, fixed))
      return this.violation(doc, `${title}: the fixed text no longer parses`, { original, fixed, edits });
    // Sent back as the editor would: the edits as ranged changes, last first (so earlier offsets hold).
    const changes = [...offsets].reverse().map((o) => ({ range: o.e.range, text: o.e.newText }));
    doc.text = fixed;
    doc.version++;
    doc.sent++;
    doc.trace.push({ applied: title, change: changes, version: doc.version });
    void this.client.change(doc.uri, doc.version, changes);
  }

  /** Waits for the server to settle, then compares its diagnostics with a fresh full lint of the client's text. */
  private async settleAndCompare(doc: ClientDoc | undefined): Promise<void> {
    if (!doc) return;
    await this.drain();
    const want = expected(this.options.engine, doc.text);
    let got: string[] | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      // The idle-time check corrects an inexact incremental result 400 ms after the last lint.
      if (attempt > 0) await sleep(900);
      const report = await this.request<{ items: Diag[] }>(
        'textDocument/diagnostic',
        { textDocument: { uri: doc.uri } },
        `settled pull ${doc.uri} (${sizeOf(doc)})`,
        new Set(),
        false,
        doc,
      );
      if (!report) return;
      got = report.items.map(diagKey);
      if (got.join('\n') === want.join('\n')) {
        this.bump('settled diagnostics equal to a full lint');
        return;
      }
    }
    const missing = want.filter((w) => !got!.includes(w));
    const extra = got!.filter((g) => !want.includes(g));
    this.violation(
      doc,
      `settled diagnostics differ from a full lint: missing ${JSON.stringify(missing.slice(0, 3))}, extra ${JSON.stringify(extra.slice(0, 3))}`,
      {
        text: doc.text,
      },
    );
  }

  /** The server's error log lines since the last look (with the step they appeared at, for the repro). */
  private checkLogs(): void {
    for (; this.logsSeen < this.client.logs.length; this.logsSeen++) {
      const line = this.client.logs[this.logsSeen];
      if (/uncaught error|unhandled rejection|lint failed|failed:|failed and was disabled/.test(line) && !/took longer than/.test(line))
        this.violations.push(`server log at step ${this.step}: ${line.slice(0, 400)}`);
    }
  }

  /** Writes the first violation's document, with its operations since its open, to traceFile (later ones: only their message). */
  private writeTrace(doc: ClientDoc, what: string, detail?: Record<string, unknown>): void {
    if (this.traceFile) return;
    this.traceFile = path.join(os.tmpdir(), `perflens-fuzz-${this.options.seed}-${process.pid}.json`);
    writeFileSync(this.traceFile, JSON.stringify({ seed: this.options.seed, step: this.step, uri: doc.uri, what, detail, trace: doc.trace }, null, 1));
  }

  /** Records a violation with a repro: the message, and the document's operations since its open (in a file). */
  private violation(doc: ClientDoc, what: string, detail?: Record<string, unknown>): void {
    const short = (t: string) => (t.length > 400 ? `${JSON.stringify(t.slice(0, 400))}… (${t.length} characters)` : JSON.stringify(t));
    let repro = '';
    if (detail?.original !== undefined)
      repro = `\n    text: ${short(String(detail.original))}\n    fixed: ${short(String(detail.fixed))}\n    edits: ${JSON.stringify(detail.edits)}`;
    else if (detail?.text !== undefined) repro = `\n    text: ${short(String(detail.text))}`;
    this.writeTrace(doc, what, detail);
    this.violations.push(`${what} (seed ${this.options.seed}, step ${this.step}, ${doc.uri}, ${doc.trace.length} operations since its open)${repro}`);
  }
}

interface Pos {
  line: number;
  character: number;
}
interface Edit {
  range: { start: Pos; end: Pos };
  newText: string;
}

/** A change whose range reaches past a line's end or the last line (of the text it applies to: the first change's). */
function outOfText(text: string, changes: { range?: { start: Pos; end: Pos } }[]): boolean {
  const td = TextDocument.create('untitled:t', 'python', 0, text);
  const range = changes[0].range;
  return range !== undefined && (!inText(td, range.start) || !inText(td, range.end));
}

const before = (a: Pos, b: Pos) => a.line < b.line || (a.line === b.line && a.character <= b.character);

/** The position names a place in the text (not clamped). */
function inText(td: TextDocument, p: Pos): boolean {
  if (p.line >= td.lineCount) return false;
  const lineText = td.getText({ start: { line: p.line, character: 0 }, end: { line: p.line + 1, character: 0 } }).replace(/\r?\n$|\r$/, '');
  return p.character <= lineText.length;
}

function hasError(engine: Engine, text: string): boolean {
  let tree: Tree;
  try {
    tree = engine.parse(text);
  } catch (error) {
    if (error instanceof ParseSkipped) return false; // not parsed: nothing to compare
    throw error;
  }
  try {
    return tree.rootNode.hasError;
  } finally {
    tree.delete();
  }
}

/** The document's size, for a violation's message (huge documents are where the server is slow). */
function sizeOf(doc: ClientDoc): string {
  return `${doc.text.length.toLocaleString('en')} characters`;
}

function diagKey(d: Diag): string {
  return `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}:${d.code ?? ''}:${d.message}`;
}

/** The diagnostics a fresh full lint of the text gives, as the server would show them (with its notice for a skipped file). */
function expected(engine: Engine, text: string): string[] {
  const r = engine.lintText(text, OPTIONS);
  const keys = r.findings.map((f) => {
    const s = r.lines.positionAt(f.start);
    const e = r.lines.positionAt(f.end);
    return `${s.line}:${s.character}-${e.line}:${e.character}:${f.ruleId}:${f.message}`;
  });
  if (r.skipped) keys.push(`0:0-0:0::perflens skipped this file: ${r.skipped}`);
  return keys;
}

export function formatReport(r: FuzzReport): string {
  const load = `load average ${r.load[0].toFixed(1)} at the start, ${r.load[1].toFixed(1)} at the end`;
  const lines = [`protocol fuzz: ${(r.elapsedMs / 1000).toFixed(0)} s, seed ${r.seed} (the same run again: --seed ${r.seed}), ${load}`];
  for (const [k, v] of Object.entries(r.counts).sort()) lines.push(`  ${k}: ${v.toLocaleString('en')}`);
  lines.push(`  violations: ${r.violations.length}`);
  for (const v of r.violations.slice(0, 20)) lines.push(`  ${v}`);
  if (r.traceFile) lines.push(`  the first violating document's operations: ${r.traceFile}`);
  return lines.join('\n');
}
