// A module's change reaches the open files that import it (issue 24: the import graph is invalidated
// when a module changes, in the editor too): a.py's diagnostics follow helpers.py, edited open or
// changed on disk, without a.py being touched; a typing storm in helpers.py re-lints a.py a bounded
// number of times; notebooks and files linted in the worker follow too.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TestClient, type Diag } from './lspClient';

// numpy-python-loop speaks only when `arr` is known to be an ndarray: here, only from what helpers.load returns. `scaled`
// runs once per path, so the finding is high impact and shown (auto mode leaves a library rule's hints out).
const USER =
  'import numpy as np\nfrom helpers import load\n\n\ndef scaled(p):\n    arr = load(p)\n    out = np.zeros(len(arr))\n    for i in range(len(arr)):\n        out[i] = arr[i] * 2\n    return out\n' +
  '\n\ndef scale_all(paths):\n    return [scaled(p) for p in paths]\n';
const ARRAY = 'import numpy as np\n\n\ndef load(p):\n    return np.loadtxt(p)\n';
const LIST = 'def load(p):\n    return [float(x) for x in open(p)]\n';
const LOOP = ['numpy-python-loop'];

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const codes = (diags: Diag[]) => diags.map((d) => String(d.code));

/** Polls `get` until it returns `want` (deep-equal), or fails with the last value after `ms`. */
async function eventually<T>(get: () => Promise<T> | T, want: T, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  let got = await get();
  while (Date.now() < deadline) {
    try {
      assert.deepEqual(got, want);
      return;
    } catch {
      await pause(50);
      got = await get();
    }
  }
  assert.deepEqual(got, want);
}

describe('language server: files that import a changed module are linted again', function () {
  this.timeout(60_000);
  let dir: string;
  let client: TestClient;
  let helpersUri: string;
  let userUri: string;
  const replaceAll = (uri: string, version: number, text: string) => client.change(uri, version, [{ text }]);
  const writeHelpers = async (text: string) => {
    fs.writeFileSync(path.join(dir, 'helpers.py'), text);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: helpersUri, type: 2 }] });
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-deps-'));
    fs.writeFileSync(path.join(dir, 'helpers.py'), ARRAY);
    fs.writeFileSync(path.join(dir, 'a.py'), USER);
    helpersUri = pathToFileURL(path.join(dir, 'helpers.py')).href;
    userUri = pathToFileURL(path.join(dir, 'a.py')).href;
    client = new TestClient();
  });
  afterEach(async () => {
    await client.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('pull diagnostics', () => {
    beforeEach(async () => {
      await client.initialize({ pull: true });
      await client.open(userUri, USER);
    });

    /** a.py's findings once the server asked for a pull again (a refresh) after `change`. */
    async function afterRefresh(change: () => Promise<void>, want: string[]): Promise<void> {
      const before = client.refreshes;
      await change();
      await eventually(() => client.refreshes > before, true);
      assert.deepEqual(codes(await client.pull(userUri)), want);
    }

    it('follows edits of the open module, both ways, and its close (back to the disk)', async () => {
      assert.deepEqual(codes(await client.pull(userUri)), LOOP);
      await client.open(helpersUri, ARRAY);
      await afterRefresh(() => replaceAll(helpersUri, 2, LIST), []);
      await afterRefresh(() => replaceAll(helpersUri, 3, ARRAY), LOOP);
      await afterRefresh(() => replaceAll(helpersUri, 4, LIST), []);
      // Closed, the module is read from the disk again (where it returns an ndarray).
      await afterRefresh(() => client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: helpersUri } }), LOOP);
    });

    it('answers a pull that names the previous result with the new diagnostics, not "unchanged"', async () => {
      const first = await client.pullReport(userUri);
      assert.deepEqual(codes(first.items!), LOOP);
      const before = client.refreshes;
      await writeHelpers(LIST);
      await eventually(() => client.refreshes > before, true);
      const second = await client.pullReport(userUri, first.resultId);
      assert.equal(second.kind, 'full');
      assert.deepEqual(codes(second.items!), []);
    });

    it('follows a closed module changed on disk, both ways', async () => {
      assert.deepEqual(codes(await client.pull(userUri)), LOOP);
      await afterRefresh(() => writeHelpers(LIST), []);
      await afterRefresh(() => writeHelpers(ARRAY), LOOP);
    });

    it('leaves files that do not read the module alone', async () => {
      assert.deepEqual(codes(await client.pull(userUri)), LOOP);
      await pause(800); // the open's own check for importers is done
      const before = client.refreshes;
      const unrelated = pathToFileURL(path.join(dir, 'unrelated.py')).href;
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: unrelated, type: 1 }] });
      await pause(800);
      assert.equal(client.refreshes, before);
    });

    it('a notebook that imports the module follows it too', async () => {
      const nb = pathToFileURL(path.join(dir, 'nb.ipynb')).href;
      const cell = `${nb}#cell0`;
      // The notebook runs its functions (one nothing in a notebook calls is dead code there, ranked low).
      const text = `${USER}\n\nresults = scale_all(["a.txt"])\n`;
      await client.connection.sendNotification('notebookDocument/didOpen', {
        notebookDocument: { uri: nb, notebookType: 'jupyter-notebook', version: 1, cells: [{ kind: 2, document: cell }] },
        cellTextDocuments: [{ uri: cell, languageId: 'python', version: 1, text }],
      });
      assert.deepEqual(codes(await client.pull(cell)), LOOP);
      const before = client.refreshes;
      await writeHelpers(LIST);
      await eventually(() => client.refreshes > before, true);
      assert.deepEqual(codes(await client.pull(cell)), []);
    });
  });

  describe('push diagnostics', () => {
    /** The diagnostics last published for a.py. */
    const lastPush = () => codes(client.published.get(userUri)?.at(-1)?.diagnostics ?? []);
    /** How many times a.py was linted (the server's debug log line per lint). */
    const userLints = () => client.logs.filter((m) => m.startsWith(`perflens: linted ${userUri} `)).length;

    beforeEach(async () => {
      await client.initialize({ pull: false });
      await client.open(userUri, USER);
      await eventually(lastPush, LOOP);
    });

    it('publishes a.py again when the open module is edited, or a closed one changes on disk', async () => {
      await client.open(helpersUri, ARRAY);
      await replaceAll(helpersUri, 2, LIST);
      await eventually(lastPush, []);
      await replaceAll(helpersUri, 3, ARRAY);
      await eventually(lastPush, LOOP);
      await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: helpersUri } });
      await writeHelpers(LIST);
      await eventually(lastPush, []);
    });

    it('a typing storm in the module re-lints a.py a bounded number of times, after it ends', async () => {
      await client.open(helpersUri, ARRAY);
      await pause(800); // the open's own re-lint of a.py is done
      const lintsBefore = userLints();
      const pushesBefore = client.published.get(userUri)!.length;
      // 40 keystrokes 25 ms apart (a second of typing), ending on the list version.
      for (let v = 2; v <= 41; v++) {
        await replaceAll(helpersUri, v, v % 2 === 0 || v === 41 ? LIST : ARRAY);
        await pause(25);
      }
      await eventually(lastPush, []);
      await pause(800);
      assert.ok(userLints() - lintsBefore <= 2, `a.py linted ${userLints() - lintsBefore} times for 40 keystrokes in helpers.py`);
      assert.ok(client.published.get(userUri)!.length - pushesBefore <= 2);
    });

    it('a large a.py, linted in the worker, follows a module changed on disk', async () => {
      // Over LARGE_DOCUMENT_CHARS (500k): the worker lints it, and must report what it read.
      // (Module-level assignments: a file of 5,500 comment lines takes about 40 s to lint, a known slow path left alone here.)
      const padding = Array.from({ length: 5500 }, (_, i) => `PAD_${i} = "${'padding '.repeat(10)}"\n`).join('');
      const large = USER + padding;
      assert.ok(large.length > 500_000);
      await client.open(userUri, large, 2);
      assert.deepEqual(codes(await client.waitForPush(userUri, 2, 30_000)), LOOP);
      await writeHelpers(LIST);
      await eventually(lastPush, [], 30_000);
      await writeHelpers(ARRAY);
      await eventually(lastPush, LOOP, 30_000);
    });
  });
});
