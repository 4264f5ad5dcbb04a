// The diagnostics an editor user sees on the bundled examples are exactly what `perflens check` reports for the
// same files (same rules, positions, messages, guide links), and edits re-lint the document.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { guideLinkUri, guideTargetOfHref } from '../../../client/guideRender';
import { cliCheck, closeAllEditors, EXTENSION_ID, findingsOf, openCopy, replaceInLine, waitForFindings, workspaceRoot } from './helpers';

const SEVERITY: Record<string, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

// Findings that must be among them whatever rules are added later (the CLI comparison alone would pass on two
// empty lists). Lines and columns are 1-based, as in the Problems panel.
const KNOWN: Record<string, string[]> = {
  'service.py': ['18:9 async-time-sleep'],
  'features.py': ['9:9 decorator-missing-wraps', '36:16 reduction-over-list-comprehension'],
};

describe('diagnostics', () => {
  afterEach(closeAllEditors);

  for (const name of Object.keys(KNOWN)) {
    it(`${name}: the editor shows exactly what perflens check reports`, async () => {
      const uri = vscode.Uri.joinPath(workspaceRoot(), name);
      const expected = await cliCheck(uri);
      for (const known of KNOWN[name])
        assert.ok(
          expected.some((r) => r.finding === known),
          `perflens check no longer reports ${known}`,
        );

      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      const diagnostics = await waitForFindings(
        uri,
        expected.map((r) => r.finding),
      );

      const byFinding = new Map(diagnostics.map((d) => [findingsOf([d])[0], d]));
      for (const want of expected) {
        const d = byFinding.get(want.finding)!;
        const code = d.code as { value: string; target: vscode.Uri };
        assert.equal(d.source, 'perflens');
        assert.equal(d.message, want.message, `message of ${want.finding}`);
        assert.deepEqual([d.range.end.line + 1, d.range.end.character + 1], [want.end.line, want.end.column], `end of ${want.finding}`);
        // The server's link is the bundled guide file (what the CLI prints); in VS Code the client points it at the guide view.
        const target = guideTargetOfHref(want.url);
        assert.ok(target, `the CLI's url for ${want.finding} is a guide section: ${want.url}`);
        assert.equal(code.target.toString(true), guideLinkUri(vscode.env.uriScheme, EXTENSION_ID, target), `guide link of ${want.finding}`);
        assert.equal(d.severity, SEVERITY[want.severity], `severity of ${want.finding}`);
      }
    });
  }

  // Proves that a failing assertion inside the editor fails the launcher (and CI): PERFLENS_E2E_FAIL=1.
  if (process.env.PERFLENS_E2E_FAIL === '1') {
    it('deliberately fails (PERFLENS_E2E_FAIL=1): expects a finding service.py does not have', async () => {
      const uri = vscode.Uri.joinPath(workspaceRoot(), 'service.py');
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      const diagnostics = await waitForFindings(
        uri,
        (await cliCheck(uri)).map((r) => r.finding),
      );
      assert.deepEqual(findingsOf(diagnostics), [...KNOWN['service.py'], '99:1 no-such-rule']);
    });
  }

  it('editing the file updates its diagnostics', async () => {
    const editor = await openCopy('features.py');
    const uri = editor.document.uri;
    const before = await waitForFindings(
      uri,
      (await cliCheck(uri)).map((r) => r.finding),
    );
    assert.ok(findingsOf(before).includes('36:16 reduction-over-list-comprehension'));

    // Fix the reduction by hand: that finding goes, the others stay where they were.
    await replaceInLine(editor, 35, 'sum([w * v for w, v in zip(weights, values)])', 'sum(w * v for w, v in zip(weights, values))');
    const others = findingsOf(before).filter((f) => f !== '36:16 reduction-over-list-comprehension');
    await waitForFindings(uri, others);

    // Two lines inserted at the top: every finding moves down by two.
    assert.ok(await editor.edit((b) => b.insert(new vscode.Position(1, 0), '# added line\n# another\n')));
    const shifted = others.map((f) => f.replace(/^(\d+)/, (line) => String(Number(line) + 2)));
    await waitForFindings(uri, shifted);

    // A new problem typed at the end of the file appears, on the line it was typed.
    const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
    assert.ok(await editor.edit((b) => b.insert(end, '\n\ndef total(xs):\n    return max([x * 2 for x in xs])\n')));
    const line = editor.document.getText().split('\n').indexOf('    return max([x * 2 for x in xs])') + 1;
    await waitForFindings(uri, [...shifted, `${line}:16 reduction-over-list-comprehension`]);
    assert.ok(editor.document.isDirty, 'the test linted unsaved text, so the document must still be dirty');
  });
});
