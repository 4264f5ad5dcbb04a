// The web-extension server (dist/web/server.js) in a real browser worker: headless Chromium loads
// it from a loopback HTTP server, and the test speaks LSP to it through the page.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import { DIST, ROOT } from '../helpers/engine';

const CHROMIUM = '/usr/bin/chromium';
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html', '.md': 'text/markdown' };

const PAGE = `<!doctype html><meta charset="utf-8"><script>
  const worker = new Worker('/dist/web/server.js');
  window.received = [];
  worker.onmessage = (e) => window.received.push(e.data);
  window.send = (msg) => worker.postMessage(msg);
</script>`;

/** Serves the built web bundles and the guide, like the extension's static files on vscode.dev. */
function serve(): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      return;
    }
    const file = url.pathname.startsWith('/dist/web/') ? path.join(DIST, 'web', path.basename(url.pathname)) : path.join(ROOT, url.pathname);
    if (!file.startsWith(ROOT) && !file.startsWith(DIST)) return void res.writeHead(403).end();
    if (!existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

class WorkerClient {
  private nextId = 1;
  constructor(private readonly page: Page) {}

  notify(method: string, params: unknown): Promise<void> {
    return this.page.evaluate((m) => (globalThis as unknown as { send(x: unknown): void }).send(m), { jsonrpc: '2.0', method, params });
  }

  async request<T>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++;
    await this.page.evaluate((m) => (globalThis as unknown as { send(x: unknown): void }).send(m), { jsonrpc: '2.0', id, method, params });
    const handle = await this.page.waitForFunction(
      (wanted) => (globalThis as unknown as { received: { id?: number; method?: string }[] }).received.find((m) => m.id === wanted && m.method === undefined),
      id,
      { timeout: 20000 },
    );
    const response = (await handle.jsonValue()) as { result?: T; error?: { message: string } };
    if (response.error) throw new Error(response.error.message);
    return response.result as T;
  }
}

describe('web extension server (browser worker)', function () {
  this.timeout(60000);
  let server: Server;
  let context: BrowserContext;
  let client: WorkerClient;
  let base: string;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), 'this test needs Debian chromium (apt-get install chromium); npm test installs it when run as root');
    server = await serve();
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    context = await chromium.launchPersistentContext(mkdtempSync(path.join(os.tmpdir(), 'perflens-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    client = new WorkerClient(page);
  });

  after(async () => {
    await context?.close();
    server?.close();
  });

  it('initializes, lints with the same rules and answers hovers, without a file system', async () => {
    const init = await client.request<{ capabilities: Record<string, unknown> }>('initialize', {
      processId: null,
      rootUri: null,
      capabilities: { textDocument: { diagnostic: {} } },
    });
    assert.ok(init.capabilities.diagnosticProvider);
    // No disk in the browser worker: the client leaves Scan Workspace out of the palette (issue 28, item 1).
    assert.deepEqual((init.capabilities as { experimental?: { perflens?: unknown } }).experimental?.perflens, { scanWorkspace: false, profiles: true });
    await client.notify('initialized', {});
    const uri = 'vscode-vfs://github/perflens/demo/app.py';
    await client.notify('textDocument/didOpen', {
      textDocument: { uri, languageId: 'python', version: 1, text: 'import time\n\nasync def f(xs):\n    time.sleep(1)\n    return sum([x for x in xs])\n' },
    });
    const report = await client.request<{ items: { code: string; range: { start: { line: number } }; codeDescription: { href: string } }[] }>(
      'textDocument/diagnostic',
      { textDocument: { uri } },
    );
    assert.deepEqual(
      report.items.map((d) => `${d.range.start.line}:${d.code}`),
      ['3:async-time-sleep', '4:reduction-over-list-comprehension'],
    );
    assert.equal(report.items[0].codeDescription.href, `${base}/guide/asyncio-pitfalls.md`);
    const hover = await client.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 6 } });
    assert.match(hover.contents.value, /event loop/);
    await assert.rejects(client.request('perflens/scanWorkspace', { roots: ['file:///x'] }), /not available in the browser/);
  });
});
