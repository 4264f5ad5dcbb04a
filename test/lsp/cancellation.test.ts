// Responsiveness over LSP: cancelled requests get the protocol's cancellation error and do no work;
// hovers and code actions never queue behind other files' lints; a pull for a document edited while
// it waited is server-cancelled with a retrigger. The server runs one lint at a time on one thread,
// so each test first starts a slow "blocker" lint and sends its requests while it runs: they all
// arrive together, as they do in an editor that is busy with a large file.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CancellationTokenSource, ResponseError } from 'vscode-jsonrpc/node';
import { ROOT } from '../helpers/engine';
import { TestClient } from './lspClient';

const REQUEST_CANCELLED = -32800;
const SERVER_CANCELLED = -32802;

/** About `chars` characters of realistic code with findings: the examples, repeated with unique names. */
function largeModule(chars: number): string {
  const dir = path.join(ROOT, 'examples');
  const source = readdirSync(dir)
    .filter((f) => f.endsWith('.py'))
    .sort()
    .map((f) => readFileSync(path.join(dir, f), 'utf8'))
    .join('\n');
  const parts: string[] = [];
  for (let i = 0, length = 0; length < chars; i++) {
    const part = source.replace(/\bdef (\w+)/g, `def $1_${i}`);
    parts.push(part);
    length += part.length + 1;
  }
  return parts.join('\n');
}

const SLEEP = 'import time\nimport asyncio\n\nasync def poll(client):\n    time.sleep(1)\n';
/** A large file with a finding on line 4: the file hovers are asked about. */
const HOVERED = SLEEP + largeModule(150_000);
/** Linting this takes on the order of a second. */
const SLOW = largeModule(200_000);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The JSON-RPC error code a request failed with, or 'ok'. */
async function outcome(request: Promise<unknown>): Promise<number | 'ok'> {
  try {
    await request;
    return 'ok';
  } catch (error) {
    if (error instanceof ResponseError) return error.code;
    throw error;
  }
}

describe('language server: cancellation and responsiveness', function () {
  let client: TestClient;
  const HOVERED_URI = 'file:///tmp/perflens-cancel/hovered.py';
  let docs = 0;

  before(async () => {
    client = new TestClient();
    await client.initialize({ pull: true, initializationOptions: { status: true } });
    await client.open(HOVERED_URI, HOVERED);
    await client.pull(HOVERED_URI);
  });
  after(() => client.shutdown());

  /** Opens a new document (not linted yet). */
  async function open(text: string): Promise<string> {
    const uri = `file:///tmp/perflens-cancel/doc${++docs}.py`;
    await client.open(uri, text);
    return uri;
  }

  /** Pulls a new slow document and waits until its lint is under way (the server is then busy). */
  async function startBlocker(): Promise<{ done: Promise<unknown> }> {
    const done = client.pull(await open(SLOW));
    await pause(300);
    return { done };
  }

  const hoverSleep = (token?: CancellationTokenSource) =>
    client.request<{ contents: { value: string } } | null>(
      'textDocument/hover',
      { textDocument: { uri: HOVERED_URI }, position: { line: 4, character: 8 } },
      token?.token,
    );

  const lintsOf = (uri: string) => client.statuses.filter((s) => s.uri === uri).length;

  it("answers a hover before other files' pending lints, without waiting for them", async () => {
    const [b, c] = [await open(SLOW), await open(SLOW)];
    const blocker = await startBlocker();
    const started = performance.now();
    const at = (p: Promise<unknown>) => p.then(() => performance.now() - started);
    const [blockerMs, bMs, cMs, hoverMs] = await Promise.all([at(blocker.done), at(client.pull(b)), at(client.pull(c)), at(hoverSleep())]);
    // The lint that was running finishes first (nothing interrupts it); the hover comes right after.
    assert.ok(hoverMs < bMs && hoverMs < cMs, `hover ${hoverMs.toFixed(0)} ms, pulls ${bMs.toFixed(0)} and ${cMs.toFixed(0)} ms`);
    assert.ok(
      hoverMs - blockerMs < (bMs - blockerMs) / 2,
      `hover ${(hoverMs - blockerMs).toFixed(0)} ms after the running lint, pull ${(bMs - blockerMs).toFixed(0)} ms`,
    );
    assert.match((await hoverSleep())!.contents.value, /async-time-sleep/);
  });

  it('a hover on a file edited since its last lint lints that file at once, not after the others', async () => {
    const uri = await open(SLEEP + largeModule(100_000));
    await client.pull(uri);
    const other = await open(SLOW);
    const blocker = await startBlocker();
    const pull = client.pull(other);
    // Line 5: a second time.sleep() the hover must see (a result for version 1 would not have it).
    await client.change(uri, 2, [{ range: { start: { line: 5, character: 0 }, end: { line: 5, character: 0 } }, text: '    time.sleep(2)\n' }]);
    let hoverDone = false;
    const hover = client
      .request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line: 5, character: 8 } })
      .finally(() => (hoverDone = true));
    await pull;
    assert.ok(hoverDone, 'the hover waited for the other file');
    assert.match((await hover)!.contents.value, /async-time-sleep/);
    await blocker.done;
  });

  it('cancelled hovers, code actions and pulls get RequestCancelled, do no work, and the server keeps answering', async () => {
    const stale = await open(SLOW);
    const blocker = await startBlocker();
    const tokens = [new CancellationTokenSource(), new CancellationTokenSource(), new CancellationTokenSource()];
    const range = { start: { line: 4, character: 4 }, end: { line: 4, character: 17 } };
    const requests = [
      hoverSleep(tokens[0]),
      client.request('textDocument/codeAction', { textDocument: { uri: HOVERED_URI }, range, context: { diagnostics: [] } }, tokens[1].token),
      client.request('textDocument/diagnostic', { textDocument: { uri: stale } }, tokens[2].token),
    ];
    for (const t of tokens) t.cancel();
    assert.deepEqual(await Promise.all(requests.map(outcome)), [REQUEST_CANCELLED, REQUEST_CANCELLED, REQUEST_CANCELLED]);
    await blocker.done;
    assert.equal(lintsOf(stale), 0, 'the cancelled pull linted its file');
    // Nothing is left in a bad state: the same requests, not cancelled, are answered.
    assert.match((await hoverSleep())!.contents.value, /async-time-sleep/);
    assert.ok((await client.pull(stale)).length > 0);
    assert.equal(lintsOf(stale), 1);
  });

  it('a pull cancelled while it waits for its turn gets RequestCancelled and skips the lint', async () => {
    const stale = await open(SLOW);
    const token = new CancellationTokenSource();
    // Sent with the blocker: dispatched, then waiting behind it, when the cancel arrives.
    const blocker = client.pull(await open(SLOW));
    const pull = client.request('textDocument/diagnostic', { textDocument: { uri: stale } }, token.token);
    await pause(200);
    token.cancel();
    assert.equal(await outcome(pull), REQUEST_CANCELLED);
    await blocker;
    assert.equal(lintsOf(stale), 0);
  });

  it('a pull for a document edited while it waited is server-cancelled with a retrigger, then answers for the new version', async () => {
    // The pull waits for the document's settings, which this client answers only once the edit was sent:
    // the edit always arrives while the pull waits. (Racing the edit against a busy server instead made the
    // outcome depend on the machine: when the blocker's lint went to the worker, the pull could run first.)
    const gated = new TestClient();
    const uri = 'file:///tmp/perflens-cancel/edited-while-waiting.py';
    let askedForSettings!: () => void;
    let answerSettings!: () => void;
    const asked = new Promise<void>((resolve) => (askedForSettings = resolve));
    const answer = new Promise<void>((resolve) => (answerSettings = resolve));
    gated.settings = async (scopeUri) => {
      if (scopeUri !== uri) return {};
      askedForSettings();
      await answer;
      return {};
    };
    try {
      await gated.initialize({ pull: true, configuration: true });
      await gated.open(uri, SLEEP);
      const pull = gated.pull(uri);
      await asked;
      await gated.change(uri, 2, [{ range: { start: { line: 4, character: 4 }, end: { line: 4, character: 17 } }, text: 'pass' }]);
      answerSettings();
      const error = await pull.then(
        () => assert.fail('the pull answered for a version the document no longer has'),
        (e: ResponseError<{ retriggerRequest: boolean }>) => e,
      );
      assert.equal(error.code, SERVER_CANCELLED);
      assert.deepEqual(error.data, { retriggerRequest: true });
      assert.deepEqual(await gated.pull(uri), []);
    } finally {
      await gated.shutdown();
    }
  });
});
