// perflens.* settings changed while the file is open take effect at once: no reload, no restart.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, openCopy, waitForDiagnostics, withSetting } from './helpers';

describe('settings', () => {
  let restore: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await restore?.();
    restore = undefined;
    await closeAllEditors();
  });

  it('perflens.ignore turns a rule off, and clearing it turns the rule back on', async () => {
    const { document } = await openCopy('service.py');
    await waitForDiagnostics(document.uri, 'async-time-sleep', (found) => found.includes('18:9 async-time-sleep'));

    restore = await withSetting('perflens', 'ignore', ['async-time-sleep']);
    const ignored = await waitForDiagnostics(
      document.uri,
      'async-time-sleep to be ignored',
      (found) => found.length > 0 && !found.includes('18:9 async-time-sleep'),
    );
    assert.ok(ignored.length > 0, 'the other rules keep running');

    await restore();
    restore = undefined;
    await waitForDiagnostics(document.uri, 'async-time-sleep to come back', (found) => found.includes('18:9 async-time-sleep'));
  });

  it('perflens.severity changes how a finding is reported', async () => {
    const { document } = await openCopy('features.py');
    const reduction = (ds: vscode.Diagnostic[]) => ds.find((d) => d.code && typeof d.code === 'object' && d.code.value === 'reduction-over-list-comprehension');
    const before = await waitForDiagnostics(document.uri, 'the reduction finding', (_, ds) => reduction(ds) !== undefined);
    // `sum([...])` only costs memory: the rule reports it as a hint (any/all, which lose their early exit, as info).
    assert.equal(reduction(before)!.severity, vscode.DiagnosticSeverity.Hint, 'a sum over a list comprehension is a hint by default');

    restore = await withSetting('perflens', 'severity', { 'reduction-over-list-comprehension': 'error' });
    await waitForDiagnostics(document.uri, 'the reduction finding to become an error', (_, ds) => reduction(ds)?.severity === vscode.DiagnosticSeverity.Error);

    await restore();
    restore = await withSetting('perflens', 'severity', { 'reduction-over-list-comprehension': 'off' });
    await waitForDiagnostics(document.uri, 'severity "off" to hide the finding', (found, ds) => found.length > 0 && reduction(ds) === undefined);
  });
});
