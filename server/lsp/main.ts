// Entry point of the language server: `node dist/server.js --stdio` (or --node-ipc from VS Code).
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { guideUrl } from '../docs/render';
import { garbageCollector } from './garbage';
import { localDisk } from './localDisk';
import { Scheduler } from './scheduling';
import { PerflensServer } from './server';

const scheduler = new Scheduler();
const connection = createConnection(ProposedFeatures.all, scheduler.connectionOptions);
new PerflensServer(connection, { wasm: __dirname, guideHref: (rule) => guideUrl(rule), disk: localDisk(), collectGarbage: garbageCollector() }, scheduler);
connection.listen();

// A bug must cost one request, not the editor's linter: log and keep serving.
process.on('uncaughtException', (error) => connection.console.error(`perflens: uncaught error: ${error.stack ?? error.message}`));
process.on('unhandledRejection', (reason) => connection.console.error(`perflens: unhandled rejection: ${String(reason)}`));
