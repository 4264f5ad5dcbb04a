// The desktop extension: the shared client features (common.ts) with the language server as a
// Node process (dist/server.js) talking over IPC.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type ServerOptions } from 'vscode-languageclient/node';
import { activateWith, deactivateClient } from './common';

export function activate(context: vscode.ExtensionContext): Promise<void> {
  return activateWith(context, (options) => {
    const module = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server.js').fsPath;
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6029'] } },
    };
    return new LanguageClient('perflens', 'perflens', serverOptions, options);
  });
}

export function deactivate(): Promise<void> {
  return deactivateClient();
}
