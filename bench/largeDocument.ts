// A large document in the real language server (issue 23, item 1): how long its first diagnostics
// take, how long hovers in ANOTHER file wait while someone types in it, and what the server's RSS
// is once it has been closed. Two documents: a 5 MB one-line file (over the default max-file-size,
// so perflens skips it) and a 1.9 MB file of real code (under the limit, so it is linted).
//   node <out>/out/bench/bench/largeDocument.js [typingSeconds] [server.js of another build, to compare]
// The test test/lsp/largeDocument.test.ts runs the same measurement with bounds.
import { readFileSync } from 'node:fs';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { TestClient } from '../test/lsp/lspClient';
import { percentiles, type Percentiles } from './lsp';

export interface LargeDocumentFigures {
  label: string;
  chars: number;
  /** didOpen → the first diagnostics pull of the large document answered. */
  timeToDiagnosticsMs: number;
  /** Hovers in a small file, sent one after another while the large one gets its first diagnostics. */
  hoverDuringFirstLint: Percentiles & { count: number };
  /** Hovers in a small file, sent one after another while the large one is typed in. */
  hover: Percentiles & { count: number };
  /** Edits sent to the large document while hovering. */
  edits: number;
  /** The last pull of the large document, sent with the last edit, answered this long after it. */
  lastPullMs: number;
  /** Server RSS (MB): before the large document opened, right after typing, and idle after it closed. */
  rssBeforeMb: number;
  rssAfterTypingMb: number;
  rssAfterCloseMb: number;
}

const SMALL_FILE = [
  'import time',
  '',
  'async def fetch(url):',
  '    time.sleep(1)',
  '    return url',
  '',
  'def total(rows):',
  '    s = 0',
  '    for r in rows:',
  '        s += r',
  '    return s',
  '',
].join('\n');

/** A 5 MB file on one line: many short statements separated by semicolons. */
export function oneLineFile(chars = 5_000_000): string {
  const piece = 'd["k"] = f(a, b); ';
  return 'import numpy as np; ' + piece.repeat(Math.ceil(chars / piece.length)).slice(0, chars - 21) + '\n';
}

/** Real code of about `chars` characters: whole standard-library modules, concatenated. */
export function realCodeFile(stdlib: string, chars = 1_900_000): string {
  const modules = [
    'typing.py',
    'inspect.py',
    'argparse.py',
    'subprocess.py',
    'pathlib.py',
    'tarfile.py',
    'zipfile/__init__.py',
    'datetime.py',
    'enum.py',
    'dataclasses.py',
    'functools.py',
    'collections/__init__.py',
    'logging/__init__.py',
    'shutil.py',
    'threading.py',
    'ast.py',
    'email/message.py',
    'http/client.py',
    'ssl.py',
    'socket.py',
    'tempfile.py',
    'unittest/case.py',
    'doctest.py',
    'pydoc.py',
    'pickle.py',
    'difflib.py',
    'statistics.py',
    'fractions.py',
    'decimal.py',
    '_pydecimal.py',
    'configparser.py',
    'mailbox.py',
    'smtplib.py',
    'imaplib.py',
    'ftplib.py',
    'optparse.py',
    'calendar.py',
    'textwrap.py',
    'string.py',
    'locale.py',
    'random.py',
    'turtle.py',
  ];
  let text = '';
  for (let round = 0; text.length < chars; round++) {
    for (const m of modules) {
      try {
        text += readFileSync(`${stdlib}/${m}`, 'utf8') + '\n';
      } catch {
        // not every Python ships every module
      }
      if (text.length >= chars) break;
    }
    if (round > 20) throw new Error('could not read enough standard-library code');
  }
  return text.slice(0, text.lastIndexOf('\n', chars) + 1);
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A position (line, character) of a text offset, for an edit. */
function positionOf(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart };
}

/**
 * Opens the large text next to a small file, types into it for `typingMs` (one character every
 * `editEveryMs`, each followed by a diagnostics pull that the next edit cancels, as VS Code does),
 * hovers in the small file throughout, then closes it and reads the idle RSS.
 */
export async function measureLargeDocument(label: string, text: string, typingMs = 5000, editEveryMs = 150, server?: string): Promise<LargeDocumentFigures> {
  const client = new TestClient(server);
  try {
    await client.initialize({ pull: true });
    const pid = client.process.pid!;
    const small = 'file:///tmp/perflens-large/small.py';
    const large = 'file:///tmp/perflens-large/large.py';
    await client.open(small, SMALL_FILE);
    await client.pull(small);
    const hoverSmall = () => client.request('textDocument/hover', { textDocument: { uri: small }, position: { line: 3, character: 6 } });
    await hoverSmall();
    await sleep(6000); // the idle collection after the open (IDLE_COLLECTION_MS = 5 s)
    const rssBeforeMb = rssMb(pid);

    const opened = performance.now();
    await client.open(large, text);
    let firstLintDone = false;
    const firstPull = client.pull(large).then(() => (firstLintDone = true));
    const firstLintHovers = await hoverWhile(hoverSmall, () => !firstLintDone);
    await firstPull;
    const timeToDiagnosticsMs = performance.now() - opened;

    // Typing: each edit inserts a character at the same place; a new edit cancels the previous pull.
    const at = positionOf(
      text,
      text.indexOf('\n', Math.floor(text.length / 2)) >= 0 ? text.indexOf('\n', Math.floor(text.length / 2)) : Math.floor(text.length / 2),
    );
    let version = 1;
    let edits = 0;
    let pending: { source: CancellationTokenSource; pull: Promise<unknown>; sent: number } | null = null;
    let lastPullMs = 0;
    let typing = true;
    const typist = (async () => {
      const stop = performance.now() + typingMs;
      while (performance.now() < stop) {
        pending?.source.cancel();
        await client.change(large, ++version, [{ range: { start: at, end: at }, text: 'x' }]);
        edits++;
        const source = new CancellationTokenSource();
        const sent = performance.now();
        const pull = client.request('textDocument/diagnostic', { textDocument: { uri: large } }, source.token).catch(() => undefined);
        pending = { source, pull, sent };
        await sleep(editEveryMs);
      }
      typing = false;
      const last: { pull: Promise<unknown>; sent: number } | null = pending;
      if (last) {
        await last.pull;
        lastPullMs = performance.now() - last.sent;
      }
    })();
    const hovers = await hoverWhile(hoverSmall, () => typing);
    await typist;
    const rssAfterTypingMb = rssMb(pid);

    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: large } });
    await hoverSmall(); // the close has been handled
    // The idle collection runs 5 s after the close; then the lowest reading over a few seconds.
    let rssAfterCloseMb = Infinity;
    for (let i = 0; i < 12; i++) {
      await sleep(1000);
      rssAfterCloseMb = Math.min(rssAfterCloseMb, rssMb(pid));
    }
    return {
      label,
      chars: text.length,
      timeToDiagnosticsMs,
      hoverDuringFirstLint: { ...percentiles(firstLintHovers), count: firstLintHovers.length },
      hover: { ...percentiles(hovers), count: hovers.length },
      edits,
      lastPullMs,
      rssBeforeMb,
      rssAfterTypingMb,
      rssAfterCloseMb,
    };
  } finally {
    await client.shutdown();
  }
}

/** Latencies of hovers sent one after another (50 ms apart) while `busy()` holds. */
async function hoverWhile(hover: () => Promise<unknown>, busy: () => boolean): Promise<number[]> {
  const latencies: number[] = [];
  while (busy()) {
    const t0 = performance.now();
    await hover();
    latencies.push(performance.now() - t0);
    await sleep(50);
  }
  return latencies.length > 0 ? latencies : [0];
}

export function formatFigures(f: LargeDocumentFigures): string {
  const ms = (n: number) => `${Math.round(n).toLocaleString('en')} ms`;
  return [
    `${f.label} (${(f.chars / 1e6).toFixed(2)} M characters)`,
    `  time to diagnostics: ${ms(f.timeToDiagnosticsMs)}`,
    `  hover in another file meanwhile (${f.hoverDuringFirstLint.count} hovers): p50 ${ms(f.hoverDuringFirstLint.p50)}, p95 ${ms(f.hoverDuringFirstLint.p95)}, max ${ms(f.hoverDuringFirstLint.max)}`,
    `  hover in another file while typing (${f.hover.count} hovers, ${f.edits} edits): p50 ${ms(f.hover.p50)}, p95 ${ms(f.hover.p95)}, max ${ms(f.hover.max)}`,
    `  last pull after typing: ${ms(f.lastPullMs)}`,
    `  RSS: ${f.rssBeforeMb} MB before open, ${f.rssAfterTypingMb} MB after typing, ${f.rssAfterCloseMb} MB idle after close`,
  ].join('\n');
}

/** How much the idle RSS after the close may exceed the RSS before the open: the memory was given back. */
export const RSS_RETURNED_MB = 40;

/**
 * The bench's part 'large' (npm run bench -- --only=large): the figures above for both files, from
 * this build's server and, with `compare` (another build's server.js, e.g. the parent of a fix), from
 * that one too, measured one after the other in the same run. Rows: figure, measured, target, met.
 */
export async function largeDocumentRows(stdlib: string, typingMs: number, compare?: string): Promise<string[][]> {
  const ms = (n: number) => `${Math.round(n).toLocaleString('en')} ms`;
  const rows: string[][] = [];
  const files = [
    { label: '5 MB one-line file (over max-file-size)', text: oneLineFile() },
    { label: '1.9 MB file of real code (under max-file-size)', text: realCodeFile(stdlib) },
  ];
  const servers: { name: string; path?: string }[] = [{ name: 'this build' }, ...(compare ? [{ name: compare, path: compare }] : [])];
  for (const file of files) {
    for (const server of servers) {
      const f = await measureLargeDocument(file.label, file.text, typingMs, 150, server.path);
      const returned = f.rssAfterCloseMb - f.rssBeforeMb;
      rows.push([`Large document: ${file.label}, ${server.name}`, '', '', '']);
      rows.push(['  time to diagnostics', ms(f.timeToDiagnosticsMs), '', '']);
      rows.push([
        `  other file's hover during the first lint (${f.hoverDuringFirstLint.count})`,
        `p95 ${ms(f.hoverDuringFirstLint.p95)}, max ${ms(f.hoverDuringFirstLint.max)}`,
        '',
        '',
      ]);
      rows.push([
        `  other file's hover while typing (${f.hover.count} hovers, ${f.edits} edits)`,
        `p50 ${ms(f.hover.p50)}, p95 ${ms(f.hover.p95)}, max ${ms(f.hover.max)}`,
        '',
        '',
      ]);
      rows.push([
        '  RSS before open → after typing → idle after close',
        `${f.rssBeforeMb} → ${f.rssAfterTypingMb} → ${f.rssAfterCloseMb} MB`,
        `close ≤ open + ${RSS_RETURNED_MB} MB`,
        returned <= RSS_RETURNED_MB ? 'met' : 'NOT met',
      ]);
    }
  }
  return rows;
}

async function main(): Promise<void> {
  const typingMs = Number(process.argv[2] ?? 5) * 1000;
  const server = process.argv[3];
  const { execFileSync } = await import('node:child_process');
  const stdlib = execFileSync('python3', ['-c', 'import sysconfig;print(sysconfig.get_path("stdlib"))'], { encoding: 'utf8' }).trim();
  console.log(formatFigures(await measureLargeDocument('5 MB one-line file (over max-file-size)', oneLineFile(), typingMs, 150, server)));
  console.log(formatFigures(await measureLargeDocument('1.9 MB file of real code (under max-file-size)', realCodeFile(stdlib), typingMs, 150, server)));
}

// Run directly (not when bench.js bundles this file: there `module` is bench.js's own).
if (require.main === module && /largeDocument\.js$/.test(require.main.filename)) void main();
