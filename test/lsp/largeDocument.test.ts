// Large documents in the real server (issue 23, item 1): a file over max-file-size is skipped without
// being parsed, on open and while typing; a large file under the limit is linted off the main thread,
// so hovers in other files stay quick while it is linted, and its memory goes when it closes.
// bench/largeDocument.ts measures the same with figures (time to diagnostics, hover latency, RSS).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { oneLineFile, realCodeFile } from '../../bench/largeDocument';
import { fixtureFile, stdlibDir } from '../stress/corpus';
import { FIRST_WORKER_LINT_WAIT_MS } from '../../server/lsp/offThread';
import { TestClient } from './lspClient';

const SMALL = 'file:///tmp/perflens-large/small.py';
const SMALL_TEXT = 'import time\n\nasync def fetch(url):\n    time.sleep(1)\n    return url\n';
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

describe('language server: large documents (issue 23)', function () {
  this.timeout(180_000);
  let client: TestClient;
  const hoverSmall = () => client.request('textDocument/hover', { textDocument: { uri: SMALL }, position: { line: 3, character: 6 } });

  /** The slowest of the hovers in the small file, sent one after another while `busy()` holds. */
  async function slowestHoverWhile(busy: () => boolean): Promise<{ max: number; count: number }> {
    let max = 0;
    let count = 0;
    while (busy()) {
      const t0 = performance.now();
      await hoverSmall();
      max = Math.max(max, performance.now() - t0);
      count++;
      await pause(50);
    }
    return { max, count };
  }

  beforeEach(async () => {
    client = new TestClient();
    await client.initialize({ pull: true, initializationOptions: { status: true } });
    await client.open(SMALL, SMALL_TEXT);
    await client.pull(SMALL);
  });
  afterEach(() => client.shutdown());

  it('skips a 5 MB file without parsing it, on open and while it is typed in, and other files stay responsive', async () => {
    const uri = 'file:///tmp/perflens-large/five-mb.py';
    const text = oneLineFile();
    const t0 = performance.now();
    await client.open(uri, text);
    const diags = await client.pull(uri);
    const firstMs = performance.now() - t0;
    assert.match(diags[0].message, /perflens skipped this file: file has 5000000 characters/);
    assert.ok(firstMs < 5000, `first diagnostics after ${firstMs.toFixed(0)} ms (a parse takes 10 s and is stopped)`);
    // Typing in it: each edit is followed by a pull, while another file is hovered.
    let typing = true;
    const typist = (async () => {
      for (let v = 2; v < 12; v++) {
        await client.change(uri, v, [{ range: { start: { line: 0, character: 5 }, end: { line: 0, character: 5 } }, text: 'x' }]);
        void client.pull(uri).catch(() => undefined);
        await pause(100);
      }
      typing = false;
    })();
    const hovers = await slowestHoverWhile(() => typing);
    await typist;
    assert.ok(hovers.max < 2000, `a hover in another file took ${hovers.max.toFixed(0)} ms while the skipped file was typed in`);
    // A hover in the skipped file itself parses nothing either (no construct notes without a tree).
    const t1 = performance.now();
    assert.equal(await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 30 } }), null);
    assert.ok(performance.now() - t1 < 2000);
    const statuses = client.statuses.filter((s) => s.uri === uri);
    assert.ok(statuses.length > 0 && statuses.every((s) => s.state === 'skipped' && s.parseMs === 0), JSON.stringify(statuses.slice(0, 3)));
  });

  it('moves a dense file under the size limit off the main thread once its lint runs long: hovers in other files stay quick', async () => {
    // 400k characters of rule fixtures: thousands of findings, seconds of rule checks (a 145k-character
    // dense text held every request of the protocol fuzzer for over 20 s on a loaded machine).
    const uri = 'file:///tmp/perflens-large/dense.py';
    const unit = fixtureFile();
    const text = unit.repeat(Math.floor(400_000 / unit.length));
    await client.open(uri, text);
    let pulling = true;
    const puller = (async () => {
      for (let v = 2; v < 6; v++) {
        await client.pull(uri);
        await client.change(uri, v, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: `# ${v}\n` }]);
      }
      pulling = false;
    })();
    const hovers = await slowestHoverWhile(() => pulling);
    await puller;
    assert.ok(hovers.count >= 3, `${hovers.count} hovers while the dense file was pulled`);
    assert.ok(hovers.max < 2500, `a hover in another file waited ${hovers.max.toFixed(0)} ms for the dense file's lint`);
    // Its findings are there, from the worker (hundreds: impact ranking, the server's default, leaves the low-impact
    // findings of the rules that are quiet outside hot code out).
    const diags = await client.pull(uri);
    assert.ok(diags.length > 500, `${diags.length} diagnostics`);
  });

  it('lints a 1.9 MB file off the main thread: other files are answered meanwhile, its own requests work, memory returns after close', async () => {
    const pid = client.process.pid!;
    await pause(6000); // the idle collection after the small file's open
    const rssBefore = rssMb(pid);
    const uri = 'file:///tmp/perflens-large/big.py';
    const text = 'import time\nasync def poll():\n    time.sleep(1)\n' + realCodeFile(stdlibDir());
    await client.open(uri, text);
    let linted = false;
    const opened = performance.now();
    let lintMs = 0;
    const first = client.pull(uri).finally(() => {
      linted = true;
      lintMs = performance.now() - opened;
    });
    // Hovers in the other file from the start of the lint, alongside the large file's own hover below: sent one after
    // the other, they left only the lint's tail for the other file's (0-2 hovers in three of four runs on a quiet
    // machine, where the lint ended soon after the large file's own hover was answered; 29-30 now).
    const during = slowestHoverWhile(() => !linted);
    // A hover in the large file itself before its first lint ended: answered without waiting for that lint
    // (seconds, minutes on a loaded machine): with nothing to explain yet, unless the lint ended within the wait
    // (FIRST_WORKER_LINT_WAIT_MS; it waited 1.5 s, the whole of a quiet machine's first lint, before it was cut for first
    // lints in the worker).
    const t0 = performance.now();
    await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 8 } });
    const earlyMs = performance.now() - t0;
    const hovers = await during;
    const diags = await first;
    assert.ok(
      earlyMs < FIRST_WORKER_LINT_WAIT_MS + 700,
      `the large file's own hover took ${earlyMs.toFixed(0)} ms, during its first lint (${lintMs.toFixed(0)} ms)`,
    );
    assert.ok(hovers.count >= 3, `${hovers.count} hovers during the first lint (${lintMs.toFixed(0)} ms)`);
    assert.ok(hovers.max < 1500, `a hover in another file waited ${hovers.max.toFixed(0)} ms for the large file's lint`);
    // A code action sent with every diagnostic of the file (a client may): its cost must not be their number times the file's size.
    const t1 = performance.now();
    await client.request('textDocument/codeAction', { textDocument: { uri }, range: diags[0].range, context: { diagnostics: diags } });
    const actionMs = performance.now() - t1;
    assert.ok(actionMs < 2000, `a code action with ${diags.length} diagnostics took ${actionMs.toFixed(0)} ms on the thread that answers every request`);
    // The large file's own hover (a finding, and a construct note from the worker's tree) and its quick fix.
    const sleep = diags.find((d) => d.code === 'async-time-sleep')!;
    assert.deepEqual(sleep.range.start, { line: 2, character: 4 });
    const hover = await client.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 8 } });
    assert.match(hover.contents.value, /async-time-sleep/);
    const note = await client.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 1 } });
    assert.match(note.contents.value, /async def/);
    const actions = await client.request<{ title: string; isPreferred?: boolean }[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: sleep.range,
      context: { diagnostics: [sleep] },
    });
    assert.ok(actions.some((a) => a.title.startsWith('Disable async-time-sleep')));
    // A keystroke, then a hover before any pull: it waits for the keystroke's lint in the worker (the full wait, not the
    // first lint's), and explains the finding.
    await client.change(uri, 2, [{ range: { start: { line: 2, character: 16 }, end: { line: 2, character: 16 } }, text: '2' }]);
    const typed = await client.request<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 2, character: 8 },
    });
    assert.match(typed?.contents.value ?? '', /async-time-sleep/, 'the hover after a keystroke');
    // An edit: the worker's copy follows it.
    await client.change(uri, 3, [{ range: { start: { line: 2, character: 4 }, end: { line: 2, character: 18 } }, text: 'pass' }]);
    assert.equal((await client.pull(uri)).filter((d) => d.code === 'async-time-sleep').length, 0);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    // The worker stops a second after its last document closed; the idle collection runs 5 s after the close.
    let rssAfter = Infinity;
    for (let i = 0; i < 15 && rssAfter > rssBefore + 40; i++) {
      await pause(1000);
      rssAfter = Math.min(rssAfter, rssMb(pid));
    }
    assert.ok(rssAfter <= rssBefore + 40, `RSS ${rssBefore.toFixed(0)} MB before the open, ${rssAfter.toFixed(0)} MB after the close`);
  });
});
