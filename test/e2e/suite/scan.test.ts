// perflens: Scan Workspace (issue 28, item 1): the command runs in this extension host (code-server's Node host in
// a browser workbench, where `isWeb` is true) and lints the files nobody opened, as `perflens check` does. Its
// palette entry and its Cancel button are checked through the UI by scripts/e2e/smoke-vsix.mjs.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { cliCheck, closeAllEditors, findingsOf, perflensDiagnostics, waitForFindings, workspaceRoot } from './helpers';

describe('scan workspace', () => {
  after(closeAllEditors);

  it('lints every Python file, the unopened ones included, with the same findings as perflens check', async () => {
    const files = ['etl.py', 'parallel.py', 'tf_step.py'].map((name) => vscode.Uri.joinPath(workspaceRoot(), name));
    for (const uri of files) {
      assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()), `${uri.fsPath} must not be open for this test`);
      assert.deepEqual(findingsOf(perflensDiagnostics(uri)), [], `${uri.fsPath} has diagnostics before the scan`);
    }
    await vscode.commands.executeCommand('perflens.scanWorkspace');
    for (const uri of files)
      await waitForFindings(
        uri,
        (await cliCheck(uri)).map((r) => r.finding),
      );
    assert.ok(perflensDiagnostics(files[0]).length > 0, 'etl.py has findings, so the scan reached it');
  });
});
