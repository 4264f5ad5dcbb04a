// The one suppression-comment grammar (server/engine/suppressions.ts) and the editor actions that
// extend an existing comment through it (server/lsp/codeActions.ts).
import * as assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { readSuppression, suppressionComment } from '../../server/engine/suppressions';
import { quickFixes } from '../../server/lsp/codeActions';
import { SOURCE } from '../../common/protocol';

/** The text a suppression's rule list spans. */
function listText(text: string): string | null {
  const s = readSuppression(text);
  return s?.list ? text.slice(s.list.start, s.list.end) : null;
}

describe('suppression grammar', () => {
  it('reads the verb, the rules and where the rule list sits', () => {
    assert.deepEqual(readSuppression('x = 1  # perflens: ignore[a, b]'), { verb: 'ignore', rules: ['a', 'b'], start: 7, list: { start: 26, end: 30 } });
    assert.equal(listText('# perflens: ignore-file[a,b ]'), 'a,b ');
    assert.deepEqual(readSuppression('# perflens: disable'), { verb: 'disable', rules: [], start: 0, list: null });
    assert.equal(readSuppression('#perflens:enable[x]')?.verb, 'enable');
    assert.deepEqual(readSuppression('y()  # NOQA: E501, torch-x'), { verb: 'noqa', rules: ['E501', 'torch-x'], start: 5, list: { start: 13, end: 26 } });
    // A perflens comment wins over a noqa on the same line.
    assert.equal(readSuppression('# noqa  # perflens: ignore[a]')?.verb, 'ignore');
    assert.equal(readSuppression('# perflens ignore[a]'), null);
  });

  it('writes the comment it reads', () => {
    const comment = suppressionComment('ignore-file', ['a', 'b']);
    assert.equal(comment, '# perflens: ignore-file[a, b]');
    assert.deepEqual(readSuppression(comment)?.rules, ['a', 'b']);
  });
});

describe('disable actions on an existing comment', () => {
  function disableEdits(text: string, line: number): Map<string, { newText: string; range: Diagnostic['range'] }> {
    const doc = TextDocument.create('file:///t.py', 'python', 3, text);
    const diagnostic: Diagnostic = {
      range: { start: { line, character: 0 }, end: { line, character: 1 } },
      message: 'm',
      source: SOURCE,
      data: { ruleId: 'rule-c', version: 3 },
    };
    const out = new Map<string, { newText: string; range: Diagnostic['range'] }>();
    for (const action of quickFixes(doc, [diagnostic], [], {
      unsafe: false,
      clientCommands: false,
      guideOf: () => '',
      current: [diagnostic],
      versionOf: () => undefined,
    })) {
      const change = action.edit?.documentChanges?.[0];
      const edit = change && 'edits' in change ? change.edits[0] : undefined;
      if (edit && 'newText' in edit) out.set(action.title, { newText: edit.newText, range: edit.range });
    }
    return out;
  }

  it("adds the rule to the line's ignore list and to the file's ignore-file list", () => {
    const edits = disableEdits('# perflens: ignore-file[rule-a]\nx = f()  # perflens: ignore[rule-b]\n', 1);
    assert.deepEqual(edits.get('Disable rule-c for this line'), {
      range: { start: { line: 1, character: 28 }, end: { line: 1, character: 34 } },
      newText: 'rule-b, rule-c',
    });
    assert.deepEqual(edits.get('Disable rule-c for this file'), {
      range: { start: { line: 0, character: 24 }, end: { line: 0, character: 30 } },
      newText: 'rule-a, rule-c',
    });
  });

  it('writes a new comment beside a noqa, and leaves an indented ignore-file alone', () => {
    const edits = disableEdits('  # perflens: ignore-file[rule-a]\nx = f()  # noqa: E501\n', 1);
    assert.equal(edits.get('Disable rule-c for this line')?.newText, '  # perflens: ignore[rule-c]');
    assert.equal(edits.get('Disable rule-c for this file')?.newText, '# perflens: ignore-file[rule-c]\n');
  });
});
