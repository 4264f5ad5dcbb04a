// Entry point of the language server: `node dist/server.js --stdio` (or --node-ipc from VS Code).
// The same script is the lint worker for large documents (offThread.ts) when started as a worker thread.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { guideUrl } from '../docs/render';
import { garbageCollector } from './garbage';
import { runLintWorker } from './lintWorker';
import { LintWorkerHost } from './lintWorkerHost';
import { localDisk } from './localDisk';
import type { WorkerStart } from './offThread';
import { Scheduler } from './scheduling';
import { PerflensServer } from './server';
import { IncrementalLinter } from '../engine/incremental';

// Test-only (see IncrementalLinter.testSkip): the test client's way to make incremental lints differ from full ones.
IncrementalLinter.testSkip = process.env.PERFLENS_TEST_INCREMENTAL_SKIP || null;

function startServer(): void {
  const scheduler = new Scheduler();
  const connection = createConnection(ProposedFeatures.all, scheduler.connectionOptions);
  const offThread = new LintWorkerHost(__filename, { perflensLintWorker: true, wasm: __dirname }, (message) => connection.console.error(message));
  new PerflensServer(
    connection,
    { wasm: __dirname, guideHref: (rule) => guideUrl(rule), disk: localDisk(), collectGarbage: garbageCollector(), offThread },
    scheduler,
  );
  connection.listen();

  // A bug must cost one request, not the editor's linter: log and keep serving.
  process.on('uncaughtException', (error) => connection.console.error(`perflens: uncaught error: ${error.stack ?? error.message}`));
  process.on('unhandledRejection', (reason) => connection.console.error(`perflens: unhandled rejection: ${String(reason)}`));
}

const start = workerData as WorkerStart | undefined;
if (!isMainThread && parentPort && start?.perflensLintWorker) void runLintWorker(parentPort, start);
else startServer();
