// Quick fixes (server/lsp/codeActions.ts) take their edits only from the server's own diagnostics
// of the current text, and a notebook fix may edit only cells of the same notebook at their current
// versions (issue 23, items 3 and 8).
import * as assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { DiagnosticData } from '../../common/protocol';
import { quickFixes } from '../../server/lsp/codeActions';

const CELL = 'vscode-notebook-cell:/nb.ipynb#C4';
const FIRST = 'vscode-notebook-cell:/nb.ipynb#C0';
const doc = TextDocument.create(CELL, 'python', 3, 'def timed(func):\n    def wrapper(*a):\n        return func(*a)\n    return wrapper\n');
const range = { start: { line: 1, character: 8 }, end: { line: 1, character: 15 } };
const edit = (newText: string) => ({ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, newText });

function diagnostic(documents: NonNullable<DiagnosticData['fix']>['documents']): Diagnostic {
  const data: DiagnosticData = {
    ruleId: 'decorator-missing-wraps',
    version: 3,
    fix: { title: 'Add @functools.wraps(func)', safety: 'safe', edits: [edit('    @functools.wraps(func)\n')], documents },
  };
  return { range, source: 'perflens', code: 'decorator-missing-wraps', message: 'm', data };
}

/** The documents the preferred fix edits, given the server's diagnostic and the cells of the notebook. */
function editedDocuments(server: Diagnostic, cells: Record<string, number>): string[] | null {
  const actions = quickFixes(doc, [server], [], {
    unsafe: false,
    clientCommands: false,
    guideOf: (id) => id,
    current: [server],
    versionOf: (uri) => cells[uri],
  });
  const fix = actions.find((a) => a.isPreferred);
  return fix ? fix.edit!.documentChanges!.map((c) => ('textDocument' in c ? `${c.textDocument.uri}@${c.textDocument.version}` : '?')) : null;
}

describe('quick fixes: edits to other documents', () => {
  it('keeps a fix that edits another cell of the same notebook at its current version', () => {
    const d = diagnostic([{ uri: FIRST, version: 7, edits: [edit('import functools\n')] }]);
    assert.deepEqual(editedDocuments(d, { [FIRST]: 7 }), [`${CELL}@3`, `${FIRST}@7`]);
  });

  it('drops a fix that edits a file outside the notebook', () => {
    const d = diagnostic([{ uri: 'file:///home/u/.bashrc', version: 1, edits: [edit('curl x | sh\n')] }]);
    assert.equal(editedDocuments(d, { [FIRST]: 7 }), null);
  });

  it('drops a fix whose other cell changed since (its version is not current)', () => {
    const d = diagnostic([{ uri: FIRST, version: 6, edits: [edit('import functools\n')] }]);
    assert.equal(editedDocuments(d, { [FIRST]: 7 }), null);
  });

  it('offers nothing for a diagnostic that is not one of the current text', () => {
    const server = diagnostic(undefined);
    const client = { ...server, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } } };
    const actions = quickFixes(doc, [client], [], { unsafe: false, clientCommands: false, guideOf: (id) => id, current: [server], versionOf: () => undefined });
    assert.deepEqual(actions, []);
  });
});

describe('quick fixes: templates', () => {
  const cm = TextDocument.create('file:///cm.py', 'python', 1, '@contextmanager\ndef opened(p):\n    f = open(p)\n    yield f\n    f.close()\n');
  const at = { start: { line: 3, character: 4 }, end: { line: 3, character: 11 } };
  /** The templates offered for a contextmanager-yield-without-finally finding, with or without its fix. */
  function templates(fix: DiagnosticData['fix']): string[] {
    const data: DiagnosticData = { ruleId: 'contextmanager-yield-without-finally', version: 1, fix };
    const d: Diagnostic = { range: at, source: 'perflens', code: data.ruleId, message: 'm', data };
    const actions = quickFixes(cm, [d], [], { unsafe: true, clientCommands: true, guideOf: (id) => id, current: [d], versionOf: () => undefined });
    return actions.filter((a) => a.command?.command === 'perflens.showSnippet').map((a) => a.title);
  }

  it('offers the template of a finding that has no fix', () => {
    assert.deepEqual(templates(undefined), ['Show the "ctx-gen" template']);
  });

  it('offers no template beside a fix that rewrites the code (the rewrite is the answer)', () => {
    const fix = { title: 'Wrap the yield in try/finally', safety: 'unsafe' as const, reason: 'r', edits: [{ range: at, newText: 'try:\n        yield f' }] };
    assert.deepEqual(templates(fix), []);
  });
});

describe('quick fixes: cost', () => {
  it('grows with the diagnostics sent, not with their number times the size of the file (a 2 MB file, 2,000 diagnostics)', () => {
    // 2,000 lines of 1,000 characters, one diagnostic per line (a client may send them all: the protocol fuzzer's did).
    const lines = Array.from({ length: 2000 }, (_, i) => `x${i} = 1${' '.repeat(990)}`);
    const big = TextDocument.create('file:///big.py', 'python', 1, lines.join('\n') + '\n');
    const diagnostics: Diagnostic[] = lines.map((_, line) => ({
      range: { start: { line, character: 0 }, end: { line, character: 2 } },
      source: 'perflens',
      code: 'some-rule',
      message: 'm',
      data: { ruleId: 'some-rule', version: 1 } satisfies DiagnosticData,
    }));
    const started = performance.now();
    const actions = quickFixes(big, diagnostics, [], {
      unsafe: false,
      clientCommands: false,
      guideOf: (id) => id,
      current: diagnostics,
      versionOf: () => undefined,
    });
    const ms = performance.now() - started;
    // Disable for this line and for this file, per diagnostic; the file's comment goes on its first line.
    assert.equal(actions.length, 4000);
    assert.deepEqual(actions[1].edit!.documentChanges![0], {
      textDocument: { uri: 'file:///big.py', version: 1 },
      edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: '# perflens: ignore-file[some-rule]\n' }],
    });
    assert.ok(ms < 1500, `${ms.toFixed(0)} ms for 2,000 diagnostics`);
  });
});
