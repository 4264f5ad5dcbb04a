// The extension stays idle until a Python file opens (activationEvents: onLanguage:python), then starts its
// language server. Runs first (index.ts adds files in name order), before any other test opens Python.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, extension, waitFor, waitForDiagnostics, workspaceRoot } from './helpers';

describe('activation', () => {
  after(closeAllEditors);

  it('is inactive until a Python file opens, then activates and lints it', async () => {
    const ext = extension();
    assert.equal(ext.isActive, false, 'perflens activated before any Python file was opened');
    const uri = vscode.Uri.joinPath(workspaceRoot(), 'service.py');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await waitFor('perflens to activate after opening service.py', () => ext.isActive);
    // Proof the language server behind the client is up: a diagnostic from it arrives.
    const diagnostics = await waitForDiagnostics(uri, 'the first perflens diagnostic', (found) => found.length > 0);
    assert.ok(diagnostics.every((d) => d.source === 'perflens'));
  });

  it('registers its commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['perflens.openGuide', 'perflens.restart', 'perflens.showOutput', 'perflens.disableRule']) {
      assert.ok(commands.includes(id), `command ${id} is not registered`);
    }
  });
});
