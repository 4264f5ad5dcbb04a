// Quick fixes through the editor's own code-action machinery, and fix-all when the user saves.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { cliCheck, closeAllEditors, findingsOf, openCopy, waitForDiagnostics, withSetting, type CliResult } from './helpers';

/** The perflens diagnostic for `finding` (`line:column rule-id`), once it is shown. */
async function diagnosticAt(uri: vscode.Uri, finding: string): Promise<vscode.Diagnostic> {
  const diagnostics = await waitForDiagnostics(uri, finding, (found) => found.includes(finding));
  return diagnostics.find((d) => findingsOf([d])[0] === finding)!;
}

describe('code actions', () => {
  afterEach(closeAllEditors);

  it('the (unsafe) quick fix for time.sleep() in async code rewrites the call', async () => {
    const editor = await openCopy('service.py');
    const { document } = editor;
    const original = document.getText();
    const sleep = await diagnosticAt(document.uri, '18:9 async-time-sleep');

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, sleep.range);
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes('Disable async-time-sleep for this line'), `actions: ${JSON.stringify(titles)}`);
    assert.ok(titles.includes('Open the guide for async-time-sleep'), `actions: ${JSON.stringify(titles)}`);
    // Unsafe (the coroutine now suspends there): offered, marked (the reason is in the hover), but not as the preferred action.
    const fix = actions.find((a) => a.title === 'Replace with await asyncio.sleep() (unsafe)');
    assert.ok(fix?.edit, `no "Replace with await asyncio.sleep() (unsafe)" action among ${JSON.stringify(titles)}`);
    assert.notEqual(fix.isPreferred, true, 'only a safe fix is the preferred action (Ctrl+. then Enter, "Auto Fix")');
    assert.equal(fix.kind?.value, vscode.CodeActionKind.QuickFix.value);

    assert.ok(await vscode.workspace.applyEdit(fix.edit), 'the editor refused the fix');
    // service.py already imports asyncio, so exactly that one line changes.
    assert.equal(document.getText(), original.replace('        time.sleep(interval)\n', '        await asyncio.sleep(interval)\n'));
    await waitForDiagnostics(document.uri, 'async-time-sleep to go', (found) => !found.some((f) => f.endsWith(' async-time-sleep')));
  });

  it('"Disable … for this line" adds a suppression comment that silences the finding', async () => {
    const editor = await openCopy('service.py');
    const { document } = editor;
    const sleep = await diagnosticAt(document.uri, '18:9 async-time-sleep');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, sleep.range);
    const disable = actions.find((a) => a.title === 'Disable async-time-sleep for this line');
    assert.ok(disable?.edit);
    assert.ok(await vscode.workspace.applyEdit(disable.edit));
    assert.equal(document.lineAt(17).text, '        time.sleep(interval)  # perflens: ignore[async-time-sleep]');
    await waitForDiagnostics(document.uri, 'async-time-sleep to go', (found) => !found.some((f) => f.endsWith(' async-time-sleep')));
  });

  describe('fix-all on save (editor.codeActionsOnSave: source.fixAll.perflens)', () => {
    let restore: (() => Promise<void>) | undefined;
    before(async () => {
      restore = await withSetting('editor', 'codeActionsOnSave', { 'source.fixAll.perflens': 'explicit' }, 'python');
    });
    after(async () => restore?.());

    it('applies the safe fixes, and only those, when the file is saved', async () => {
      const editor = await openCopy('features.py');
      const { document } = editor;
      const findings = await cliCheck(document.uri);
      const rule = (r: CliResult) => r.finding.split(' ')[1];
      const keptRules = findings.filter((r) => r.fix !== 'safe').map(rule);
      assert.ok(keptRules.length > 0, 'features.py should have findings without a safe fix, to show fix-all leaves them');
      await diagnosticAt(document.uri, '36:16 reduction-over-list-comprehension');
      await diagnosticAt(document.uri, '63:25 list-pop-front');

      // Saving a clean file is a no-op in VS Code; a real edit makes this a user's save.
      assert.ok(await editor.edit((b) => b.insert(new vscode.Position(0, 0), '# edited\n')));
      assert.equal(await document.save(), true, 'save failed');

      const lines = document.getText().split('\n');
      assert.ok(lines.includes('    return sum(w * v for w, v in zip(weights, values))'), 'the reduction was not fixed on save');
      assert.ok(lines.includes('    pending = collections.deque(jobs)'), 'the list was not made a deque on save');
      assert.ok(lines.includes('import collections'), 'the fix did not import collections');
      assert.ok(!lines.includes('    @functools.wraps(func)'), 'the unsafe functools.wraps fix was applied on save');
      assert.equal(document.isDirty, false, 'the fixed text was not saved');
      assert.equal(fs.readFileSync(document.uri.fsPath, 'utf8'), document.getText(), 'the file on disk differs from the editor');
      await waitForDiagnostics(document.uri, `the fixed findings to go and ${JSON.stringify(keptRules)} (no safe fix) to stay`, (found) => {
        const rules = found.map((f) => f.split(' ')[1]);
        return !rules.includes('reduction-over-list-comprehension') && !rules.includes('list-pop-front') && keptRules.every((r) => rules.includes(r));
      });
    });

    it('does nothing on save when the setting is off', async () => {
      await restore?.();
      restore = undefined;
      const editor = await openCopy('features.py');
      await diagnosticAt(editor.document.uri, '36:16 reduction-over-list-comprehension');
      assert.ok(await editor.edit((b) => b.insert(new vscode.Position(0, 0), '# edited\n')));
      const expected = editor.document.getText();
      assert.equal(await editor.document.save(), true);
      assert.equal(editor.document.getText(), expected);
      assert.equal(fs.readFileSync(editor.document.uri.fsPath, 'utf8'), expected);
    });
  });
});
