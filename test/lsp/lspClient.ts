// A minimal LSP client over stdio for tests: spawns dist/server.js and speaks JSON-RPC to it.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type CancellationToken, type MessageConnection } from 'vscode-jsonrpc/node';
import { DIST } from '../helpers/engine';

export interface Diag {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity: number;
  code: string;
  source: string;
  message: string;
  codeDescription?: { href: string };
  data?: { ruleId: string; version: number; fix?: { title: string; safety: string; reason?: string; edits: unknown[] } };
}

export class TestClient {
  readonly process: ChildProcess;
  readonly connection: MessageConnection;
  readonly published = new Map<string, { version?: number; diagnostics: Diag[] }[]>();
  readonly messages: string[] = [];
  readonly logs: string[] = [];
  /** window/logMessage with its type (1 error, 2 warning, 3 info, 4 log, 5 debug). */
  readonly logEntries: { type: number; message: string }[] = [];
  readonly progress: string[] = [];
  /** Every $/progress value with its token. */
  readonly progressValues: { token: unknown; value: { kind: string; message?: string; percentage?: number; cancellable?: boolean } }[] = [];
  /** Called on each $/progress, as it arrives (a test may cancel the work from here). */
  onProgress?: (token: unknown, value: { kind: string; message?: string }) => void;
  readonly statuses: Record<string, unknown>[] = [];
  /** workspace/diagnostic/refresh requests received. */
  refreshes = 0;

  /**
   * `server`: the server script to run. PERFLENS_TEST_SERVER runs the suites against another build
   * (to see a new test fail on the code before a fix); bench/largeDocument.ts passes one to compare. `env`: added to the
   * server's environment (PERFLENS_TEST_INCREMENTAL_SKIP: see IncrementalLinter.testSkip).
   */
  constructor(server = process.env.PERFLENS_TEST_SERVER ?? path.join(DIST, 'server.js'), env: Record<string, string> = {}) {
    this.process = spawn(process.execPath, [...(process.env.PERFLENS_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []), server, '--stdio'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    this.connection = createMessageConnection(new StreamMessageReader(this.process.stdout!), new StreamMessageWriter(this.process.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number; diagnostics: Diag[] }) => {
      const list = this.published.get(p.uri) ?? [];
      list.push({ version: p.version, diagnostics: p.diagnostics });
      this.published.set(p.uri, list);
    });
    this.connection.onNotification('window/showMessage', (p: { message: string }) => {
      this.messages.push(p.message);
    });
    this.connection.onNotification('window/logMessage', (p: { type: number; message: string }) => {
      this.logs.push(p.message);
      this.logEntries.push(p);
    });
    this.connection.onRequest('workspace/configuration', (p: { items: { scopeUri?: string }[] }) =>
      Promise.all(p.items.map((item) => (typeof this.settings === 'function' ? this.settings(item.scopeUri) : this.settings))),
    );
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onNotification('$/progress', (p: { token: unknown; value: { kind: string; message?: string } }) => {
      this.progress.push(p.value.kind);
      this.progressValues.push(p);
      this.onProgress?.(p.token, p.value);
    });
    this.connection.onNotification('perflens/status', (p: Record<string, unknown>) => {
      this.statuses.push(p);
    });
    this.connection.onRequest('workspace/diagnostic/refresh', () => {
      this.refreshes++;
      return null;
    });
    this.connection.onRequest('window/showMessageRequest', (p: { message: string }) => {
      this.messages.push(p.message);
      return null;
    });
    this.connection.listen();
  }

  /**
   * perflens settings answered to workspace/configuration; a function answers per resource (multi-root),
   * and may answer later (a promise), to hold a request that waits for its settings.
   */
  settings: Record<string, unknown> | ((scopeUri?: string) => Record<string, unknown> | Promise<Record<string, unknown>>) = {};

  async initialize(options: { pull: boolean; configuration?: boolean; initializationOptions?: unknown }): Promise<{ capabilities: Record<string, unknown> }> {
    const result = await this.connection.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {
        textDocument: options.pull ? { diagnostic: { dynamicRegistration: false } } : { publishDiagnostics: { versionSupport: true } },
        workspace: { configuration: options.configuration ?? false },
        window: { workDoneProgress: true },
      },
      initializationOptions: options.initializationOptions,
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  open(uri: string, text: string, version = 1): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version, text } });
  }

  change(uri: string, version: number, changes: unknown[]): Promise<void> {
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
  }

  async pull(uri: string): Promise<Diag[]> {
    const report = await this.connection.sendRequest<{ kind: string; items: Diag[] }>('textDocument/diagnostic', { textDocument: { uri } });
    return report.items;
  }

  /** A pull as VS Code makes it, with the previous result id: returns the raw report. */
  pullReport(uri: string, previousResultId?: string): Promise<{ kind: 'full' | 'unchanged'; resultId?: string; items?: Diag[] }> {
    return this.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri }, previousResultId });
  }

  /** Waits for a push of diagnostics for uri at the given version. */
  async waitForPush(uri: string, version: number, timeoutMs = 10000): Promise<Diag[]> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const hit = (this.published.get(uri) ?? []).find((p) => p.version === version);
      if (hit) return hit.diagnostics;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no diagnostics pushed for ${uri} v${version}`);
  }

  /** Waits until the server has asked the client to pull again (workspace/diagnostic/refresh) more than `seen` times. */
  async waitForRefresh(seen: number, timeoutMs = 10000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.refreshes <= seen) {
      if (Date.now() > deadline) throw new Error(`no diagnostic refresh after ${seen}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** A request; cancelling the token sends $/cancelRequest. */
  request<T>(method: string, params: unknown, token?: CancellationToken): Promise<T> {
    // An undefined third argument would be sent as a positional parameter.
    return token ? this.connection.sendRequest<T>(method, params, token) : this.connection.sendRequest<T>(method, params);
  }

  async shutdown(): Promise<void> {
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } catch {
      // the process may already be gone
    }
    this.connection.dispose();
    // With extra node flags (e.g. --cpu-prof, which writes on a normal exit) give the server time to exit by itself.
    if (process.env.PERFLENS_SERVER_NODE_ARGS && this.process.exitCode === null) {
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, 5000);
        this.process.once('exit', () => resolve(clearTimeout(timer)));
      });
    }
    this.process.kill();
  }
}
