// The language server in a browser worker (vscode.dev, github.dev). Same server, no file system:
// the .wasm files and the guide are fetched from beside this script.
import { BrowserMessageReader, BrowserMessageWriter, createConnection } from 'vscode-languageserver/browser';
import { guideHrefBeside, type ServerPlatform } from '../lsp/platform';
import { Scheduler } from '../lsp/scheduling';
import { PerflensServer } from '../lsp/server';

// The worker's global scope (the DOM/WebWorker typings are not loaded for this Node project).
declare const self: ConstructorParameters<typeof BrowserMessageReader>[0] & { location: { href: string } };

const here = self.location.href;
const scheduler = new Scheduler();
const connection = createConnection(new BrowserMessageReader(self), new BrowserMessageWriter(self), scheduler.connectionOptions);
const platform: ServerPlatform = {
  wasm: (file) => new URL(file, here).href,
  guideHref: (rule) => guideHrefBeside(rule.guide, here),
};
new PerflensServer(connection, platform, scheduler);
connection.listen();
