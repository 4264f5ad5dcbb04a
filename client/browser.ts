// The extension on vscode.dev / github.dev: the same client features, with the language server
// running in a web worker instead of a Node process.
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/browser';
import { activateWith, deactivateClient } from './common';

// The DOM typings are not loaded for the (mostly Node) project; the web host provides Worker.
declare const Worker: new (scriptUrl: string) => ConstructorParameters<typeof LanguageClient>[3];

export function activate(context: vscode.ExtensionContext): Promise<void> {
  return activateWith(context, (options) => {
    const serverMain = vscode.Uri.joinPath(context.extensionUri, 'dist', 'web', 'server.js');
    const worker = new Worker(serverMain.toString(true));
    return new LanguageClient('perflens', 'perflens', options, worker);
  });
}

export function deactivate(): Promise<void> {
  return deactivateClient();
}
