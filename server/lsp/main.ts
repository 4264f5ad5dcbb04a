// Entry point of the language server: `node dist/server.js --stdio` (or --node-ipc from VS Code).
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { guideUrl } from '../engine/render';
import { Scheduler } from './scheduling';
import { PerflensServer } from './server';

const scheduler = new Scheduler();
const connection = createConnection(ProposedFeatures.all, scheduler.connectionOptions);
new PerflensServer(connection, { wasm: __dirname, guideHref: (rule) => guideUrl(rule), fileSystem: true, collectGarbage: garbageCollector() }, scheduler);
connection.listen();

// A bug must cost one request, not the editor's linter: log and keep serving.
process.on('uncaughtException', (error) => connection.console.error(`perflens: uncaught error: ${error.stack ?? error.message}`));
process.on('unhandledRejection', (reason) => connection.console.error(`perflens: unhandled rejection: ${String(reason)}`));

/** The runtime's full-GC function: `global.gc` when Node was started with --expose-gc, else enabled now. */
function garbageCollector(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  try {
    // --expose-gc set after start adds `gc` to contexts created from then on (Node warns that flags
    // changed at run time are not guaranteed to work: without it, the server just skips the collection).
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}
