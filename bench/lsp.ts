// Editor-side figures, through the real language server over stdio: latency of a one-character
// edit to fresh diagnostics, cold start, and memory over many edits.
import { readFileSync } from 'node:fs';
import { TestClient } from '../test/lsp/lspClient';
import { Edit } from '../server/syntax/parser';
import type { Engine, EngineProfile } from '../server/engine/engine';
import type { ParsedDocument } from '../server/lsp/documents';

export interface Percentiles {
  p50: number;
  p95: number;
  max: number;
}

export function percentiles(values: number[]): Percentiles {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { p50: at(0.5), p95: at(0.95), max: s[s.length - 1] };
}

/**
 * Issue 29's keystroke figure over several runs of the same edits with the machine's noise taken out, as keymin does in
 * one process: each edit's lowest rules time and lowest re-parse time (the server's own timing) over the runs, then the
 * p95 of those ÷ the p95 of these. A busy machine only adds to a time, and adds more to the rules' window (JS that
 * allocates) than to the re-parse's (WASM).
 */
export function lowestShare(runs: readonly Pick<LatencyResult, 'serverRulesEach' | 'serverParseEach'>[]): number {
  const lowest = (each: (r: (typeof runs)[number]) => number[]) => each(runs[0]).map((_, k) => Math.min(...runs.map((r) => each(r)[k])));
  return percentiles(lowest((r) => r.serverRulesEach)).p95 / percentiles(lowest((r) => r.serverParseEach)).p95;
}

/**
 * Untimed edits sent before the timed ones (the latency figure), on identifiers chosen with another seed. 400 since
 * round 62: after 50 the rules still ran the timed edits about 1.5-1.9x slower (summed) than the same edits sent again on
 * the same server, V8 still optimising the region path and the rule checks the first 50 had not reached (bench/README.md,
 * round of 2026-11-28). PERFLENS_BENCH_WARMUP=<n> sets another count (50: the figure of rounds 51-61).
 */
export const WARMUP_EDITS = Number(process.env.PERFLENS_BENCH_WARMUP ?? 400);
const WARMUP_SEED = 7;

/** Offsets of identifier characters to type at: inside code, spread over the whole file. */
export function editPoints(text: string, count: number, seed = 1): number[] {
  const out: number[] = [];
  const re = /[A-Za-z_][A-Za-z_0-9]{3,}/g;
  const candidates: number[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) {
    // Skip comments and strings roughly: the line's text before the match has no # or quote.
    const lineStart = text.lastIndexOf('\n', m.index) + 1;
    const before = text.slice(lineStart, m.index);
    if (!/["'#]/.test(before) && /^\s+/.test(before)) candidates.push(m.index + 2);
  }
  let a = seed;
  for (let i = 0; i < count; i++) {
    a = (a * 1103515245 + 12345) & 0x7fffffff;
    out.push(candidates[a % candidates.length]);
  }
  return out;
}

function lspPosition(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

/**
 * One of the latency figure's edits as an LSP change: the letter `q` typed at `at` (insert) or the character there
 * deleted, and the text after it.
 */
export function letterEdit(text: string, at: number, insert: boolean) {
  const pos = lspPosition(text, at);
  const change = insert
    ? { range: { start: pos, end: pos }, text: 'q' }
    : { range: { start: pos, end: { line: pos.line, character: pos.character + 1 } }, text: '' };
  const next = insert ? text.slice(0, at) + 'q' + text.slice(at) : text.slice(0, at) + text.slice(at + 1);
  return { change, next, pos };
}

export interface LatencyResult {
  lines: number;
  edits: number;
  latency: Percentiles;
  reparse: Percentiles;
  /** A diagnostics pull answered from the cache: JSON-RPC over stdio and the server's scheduling, no lint. */
  roundTrip: Percentiles;
  /** The server's own work per edit (incremental parse + lint), as its perflens/status notification reports it. */
  serverWork: Percentiles;
  /** Of that, the server's incremental re-parse (the same parse as the floor, in the server's process). */
  serverParse: Percentiles;
  /** And the rest: the rules over the edit's region (server work − server parse, per edit). */
  serverRules: Percentiles;
  /** serverParse and serverRules edit by edit, in the order sent (the same edits in every run of one file). */
  serverParseEach: number[];
  serverRulesEach: number[];
  findings: number;
}

/**
 * Sends `edits` one-character edits (type a letter into an identifier, then delete it again) and
 * times each from didChange to the answered diagnostic pull. Pull diagnostics have no debounce.
 * `settings` are the server's perflens settings (`{ ignore: ['ALL'] }`: parse and protocol only).
 */
export async function latency(
  engine: Engine,
  name: string,
  text: string,
  edits: number,
  settings: Record<string, unknown> = {},
  server?: string,
): Promise<LatencyResult> {
  const client = new TestClient(server);
  await client.initialize({ pull: true, initializationOptions: { status: true, settings } });
  const uri = `file:///tmp/perflens-bench/${name}`;
  await client.open(uri, text);
  const first = await client.pull(uri);
  // Warm up with real edits, untimed: a pull of the unchanged document is answered from the cache and warms nothing,
  // while a fresh server's first ten or so lints pay V8 compiling the incremental path (4-15 ms each, k51's round
  // notes), and the next few hundred still run slower while V8 optimises what they reach (WARMUP_EDITS): a cost of the
  // first keystrokes of a session, not of a keystroke. Other identifiers than the timed ones, so that nothing the timed
  // edits meet was left by these.
  let version = 1;
  for (const at of editPoints(text, WARMUP_EDITS / 2, WARMUP_SEED)) {
    for (const insert of [true, false]) {
      // Each deletion undoes the letter just typed: the text is `text` again before the next pair.
      const { change } = letterEdit(text, at, insert);
      await client.change(uri, ++version, [change]);
      await client.pull(uri);
    }
  }
  const points = editPoints(text, edits / 2);
  const times: number[] = [];
  const serverWork: number[] = [];
  const serverParse: number[] = [];
  let current = text;
  for (const at of points) {
    for (const insert of [true, false]) {
      const { change, next } = letterEdit(current, at, insert);
      current = next;
      const t0 = performance.now();
      await client.change(uri, ++version, [change]);
      const statusesBefore = client.statuses.length;
      await client.pull(uri);
      times.push(performance.now() - t0);
      // The server sends its status (with the lint's duration) before it answers the pull.
      const status = client.statuses.slice(statusesBefore).find((x) => x.uri === uri);
      if (typeof status?.lintMs === 'number' && typeof status.parseMs === 'number') {
        serverWork.push(status.lintMs);
        serverParse.push(status.parseMs);
      }
    }
  }
  // The protocol's share: a pull of the unchanged document is answered from the cache (no lint).
  const roundTrips: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    await client.pull(uri);
    roundTrips.push(performance.now() - t0);
  }
  await client.shutdown();

  // The floor: tree.edit + incremental parse of the same edits, in this process.
  const reparse: number[] = [];
  let tree = engine.parse(text);
  current = text;
  // The same untimed warm-up as the server's, so that both sides of the ratio are measured warm.
  const warmupPoints = editPoints(text, WARMUP_EDITS / 2, WARMUP_SEED);
  for (const [k, at] of [...warmupPoints, ...points].entries()) {
    const timed = k >= warmupPoints.length;
    for (const insert of [true, false]) {
      const { next, pos } = letterEdit(current, at, insert);
      const t0 = performance.now();
      tree.edit(
        new Edit({
          startIndex: at,
          oldEndIndex: insert ? at : at + 1,
          newEndIndex: insert ? at + 1 : at,
          startPosition: { row: pos.line, column: pos.character },
          oldEndPosition: { row: pos.line, column: pos.character + (insert ? 0 : 1) },
          newEndPosition: { row: pos.line, column: pos.character + (insert ? 1 : 0) },
        }),
      );
      const newTree = engine.parse(next, tree);
      if (timed) reparse.push(performance.now() - t0);
      tree.delete();
      tree = newTree;
      current = next;
    }
  }
  tree.delete();
  if (serverWork.length !== times.length) throw new Error(`the server reported its work for ${serverWork.length} of ${times.length} edits`);
  return {
    lines: text.split('\n').length,
    edits: times.length,
    latency: percentiles(times),
    reparse: percentiles(reparse),
    roundTrip: percentiles(roundTrips),
    serverWork: percentiles(serverWork),
    serverParse: percentiles(serverParse),
    serverRules: percentiles(serverWork.map((w, k) => w - serverParse[k])),
    serverParseEach: serverParse,
    serverRulesEach: serverWork.map((w, k) => w - serverParse[k]),
    findings: first.length,
  };
}

export interface ColdStart {
  spawnToInitializedMs: number;
  initializeToDiagnosticsMs: number;
}

/** From spawning the server to its initialize answer, and from initialize to the first diagnostics of a file. */
export async function coldStart(text: string): Promise<ColdStart> {
  const t0 = performance.now();
  const client = new TestClient();
  const t1 = performance.now();
  await client.initialize({ pull: true });
  const t2 = performance.now();
  const uri = 'file:///tmp/perflens-bench/cold.py';
  await client.open(uri, text);
  await client.pull(uri);
  const t3 = performance.now();
  await client.shutdown();
  return { spawnToInitializedMs: t2 - t0, initializeToDiagnosticsMs: t3 - t1 };
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

export interface MemoryResult {
  files: number;
  linesPerFile: number;
  rssAfterOpen: number;
  rssAfterWarmup: number;
  rssAfterEdits: number;
  edits: number;
  warmup: number;
}

const idle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long the server is left idle before each RSS reading (see idleRss). */
export const IDLE_SECONDS = 25;

/**
 * The server's RSS once it has been idle: the lowest of one reading a second over IDLE_SECONDS.
 * V8 hands freed heap back to the OS only after several idle seconds (its memory reducer, measured
 * 10–20 s here), so a single reading right after a burst of edits says more about when the last
 * GC ran than about what the server keeps.
 */
async function idleRss(pid: number): Promise<number> {
  let lowest = Infinity;
  for (let i = 0; i < IDLE_SECONDS; i++) {
    await idle(1000);
    lowest = Math.min(lowest, rssOf(pid));
  }
  return lowest;
}

/** Server RSS with `files` open documents, and after `edits` edits (each followed by a pull). */
export async function memory(texts: string[], edits: number, warmup: number): Promise<MemoryResult> {
  const client = new TestClient();
  await client.initialize({ pull: true });
  const docs = texts.map((text, i) => ({ uri: `file:///tmp/perflens-bench/mem${i}.py`, text, version: 1, points: editPoints(text, 64, i + 7) }));
  for (const d of docs) {
    await client.open(d.uri, d.text);
    await client.pull(d.uri);
  }
  const pid = client.process.pid!;
  const rssAfterOpen = await idleRss(pid);
  let rssAfterWarmup = rssAfterOpen;
  for (let i = 0; i < warmup + edits; i++) {
    if (i === warmup) {
      rssAfterWarmup = await idleRss(pid);
    }
    const d = docs[i % docs.length];
    const at = d.points[Math.floor(i / docs.length / 2) % d.points.length];
    const insert = Math.floor(i / docs.length) % 2 === 0;
    const pos = lspPosition(d.text, at);
    const change = insert
      ? { range: { start: pos, end: pos }, text: 'q' }
      : { range: { start: pos, end: { line: pos.line, character: pos.character + 1 } }, text: '' };
    d.text = insert ? d.text.slice(0, at) + 'q' + d.text.slice(at) : d.text.slice(0, at) + d.text.slice(at + 1);
    await client.change(d.uri, ++d.version, [change]);
    await client.pull(d.uri);
  }
  const rssAfterEdits = await idleRss(pid);
  await client.shutdown();
  return {
    files: texts.length,
    linesPerFile: Math.round(texts.reduce((s, t) => s + t.split('\n').length, 0) / texts.length),
    rssAfterOpen,
    rssAfterWarmup,
    rssAfterEdits,
    edits,
    warmup,
  };
}

/** One lint's costliest parts: its query passes, facts, ranking, checks, the rest (the region's bookkeeping, finish) and the three slowest rule checks. */
export function lintBreakdown(p: EngineProfile, lintMs: number, digits = 1): string {
  const top = [...p.rules.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 3);
  const checks = [...p.rules.values()].reduce((n, r) => n + r.ms, 0);
  const rest = lintMs - p.queryMs - p.factsMs - p.rankingMs - checks;
  const ms = (x: number) => x.toFixed(digits);
  return (
    `queries ${ms(p.queryMs)} (${p.passes}), facts ${ms(p.factsMs)}, ranking ${ms(p.rankingMs)}, checks ${ms(checks)}, rest ${ms(rest)}; ` +
    top.map(([id, r]) => `${id} ${ms(r.ms)}`).join(', ')
  );
}

/** One of the latency figure's edits: a letter typed at `at` (insert) or the character there deleted, then the incremental re-parse; its ms. */
export function typeAndParse(doc: ParsedDocument, at: number, insert: boolean, version: number): number {
  const { update, parse } = typeAndParseParts(doc, at, insert, version);
  return update + parse;
}

/**
 * typeAndParse's two parts: the text update (TextDocument.update and `tree.edit`, which the server does when the edit
 * arrives, outside any lint's timing) and the incremental re-parse (`getTree`: the span the server's status reports as
 * parseMs, the denominator of issue 29's keystroke figure).
 */
export function typeAndParseParts(doc: ParsedDocument, at: number, insert: boolean, version: number): { update: number; parse: number } {
  const start = doc.document.positionAt(at);
  const end = insert ? start : doc.document.positionAt(at + 1);
  const t0 = performance.now();
  doc.update([{ range: { start, end }, text: insert ? 'q' : '' }], version);
  const t1 = performance.now();
  doc.getTree();
  return { update: t1 - t0, parse: performance.now() - t1 };
}
